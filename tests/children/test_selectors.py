"""Reads: the choke point, the 404 rule, the duplicate search and the audit of every read."""

import datetime
import uuid

import pytest
from django.http import Http404

from apps.audit.models import AuditEvent
from apps.children.selectors import child_list, child_possible_matches
from apps.children.services import child_identifier_add
from apps.core.exceptions import NotPermitted
from apps.sharing.selectors import access_child, child_list_audit
from tests.factories import ChildFactory, OrganisationFactory, nhs_number_from

pytestmark = pytest.mark.django_db


def test_outsider_gets_404_for_a_child_that_exists(outsider, child):
    with pytest.raises(Http404):
        access_child(outsider, child.public_id)


def test_no_such_child_and_malformed_ids_are_the_same_404(lead_professional):
    for public_id in (uuid.uuid4(), "not-a-uuid", ""):
        with pytest.raises(Http404):
            access_child(lead_professional, public_id)


def test_read_only_access_is_refused_a_change_with_403_not_404(read_only_professional, child):
    assert access_child(read_only_professional, child.public_id) == child
    with pytest.raises(NotPermitted):
        access_child(read_only_professional, child.public_id, perm="change_child")


def test_each_read_is_audited_with_its_basis(lead_professional, child):
    access_child(lead_professional, child.public_id)
    event = AuditEvent.objects.get(action=AuditEvent.Action.VIEW)
    assert (event.actor, event.child, event.basis) == (
        lead_professional,
        child,
        "Direct care: working with the young person",
    )
    assert event.interface == AuditEvent.Interface.SYSTEM  # no request: a command or a task


def test_a_refused_read_writes_no_audit_row_about_the_child(outsider, child):
    before = AuditEvent.objects.count()
    with pytest.raises(Http404):
        access_child(outsider, child.public_id)
    assert AuditEvent.objects.count() == before


def test_list_shows_only_shared_children_and_searches_names_nhs_numbers_and_identifiers(
    lead_professional, child
):
    ChildFactory(given_name="Hidden", family_name="Okafor")
    council = OrganisationFactory()
    child_identifier_add(
        actor=lead_professional, child=child, kind="education_upn", value="A123", issuer=council
    )
    spaced = f"{child.nhs_number[:3]} {child.nhs_number[3:6]} {child.nhs_number[6:]}"
    for search in ("", "okafor", "Sam Okafor", spaced, "a123"):
        assert list(child_list(user=lead_professional, search=search)) == [child], search
    assert list(child_list(user=lead_professional, search="nobody")) == []


def test_list_page_audit_is_one_row_per_child_shown(lead_professional, child):
    page = list(child_list(user=lead_professional))
    child_list_audit(user=lead_professional, children=page)
    assert AuditEvent.objects.filter(action=AuditEvent.Action.LIST, child=child).count() == 1


def test_list_runs_a_fixed_number_of_queries(lead_professional, django_assert_num_queries):
    from apps.sharing.models import AccessGrant
    from apps.sharing.services import child_access_grant

    for _ in range(20):
        child_access_grant(
            child=ChildFactory(), user=lead_professional, basis=AccessGrant.Basis.CREATOR, granted_by=None
        )
    # The list, and first the small lookup of the permission id and the person's groups (restrict()): two
    # whatever the list's length (one more, a bounded count, for someone in a group).
    with django_assert_num_queries(2):
        rows = list(child_list(user=lead_professional, search="synthetic"))
        assert [row.current_flag_count for row in rows] == [0] * 20


def test_possible_matches_find_the_same_nhs_number_or_name_and_birth_date(outsider, child):
    by_nhs = child_possible_matches(user=outsider, nhs_number=child.nhs_number)
    by_name = child_possible_matches(
        user=outsider, given_name="samira", family_name="OKAFOR", date_of_birth=child.date_of_birth
    )
    for matches in (by_nhs, by_name):
        # Not shared with the outsider: that a record may exist, and nothing of it.
        assert [(match.child, match.visible) for match in matches] == [(None, False)]
        assert "ask for access to it" in matches[0].next_step
    # The factory's number was never checked against the national register: the match says so.
    assert by_nhs[0].reason == "same NHS number, not yet verified"
    assert by_name[0].reason == "same name and date of birth"


def test_possible_matches_say_which_are_already_shared(lead_professional, child):
    (match,) = child_possible_matches(user=lead_professional, nhs_number=child.nhs_number)
    assert match.visible


def test_possible_matches_are_audited_against_each_child(outsider, child):
    child_possible_matches(user=outsider, nhs_number=child.nhs_number)
    event = AuditEvent.objects.get(action=AuditEvent.Action.SEARCH, child__isnull=False)
    assert (event.actor, event.child) == (outsider, child)


def test_every_possible_match_check_is_audited_even_with_no_match(outsider, child):
    child_possible_matches(user=outsider, nhs_number=nhs_number_from(481_234))  # No record.
    child_possible_matches(
        user=outsider, given_name="Samira", family_name="Okafor", date_of_birth=child.date_of_birth
    )

    checks = AuditEvent.objects.filter(action=AuditEvent.Action.SEARCH, child=None).order_by("pk")
    assert [(event.actor, event.target_id) for event in checks] == [(outsider, str(outsider.public_id))] * 2
    assert [event.detail for event in checks] == [
        {"possible_match_check": ["nhs_number"], "records_matched": 0},
        {"possible_match_check": ["name_and_date_of_birth"], "records_matched": 1},
    ]


def test_the_audit_of_a_possible_match_check_holds_no_nhs_number_or_name(outsider, child):
    child_possible_matches(
        user=outsider,
        nhs_number=child.nhs_number,
        given_name="Samira",
        family_name="Okafor",
        date_of_birth=child.date_of_birth,
    )

    for event in AuditEvent.objects.filter(action=AuditEvent.Action.SEARCH):
        written = f"{event.basis} {event.detail} {event.target_id}".lower()
        for searched in (child.nhs_number, "samira", "okafor", child.date_of_birth.isoformat()):
            assert searched not in written


def test_possible_matches_need_a_number_or_a_full_name_and_birth_date(outsider, child):
    assert child_possible_matches(user=outsider, given_name="Samira", family_name="Okafor") == []
    assert child_possible_matches(user=outsider, date_of_birth=datetime.date(2010, 1, 1)) == []
