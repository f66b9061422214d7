"""Link and merge (R2): every child-scoped row moves in one transaction, the duplicate becomes a redirecting
tombstone, and a reversal within 30 days puts back exactly what the merge changed."""

import datetime

import pytest
import time_machine
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.children.merging import (
    MERGE_RULES,
    REVERSIBLE_DAYS,
    Strategy,
    _unique_sets,
    child_links,
    child_merge,
    child_merge_preview,
    child_merge_reverse,
)
from apps.children.models import Child, ChildMerge
from apps.core.exceptions import ApplicationError, NotPermitted, RecordMerged
from apps.passport.services import passport_create
from apps.sharing.models import ChildGroupObjectPermission, ChildUserObjectPermission
from apps.sharing.selectors import access_child
from apps.sharing.services import child_access_grant
from apps.teams.models import LeadProfessionalAppointment, TeamMembership
from apps.teams.selectors import current_lead_appointment
from tests.auth import sign_in
from tests.children.merge_world import merge_world, rows_of, with_access
from tests.concurrency import one_wins, run_together
from tests.factories import ChildFactory, FamilyMemberFactory, ProfessionalFactory, UserFactory
from tests.teams.factories import lead_for, professional_joins

pytestmark = pytest.mark.django_db


def _merge(survivor, duplicate, actor, reason="Same child: same GP, same school, same mother."):
    return child_merge(
        actor=actor,
        survivor=with_access(survivor, actor),
        duplicate=with_access(duplicate, actor),
        reason=reason,
    )


def _pair(**fields):
    """Two records without NHS numbers (two different numbers would refuse the merge)."""
    return ChildFactory(nhs_number=None, **fields), ChildFactory(nhs_number=None, **fields)


def _creator(*children):
    person = ProfessionalFactory()
    for child in children:
        child_access_grant(child=child, user=person, basis="creator", granted_by=person)
    return person


# --- The registry covers every child-scoped model -----------------------------------------------------


def _foreign_keys_to_child() -> set[str]:
    """Every model in every installed app with a foreign key or one-to-one to Child, found from the models'
    own fields (not from the merge code's walk, which this checks)."""
    return {
        model._meta.label
        for model in apps.get_models(include_auto_created=True)
        for field in model._meta.get_fields()
        if isinstance(field, models.ForeignKey | models.OneToOneField) and field.related_model is Child
    }


def test_every_model_with_a_foreign_key_to_a_child_has_a_merge_rule():
    missing = _foreign_keys_to_child() - set(MERGE_RULES)
    assert not missing, (
        f"{sorted(missing)} hold a foreign key to a child but have no rule in "
        "apps.children.merging.MERGE_RULES: say whether a merge moves, recomputes or keeps their rows (and "
        "how a clash is settled)."
    )


def test_every_merge_rule_names_a_model_that_still_points_at_a_child():
    assert set(MERGE_RULES) - _foreign_keys_to_child() == set()
    assert {link.label for link in child_links()} == _foreign_keys_to_child()


def test_every_clash_rule_names_a_unique_constraint_of_its_model():
    for link in child_links():
        rule = MERGE_RULES[link.label]
        names = {name for name, _, _ in _unique_sets(link)}
        assert set(rule.clashes) <= names, (
            f"{link.label}: {set(rule.clashes) - names} are not its constraints"
        )
        for clash in rule.clashes.values():
            assert clash.said or clash.refuse


# --- Every row moves, and comes back ----------------------------------------------------------------


