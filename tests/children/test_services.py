"""The child record's rules, through the services every interface calls."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.children.models import Child, ChildIdentifier, SocialWorkInvolvement, VulnerabilityFlag
from apps.children.services import (
    child_create,
    child_identifier_add,
    child_update,
    family_member_add,
    social_work_status_record,
    vulnerability_flag_add,
    vulnerability_flag_end,
)
from apps.core.exceptions import DuplicateRecord
from apps.sharing.models import AccessGrant
from tests.factories import ChildFactory, OrganisationFactory, nhs_number_from, vulnerability_type

pytestmark = pytest.mark.django_db

VALID = nhs_number_from(4242)


def _new_child(actor, **overrides):
    fields = {"given_name": "Jay", "family_name": "Mensah", "date_of_birth": datetime.date(2010, 5, 1)}
    return child_create(actor=actor, **{**fields, **overrides})


def test_creating_a_child_stores_the_nhs_number_normalised(lead_professional):
    spaced = f"{VALID[:3]} {VALID[3:6]}-{VALID[6:]}"
    child = _new_child(lead_professional, nhs_number=spaced)
    assert Child.objects.get(pk=child.pk).nhs_number == VALID


def test_the_creator_can_see_and_change_the_new_record(lead_professional):
    child = _new_child(lead_professional)
    assert Child.objects.restrict(lead_professional, "change_child").filter(pk=child.pk).exists()
    grant = AccessGrant.objects.get(child=child, user=lead_professional)
    assert grant.basis == AccessGrant.Basis.CREATOR


def test_creating_a_child_writes_audit_rows_for_the_create_and_the_grant(lead_professional):
    child = _new_child(lead_professional)
    actions = set(AuditEvent.objects.filter(child=child).values_list("action", flat=True))
    assert actions == {AuditEvent.Action.CREATE, AuditEvent.Action.GRANT}
    create = AuditEvent.objects.get(child=child, action=AuditEvent.Action.CREATE)
    assert create.actor == lead_professional
    assert create.actor_organisation == lead_professional.memberships.get().organisation
    assert "Mensah" not in str(create.detail)  # field names only, never values


@pytest.mark.parametrize(
    ("nhs_number", "code_hint"),
    [("9990000019", "last digit"), ("99900000", "10 digits"), ("99900000AB", "numbers only")],
)
def test_a_bad_nhs_number_is_refused_and_nothing_is_saved(lead_professional, nhs_number, code_hint):
    with pytest.raises(ValidationError) as error:
        _new_child(lead_professional, nhs_number=nhs_number)
    assert code_hint in " ".join(error.value.message_dict["nhs_number"])
    assert Child.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_a_duplicate_nhs_number_is_refused_with_advice_to_ask_for_access(lead_professional, outsider):
    ChildFactory(nhs_number=VALID)
    with pytest.raises(ValidationError) as error:
        _new_child(outsider, nhs_number=VALID)
    assert "ask for access" in error.value.message_dict["nhs_number"][0]
    assert Child.objects.count() == 1


def test_a_date_of_birth_in_the_future_is_refused(lead_professional):
    with pytest.raises(ValidationError) as error:
        _new_child(lead_professional, date_of_birth=timezone.localdate() + datetime.timedelta(days=1))
    assert "date_of_birth" in error.value.message_dict
    assert Child.objects.count() == 0


@time_machine.travel(datetime.datetime(2026, 6, 15, 23, 30, tzinfo=datetime.UTC))
def test_today_means_today_in_london(lead_professional):
    # 23:30 UTC on 15 June is 00:30 BST on 16 June: a baby born on the 16th in London is not in the future.
    _new_child(lead_professional, date_of_birth=datetime.date(2026, 6, 16))


def test_identifiers_are_unique_per_issuing_organisation(lead_professional):
    council = OrganisationFactory()
    other_council = OrganisationFactory()
    first = _new_child(
        lead_professional, identifiers=[{"kind": "social_care_id", "value": "SC1", "issuer": council}]
    )
    with pytest.raises(ValidationError) as error:
        _new_child(
            lead_professional,
            given_name="Another",
            identifiers=[{"kind": "social_care_id", "value": "sc1", "issuer": council}],
        )
    assert "identifiers.0.value" in error.value.message_dict
    assert Child.objects.count() == 1
    # Another council may issue the same string to its own child.
    second = _new_child(
        lead_professional,
        given_name="Another",
        identifiers=[{"kind": "social_care_id", "value": "SC1", "issuer": other_council}],
    )
    assert first.pk != second.pk


def test_a_missing_identifier_issuer_is_named_in_the_error(lead_professional):
    with pytest.raises(ValidationError) as error:
        _new_child(
            lead_professional, identifiers=[{"kind": "social_care_id", "value": "SC9", "issuer": None}]
        )
    assert "identifiers.0.issuer" in error.value.message_dict
    assert Child.objects.count() == 0


def test_adding_a_duplicate_identifier_names_the_value_field(lead_professional, child):
    council = OrganisationFactory()
    child_identifier_add(
        actor=lead_professional, child=child, kind="social_care_id", value="X1", issuer=council
    )
    other = ChildFactory()
    with pytest.raises(ValidationError) as error:
        child_identifier_add(
            actor=lead_professional, child=other, kind="social_care_id", value="X1", issuer=council
        )
    assert "value" in error.value.message_dict
    assert ChildIdentifier.objects.count() == 1


def test_update_changes_only_the_given_fields_and_audits_their_names(lead_professional, child):
    child_update(actor=lead_professional, child=child, preferred_name="Sammy", strengths="Great at chess")
    child.refresh_from_db()
    assert child.preferred_name == "Sammy"
    event = AuditEvent.objects.filter(child=child, action=AuditEvent.Action.UPDATE).get()
    assert event.detail == {"fields": ["preferred_name", "strengths"]}


def test_a_failed_update_leaves_the_record_and_the_object_unchanged(lead_professional, child):
    original = child.nhs_number
    with pytest.raises(ValidationError):
        child_update(actor=lead_professional, child=child, nhs_number="1234567890", preferred_name="New")
    assert child.nhs_number == original
    assert child.preferred_name == "Sam"
    child.refresh_from_db()
    assert child.preferred_name == "Sam"
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.UPDATE).exists()


def test_updating_to_another_childs_nhs_number_is_refused(lead_professional, child):
    other = ChildFactory()
    with pytest.raises((ValidationError, DuplicateRecord)):
        child_update(actor=lead_professional, child=child, nhs_number=other.nhs_number)


def test_a_new_social_work_status_closes_the_previous_one(lead_professional, child):
    social_work_status_record(
        actor=lead_professional, child=child, status="child_in_need", started_on=datetime.date(2025, 1, 10)
    )
    social_work_status_record(
        actor=lead_professional,
        child=child,
        status="looked_after",
        legal_status="in_care",
        placement_type="foster_care",
        started_on=datetime.date(2025, 6, 1),
    )
    history = list(child.social_work_history.order_by("started_on"))
    assert [period.status for period in history] == ["child_in_need", "looked_after"]
    assert history[0].ended_on == datetime.date(2025, 6, 1)
    assert history[1].ended_on is None


def test_a_looked_after_status_needs_a_legal_status(lead_professional, child):
    with pytest.raises(ValidationError) as error:
        social_work_status_record(
            actor=lead_professional, child=child, status="looked_after", started_on=datetime.date(2025, 1, 1)
        )
    assert "legal_status" in error.value.message_dict
    assert not SocialWorkInvolvement.objects.exists()


def test_a_status_cannot_start_before_the_current_one(lead_professional, child):
    social_work_status_record(
        actor=lead_professional, child=child, status="child_in_need", started_on=datetime.date(2025, 6, 1)
    )
    with pytest.raises(ValidationError) as error:
        social_work_status_record(
            actor=lead_professional,
            child=child,
            status="child_protection",
            started_on=datetime.date(2025, 1, 1),
        )
    assert "started_on" in error.value.message_dict
    assert child.social_work_history.get().ended_on is None  # nothing half-changed


def test_vulnerabilities_build_up_and_one_type_is_current_once(lead_professional, child):
    vulnerability_flag_add(
        actor=lead_professional,
        child=child,
        type=vulnerability_type("young-carer"),
        source="school",
        identified_on=datetime.date(2025, 2, 1),
    )
    vulnerability_flag_add(
        actor=lead_professional,
        child=child,
        type=vulnerability_type("bereavement"),
        source="the young person",
        identified_on=datetime.date(2025, 3, 1),
    )
    with pytest.raises(ValidationError):
        vulnerability_flag_add(
            actor=lead_professional,
            child=child,
            type=vulnerability_type("young-carer"),
            source="GP",
            identified_on=datetime.date(2025, 4, 1),
        )
    assert VulnerabilityFlag.objects.filter(child=child, ended_on__isnull=True).count() == 2


def test_an_ended_vulnerability_stays_in_the_history(lead_professional, child):
    flag = vulnerability_flag_add(
        actor=lead_professional,
        child=child,
        type=vulnerability_type("homeless"),
        source="housing",
        identified_on=datetime.date(2025, 2, 1),
    )
    vulnerability_flag_end(actor=lead_professional, flag=flag, ended_on=datetime.date(2025, 5, 1))
    assert child.vulnerability_flags.get().ended_on == datetime.date(2025, 5, 1)
    with pytest.raises(ValidationError):
        vulnerability_flag_end(actor=lead_professional, flag=flag, ended_on=datetime.date(2025, 1, 1))


def test_family_members_record_parental_responsibility(lead_professional, child):
    member = family_member_add(
        actor=lead_professional,
        child=child,
        name="Grace Okafor",
        relationship="mother",
        has_parental_responsibility=True,
        lives_in_household=True,
    )
    assert member.has_parental_responsibility
    with pytest.raises(ValidationError) as error:
        family_member_add(actor=lead_professional, child=child, name="", relationship="aunt-ish")
    assert {"name", "relationship"} <= set(error.value.message_dict)


def test_a_deprivation_decile_outside_1_to_10_is_refused(lead_professional):
    with pytest.raises(ValidationError) as error:
        _new_child(lead_professional, deprivation_decile=11)
    assert "deprivation_decile" in error.value.message_dict


def test_nhs_number_errors_keep_their_codes_for_api_clients(lead_professional):
    with pytest.raises(ValidationError) as error:
        _new_child(lead_professional, nhs_number="9990000019")
    assert [e.code for e in error.value.error_dict["nhs_number"]] == ["check_digit"]


def test_a_second_current_vulnerability_of_one_type_names_the_type_field(lead_professional, child):
    kind = vulnerability_type("bereavement")
    vulnerability_flag_add(
        actor=lead_professional,
        child=child,
        type=kind,
        source="school",
        identified_on=datetime.date(2025, 1, 1),
    )
    with pytest.raises(ValidationError) as error:
        vulnerability_flag_add(
            actor=lead_professional,
            child=child,
            type=kind,
            source="GP",
            identified_on=datetime.date(2025, 2, 1),
        )
    assert list(error.value.message_dict) == ["type"]
