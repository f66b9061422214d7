"""Two records of one child, the duplicate holding at least one row of every kind a merge moves.

Built through the real services wherever one exists (so every grant, permission and notification is real),
and with the model directly where a row only arises from a sweep or a page view.
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from apps.accounts.models import User
from apps.children.characteristics import protected_characteristics_record
from apps.children.merging import MERGE_RULES, Strategy, child_links, child_merge
from apps.children.models import Child, DeclaredBy, DifferentChildConfirmation, Ethnicity
from apps.children.services import vulnerability_flag_add
from apps.chronology.services import significant_event_record
from apps.consent.models import ConsentReview, Disclosure, SafeguardingOverride
from apps.consent.services import (
    consent_review_schedule,
    coordination_objection_record,
    parent_withholding_record,
    safeguarding_override_open,
)
from apps.notifications.models import Notification
from apps.notifications.services import reminder_schedule
from apps.referrals.models import HelpRequest
from apps.referrals.services import consultation_request
from apps.sharing.access import child_access
from apps.sharing.models import AccessGrant, LawfulBasis
from apps.sharing.services import child_access_grant, task_access_grant
from apps.teams.models import Handover, TeamMembership
from apps.teams.services import access_request_create
from tests.appointments.factories import missed
from tests.factories import (
    ChildFactory,
    ChildIdentifierFactory,
    FamilyMemberFactory,
    ProfessionalFactory,
    SocialWorkInvolvementFactory,
    share_with,
    vulnerability_type,
)
from tests.portal.factories import young_person_world
from tests.referrals.factories import accepted_referral, camhs_organisation
from tests.teams.factories import action_for, planned_meeting


@dataclass
class MergeWorld:
    survivor: Child
    duplicate: Child
    lead: User  # Hannah: leads the duplicate, created the survivor; may change both.
    young_person: User
    asker: User  # Asked for access to the duplicate, which is not shared with them.


def with_access(child: Child, user: User) -> Child:
    """The child as ``access_child`` hands it to a service: with the access decision riding on it."""
    child = Child.objects.get(pk=child.pk)
    child.access = child_access(user=user, child=child)
    return child


def merge_world() -> MergeWorld:
    world = young_person_world(username="kay", lead_username="hannah", with_passport=True)
    duplicate, lead = world.child, world.lead
    # The core record.
    ChildIdentifierFactory(child=duplicate)
    SocialWorkInvolvementFactory(child=duplicate)
    FamilyMemberFactory(child=duplicate)
    protected_characteristics_record(
        actor=lead, child=duplicate, declared_by=DeclaredBy.PROFESSIONAL_AS_TOLD, ethnicity=Ethnicity.ROMA
    )
    vulnerability_flag_add(
        actor=lead,
        child=duplicate,
        type=vulnerability_type("young-carer"),
        source="school",
        identified_on=datetime.date(2025, 1, 1),
    )
    # Consent: a consent (with its competence assessment), a withholding, an objection, a review, an override.
    share_with(duplicate, world.clinician, "appointments", actor=lead)
    parent_withholding_record(
        actor=lead, child=duplicate, category="referrals", judgement="Kay asked, able to."
    )
    coordination_objection_record(
        actor=lead, child=duplicate, category="plans", judgement="Kay is competent."
    )
    consent_review_schedule(
        child=duplicate, reason=ConsentReview.Reason.PLACEMENT_CHANGE, due_on=timezone.localdate()
    )
    safeguarding_override_open(
        actor=lead,
        child=duplicate,
        lawful_basis=SafeguardingOverride.LawfulBasis.values[0],
        justification="Police called about Kay tonight and we need the plans now.",
        categories=["plans"],
    )
    Disclosure.objects.create(child=duplicate, viewer=world.clinician, interface="browser", basis="consent")
    # Access given to someone alerted to act on a task about the child (issue 14).
    task_access_grant(
        child=duplicate,
        user=world.clinician,
        task_key="merge-world:task",
        categories=["appointments"],
        lawful_basis=LawfulBasis.LEGAL_DUTY,
        reason="Alerted to act on a task.",
    )
    # The team: a meeting, an action, a handover.
    planned_meeting(duplicate, lead)
    action_for(duplicate, lead)
    memberships = list(TeamMembership.objects.filter(child=duplicate, user__isnull=False).order_by("pk"))
    Handover.objects.create(
        child=duplicate,
        role=Handover.Role.TRUSTED_WORKER,
        from_membership=memberships[1],
        to_membership=memberships[0],
        note="Handed over for the summer.",
        handed_over_on=timezone.localdate(),
    )
    # Referrals, a consultation, a waiting-list place, and a missed appointment with its follow-up.
    camhs = camhs_organisation(name="Synthetic CAMHS for merging")
    clinician = ProfessionalFactory(organisation=camhs, organisation__role="camhs-clinician")
    accepted_referral(duplicate, lead, camhs, clinician)
    consultation_request(
        actor=lead,
        receiving_organisation=camhs,
        route="social_care",
        concern="Worried about sleep.",
        child=duplicate,
    )
    # A request for help the young person sent from their own pages (the front door).
    HelpRequest.objects.create(
        source=HelpRequest.Source.YOUNG_PERSON,
        receiving_organisation=camhs,
        child=duplicate,
        asked_by=duplicate.account or lead,
        what_is_happening="I cannot sleep.",
        urgency=HelpRequest.Urgency.SOON,
        contact_by=HelpRequest.ContactBy.TEXT,
    )
    # Kay's team works around her therapist (R20): the lead, a supporting member, is booked with a reason.
    missed(
        duplicate,
        lead,
        direct_contact_acknowledged=True,
        direct_contact_reason="The therapist is on leave; Kay asked to keep her Thursday slot",
    )
    # A significant event added to the chronology by hand.
    significant_event_record(
        actor=lead,
        child=with_access(duplicate, lead),
        occurred_on=timezone.localdate() - datetime.timedelta(days=20),
        what_happened="Moved to a new foster placement after a week in respite care.",
        source_organisation=lead.memberships.first().organisation,
    )
    # Messages and reminders.
    reminder_schedule(
        recipient=lead,
        kind=Notification.Kind.FOLLOW_UP_DUE,
        dedupe_key="merge-world:reminder",
        due_at=timezone.now() + datetime.timedelta(days=3),
        subject="Check in with Kay",
        subject_for_email="a follow-up is due",
        child=duplicate,
        category="appointments",
    )
    # Someone who cannot see the record asks for access to it (and Hannah is told: a notification).
    asker = ProfessionalFactory(username="asker", display_name="Ada Asker")
    access_request_create(actor=asker, reason="I am Kay's new youth worker.", nhs_number=duplicate.nhs_number)
    # A third record merged into the duplicate before: its tombstone must follow on to the survivor.
    earlier = ChildFactory(given_name="Kayleigh", family_name="Morgan", nhs_number=None)
    child_access_grant(child=earlier, user=lead, basis=AccessGrant.Basis.CREATOR, granted_by=lead)
    child_merge(
        actor=lead,
        survivor=with_access(duplicate, lead),
        duplicate=with_access(earlier, lead),
        reason="Same child, typed twice by the school.",
    )
    # The survivor: a record Hannah made, holding nothing that clashes.
    survivor = ChildFactory(given_name="Kayleigh", family_name="Morgan", nhs_number=None)
    child_access_grant(child=survivor, user=lead, basis=AccessGrant.Basis.CREATOR, granted_by=lead)
    DifferentChildConfirmation.objects.create(
        child=survivor,
        matched_child=earlier,
        matched_on="same name",
        reason="Different school.",
        confirmed_by=lead,
    )
    return MergeWorld(
        survivor=with_access(survivor, lead),
        duplicate=with_access(duplicate, lead),
        lead=lead,
        young_person=world.young_person,
        asker=asker,
    )


def rows_of(child: Child) -> dict[str, set[int]]:
    """Every row of every model under a move rule that belongs to ``child``, by model label."""
    held: dict[str, set[int]] = {}
    for link in child_links():
        if MERGE_RULES[link.label].strategy != Strategy.MOVE:
            continue
        pks = set(link.model._base_manager.filter(**{link.field_name: child}).values_list("pk", flat=True))
        held.setdefault(link.label, set()).update(pks)
    return held


__all__ = ["MergeWorld", "Notification", "merge_world", "rows_of", "with_access"]