def test_a_merge_moves_every_child_scoped_row_and_a_reversal_puts_every_one_back():
    world = merge_world()
    survivor, duplicate, lead = world.survivor, world.duplicate, world.lead
    theirs, ours = rows_of(duplicate), rows_of(survivor)
    moved = {label for label, rule in MERGE_RULES.items() if rule.strategy == Strategy.MOVE}
    # The world holds a row of every kind a merge moves: a new kind needs a row here too.
    assert {label for label, pks in theirs.items() if pks} == moved
    audit_rows = set(AuditEvent.objects.filter(child=duplicate).values_list("pk", flat=True))

    merge = _merge(survivor, duplicate, lead)

    after_theirs, after_ours = rows_of(duplicate), rows_of(survivor)
    left = {label: pks for label, pks in after_theirs.items() if pks}
    # Only the rule's deliberate "leave" settlements stay (none in this world), and the tombstone itself.
    assert left == {}
    for label in moved:
        assert theirs[label] | ours[label] <= after_ours[label], label
    # The audit log is never rewritten; the tombstone holds no one's permissions and sends people on.
    assert set(
        AuditEvent.objects.filter(child=duplicate, pk__in=audit_rows).values_list("pk", flat=True)
    ) == (audit_rows)
    assert not ChildUserObjectPermission.objects.filter(content_object=duplicate).exists()
    assert not ChildGroupObjectPermission.objects.filter(content_object=duplicate).exists()
    duplicate.refresh_from_db()
    survivor.refresh_from_db()
    assert duplicate.merged_into == survivor
    assert survivor.account == world.young_person
    assert duplicate.account is None
    assert survivor.nhs_number
    assert duplicate.nhs_number is None
    assert merge.merged_by == lead
    assert merge.reason

    child_merge_reverse(
        actor=lead, merge=with_merge_access(merge, lead), reason="Two different children after all."
    )

    assert {label: pks for label, pks in rows_of(duplicate).items() if pks} == {
        label: pks for label, pks in theirs.items() if pks
    }
    assert {label: pks for label, pks in rows_of(survivor).items() if pks} == {
        label: pks for label, pks in ours.items() if pks
    }
    duplicate.refresh_from_db()
    assert duplicate.merged_into is None
    assert duplicate.account == world.young_person
    assert duplicate.nhs_number
    # Access is rebuilt from what came back: the lead sees the duplicate again, the survivor as before.
    assert access_child(lead, duplicate.public_id).access.can_change
    assert access_child(lead, survivor.public_id).access.can_change


def with_merge_access(merge: ChildMerge, user) -> ChildMerge:
    merge = ChildMerge.objects.get(pk=merge.pk)
    merge.survivor = with_access(merge.survivor, user)
    return merge


def test_a_merge_and_its_reversal_are_audited_against_both_records():
    survivor, duplicate = _pair()
    person = _creator(survivor, duplicate)

    merge = _merge(survivor, duplicate, person)

    for child, key in ((survivor, "merged_from"), (duplicate, "merged_into")):
        event = AuditEvent.objects.filter(child=child, detail__merge=str(merge.public_id)).get()
        assert event.actor == person
        assert key in event.detail
    child_merge_reverse(actor=person, merge=with_merge_access(merge, person), reason="Wrong child.")
    assert AuditEvent.objects.filter(detail__merge_reversed=str(merge.public_id)).count() == 2


# --- The tombstone ---------------------------------------------------------------------------------


def test_the_tombstone_sends_someone_who_sees_the_survivor_on_to_it(client):
    survivor, duplicate = _pair()
    person = _creator(survivor, duplicate)
    _merge(survivor, duplicate, person)
    sign_in(client, person)

    response = client.get(reverse("teams:team", args=[duplicate.public_id]))

    assert response.status_code == 302
    assert response.url == reverse("teams:team", args=[survivor.public_id])
    with pytest.raises(RecordMerged):
        access_child(person, duplicate.public_id)


def test_the_tombstone_is_a_404_for_someone_who_cannot_see_the_survivor(client):
    survivor, duplicate = _pair()
    person = _creator(survivor, duplicate)
    only_duplicate = _creator(duplicate)
    _merge(survivor, duplicate, person)
    sign_in(client, only_duplicate)

    # Their access followed the grant onto the survivor, so they are sent on; someone with none gets a 404.
    assert client.get(reverse("children:detail", args=[duplicate.public_id])).status_code == 302
    sign_in(client, ProfessionalFactory())
    assert client.get(reverse("children:detail", args=[duplicate.public_id])).status_code == 404


def test_the_api_names_the_survivor_for_a_tombstone_and_never_replays_a_write(api_client):
    survivor, duplicate = _pair()
    person = _creator(survivor, duplicate)
    _merge(survivor, duplicate, person)
    api_client.force_authenticate(person)

    for response in (
        api_client.get(f"/api/v1/children/{duplicate.public_id}/"),
        api_client.patch(f"/api/v1/children/{duplicate.public_id}/", {"strengths": "x"}, format="json"),
    ):
        assert response.status_code == 409
        assert response.json()["errors"][0]["code"] == "record_merged"
        assert str(survivor.public_id) in response.json()["errors"][0]["detail"]
        assert response["Location"] == f"/api/v1/children/{survivor.public_id}/"
    survivor.refresh_from_db()
    assert survivor.strengths != "x"


def test_the_tombstone_is_in_no_list(client):
    survivor, duplicate = _pair(given_name="Survivor"), _pair(given_name="Tombstone")
    survivor, duplicate = survivor[0], duplicate[0]
    person = _creator(survivor, duplicate)
    _merge(survivor, duplicate, person)
    sign_in(client, person)

    page = client.get(reverse("children:list")).text

    assert "Survivor" in page

    assert "Tombstone" not in page
    assert list(Child.objects.restrict(person)) == [survivor]


# --- Clashes: settled, or refused with what to resolve -------------------------------------------------


def test_two_current_lead_professionals_leave_the_survivor_s_and_end_the_duplicate_s():
    survivor, duplicate = _pair()
    kept, other = ProfessionalFactory(), ProfessionalFactory()
    lead_for(survivor, kept)
    lead_for(duplicate, other)
    professional_joins(survivor, other, actor=kept)  # Other is also in the survivor's team.
    merger = _creator(survivor, duplicate)

    preview = child_merge_preview(
        survivor=with_access(survivor, merger), duplicate=with_access(duplicate, merger)
    )
    assert preview.may_merge
    assert any("Both records have a current lead professional" in said for said in preview.settled)
    assert any("in the team around both records" in said for said in preview.settled)

    _merge(survivor, duplicate, merger)

    assert current_lead_appointment(child=survivor).membership.user == kept
    assert LeadProfessionalAppointment.objects.filter(child=survivor, ended_on__isnull=True).count() == 1
    assert TeamMembership.objects.current().filter(child=survivor, user=other).count() == 1
    # The other lead no longer coordinates or changes the record; they stay in the team and see it.
    access = access_child(other, survivor.public_id).access
    assert access.can_see_child
    assert not access.can_change


def test_the_duplicate_s_lead_leads_the_survivor_when_it_had_none_even_if_in_both_teams():
    survivor, duplicate = _pair()
    lead = ProfessionalFactory()
    lead_for(duplicate, lead)
    professional_joins(survivor, lead)
    merger = _creator(survivor, duplicate)

    merge = _merge(survivor, duplicate, merger)

    appointment = current_lead_appointment(child=survivor)
    assert appointment.membership.user == lead
    assert appointment.membership.ended_on is None
    assert access_child(lead, survivor.public_id).access.can_change
    child_merge_reverse(actor=merger, merge=with_merge_access(merge, merger), reason="Wrong child.")
    assert current_lead_appointment(child=duplicate).membership.child == duplicate
    assert current_lead_appointment(child=survivor) is None


def test_two_passports_refuse_the_merge_saying_what_to_resolve_and_nothing_is_saved():
    survivor, duplicate = _pair()
    person = _creator(survivor, duplicate)
    for child in (survivor, duplicate):
        carer = UserFactory(kind=User.Kind.PARENT_CARER)
        passport_create(
            actor=person, child=child, owner=carer, owner_family_member=FamilyMemberFactory(child=child)
        )
    before = rows_of(duplicate)

    with pytest.raises(ApplicationError, match="Both records have a passport"):
        _merge(survivor, duplicate, person)

    assert rows_of(duplicate) == before
    assert not ChildMerge.objects.exists()
    assert Child.objects.get(pk=duplicate.pk).merged_into is None


def test_different_nhs_numbers_refuse_the_merge():
    survivor, duplicate = ChildFactory(), ChildFactory()
    person = _creator(survivor, duplicate)

    preview = child_merge_preview(
        survivor=with_access(survivor, person), duplicate=with_access(duplicate, person)
    )

    assert any("different NHS numbers" in refusal for refusal in preview.refusals)
    with pytest.raises(ApplicationError, match="different NHS numbers"):
        _merge(survivor, duplicate, person)
    assert not ChildMerge.objects.exists()


# --- Bad input: a clear message, nothing saved ---------------------------------------------------------


def test_a_record_cannot_be_merged_into_itself():
    child = ChildFactory()
    person = _creator(child)
    with pytest.raises(ApplicationError, match="cannot be merged into itself"):
        child_merge(
            actor=person,
            survivor=with_access(child, person),
            duplicate=with_access(child, person),
            reason="x",
        )
    assert not ChildMerge.objects.exists()


def test_a_record_the_person_cannot_change_cannot_be_merged_either_way():
    mine, theirs = ChildFactory(nhs_number=None), ChildFactory(nhs_number=None)
    person = _creator(mine)
    child_access_grant(
        child=theirs, user=person, basis="administrator", granted_by=None, can_change=False, reason="x"
    )

    for survivor, duplicate in ((mine, theirs), (theirs, mine)):
        with pytest.raises(NotPermitted, match="only merge records you can change"):
            _merge(survivor, duplicate, person)
    assert not ChildMerge.objects.exists()


def test_a_merge_needs_a_reason():
    survivor, duplicate = ChildFactory(nhs_number=None), ChildFactory(nhs_number=None)
    person = _creator(survivor, duplicate)
    with pytest.raises(ValidationError):
        _merge(survivor, duplicate, person, reason="  ")
    assert not ChildMerge.objects.exists()


def test_an_already_merged_record_cannot_be_merged_again_nor_merged_into():
    first, second, third = (ChildFactory(nhs_number=None) for _ in range(3))
    person = _creator(first, second, third)
    _merge(first, second, person)

    tombstone = Child.objects.get(pk=second.pk)
    tombstone.access = with_access(first, person).access
    with pytest.raises(ApplicationError, match="already been merged"):
        child_merge(actor=person, survivor=with_access(third, person), duplicate=tombstone, reason="x")
    with pytest.raises(ApplicationError, match="merged into another"):
        child_merge(actor=person, survivor=tombstone, duplicate=with_access(third, person), reason="x")
    assert ChildMerge.objects.count() == 1


def test_a_merge_cannot_be_reversed_after_30_days_or_twice():
    survivor, duplicate = ChildFactory(nhs_number=None), ChildFactory(nhs_number=None)
    person = _creator(survivor, duplicate)
    merge = _merge(survivor, duplicate, person)

    late = time_machine.travel(timezone.now() + datetime.timedelta(days=REVERSIBLE_DAYS + 1))
    with late, pytest.raises(ApplicationError, match=f"reversed for {REVERSIBLE_DAYS} days"):
        child_merge_reverse(actor=person, merge=with_merge_access(merge, person), reason="Too late.")
    assert Child.objects.get(pk=duplicate.pk).merged_into_id == survivor.pk

    child_merge_reverse(actor=person, merge=with_merge_access(merge, person), reason="Wrong child.")
    with pytest.raises(ApplicationError, match="already reversed"):
        child_merge_reverse(actor=person, merge=with_merge_access(merge, person), reason="Again.")


# --- Two merges of one duplicate at the same moment -----------------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_merges_of_one_duplicate_at_once_one_wins_and_the_other_is_refused():
    first, second, duplicate = (ChildFactory(nhs_number=None) for _ in range(3))
    person = _creator(first, second, duplicate)
    calls = [lambda survivor=survivor: _merge(survivor, duplicate, person) for survivor in (first, second)]

    merge, refusal = one_wins(run_together(*calls), refused=ApplicationError)

    assert ChildMerge.objects.get().pk == merge.pk
    assert Child.objects.get(pk=duplicate.pk).merged_into_id == merge.survivor_id
    assert "merged" in refusal.message
