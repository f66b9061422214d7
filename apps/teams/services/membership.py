"""Who is in the team around the child: joining, leaving, naming a trusted worker, and what a member
offers the young person.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from apps.accounts.models import Organisation, ProfessionalRole, User
from apps.accounts.selectors import user_primary_membership
from apps.audit.models import AuditEvent
from apps.audit.services import audit_record
from apps.children.categories import Category
from apps.children.models import Child
from apps.core.exceptions import ApplicationError
from apps.core.locking import lock_for_change
from apps.sharing.services import membership_access_revoke
from apps.teams.free_text import described_category_clean
from apps.teams.models import TeamMembership
from apps.teams.selectors import current_lead_appointment
from apps.teams.services.common import _membership_grant, _today
from apps.teams.services.lead_professional import continuity_check


def team_member_add(
    *,
    actor: User,
    child: Child,
    kind: str,
    user: User | None = None,
    person_name: str = "",
    organisation: Organisation | None = None,
    professional_role: ProfessionalRole | None = None,
    caregiver_role: str = "",
    role_description: str = "",
    offering: str = "",
    offering_category: str = "",
    contact_details: str = "",
    started_on: date | None = None,
) -> TeamMembership:
    """Add someone to the team around the child (R19, R21, R29).

    A professional joins with their organisation and role (taken from where they work unless given) and
    from then on sees the child's core record and the team roster. Caregivers and trusted adults may be
    people outside every service, named here with how to reach them. In team-around-the-worker mode a new
    professional joins as a supporting member, without direct contact with the young person (R20). What they
    offer is held in the category it describes: the team's, or the sensitive one it mentions (R80).
    """
    started_on = started_on or _today()
    offering_category = described_category_clean(
        offering_category, home=Category.TEAM, field="offering_category"
    )
    if kind == TeamMembership.Kind.PROFESSIONAL:
        if user is None:
            raise ValidationError({"user": "Choose the professional who is joining the team"})
        if not (user.is_active and user.is_professional):
            raise ValidationError(
                {"user": "Only an active professional with a Beacon account can join as one"}
            )
        work = user_primary_membership(user=user)
        organisation = organisation or (work.organisation if work else None)
        professional_role = professional_role or (work.role if work else None)
    elif user is None and not person_name.strip():
        # Otherwise the "team_member_is_named" constraint fails on save and reads as a duplicate member.
        raise ValidationError({"person_name": "Give the name of the caregiver or trusted adult"})
    if started_on > _today():
        raise ValidationError({"started_on": "The start date must be today or in the past"})
    in_team_around_the_worker = (
        TeamMembership.objects.current().filter(child=child, is_trusted_worker=True).exists()
    )
    membership = TeamMembership(
        child=child,
        kind=kind,
        user=user,
        person_name=person_name.strip(),
        organisation=organisation,
        professional_role=professional_role,
        caregiver_role=caregiver_role,
        role_description=role_description.strip(),
        offering=offering.strip(),
        offering_category=offering_category,
        contact_details=contact_details.strip(),
        started_on=started_on,
        has_direct_contact=not (in_team_around_the_worker and kind == TeamMembership.Kind.PROFESSIONAL),
        added_by=actor,
    )
    membership.full_clean(validate_constraints=False)
    if user and TeamMembership.objects.current().filter(child=child, user=user).exists():
        raise ValidationError({"user": f"{user} is already in the team around this child"})
    with transaction.atomic():
        try:
            with transaction.atomic():
                membership.save()
        except IntegrityError as error:
            raise ApplicationError(
                f"{user} is already in the team around this child", field="user"
            ) from error
        _membership_grant(membership=membership, actor=actor)
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            target=membership,
            child=child,
            detail={"kind": kind, "direct_contact": membership.has_direct_contact},
        )
        continuity_check(child=child)
    return membership


def team_member_end(
    *, actor: User, membership: TeamMembership, ended_on: date | None = None
) -> TeamMembership:
    """Someone leaves the team. Their access to the child's record ends with the very next request.

    The lead professional and the trusted worker hand over to a named successor instead (R24), so a
    child is never left without the coordinator, or the person they trust, by someone simply leaving.
    """
    ended_on = ended_on or _today()
    if membership.ended_on is not None:
        raise ApplicationError(f"{membership.name} has already left the team.")
    if ended_on < membership.started_on:
        raise ValidationError(
            {
                "ended_on": f"The end date must be on or after {membership.started_on:%-d %B %Y}, "
                "when they joined"
            }
        )
    if ended_on > _today():
        raise ValidationError({"ended_on": "The end date must be today or in the past"})
    if current_lead_appointment(child=membership.child, membership=membership):
        raise ApplicationError(
            f"{membership.name} is the lead professional. Hand over to a named successor before they leave.",
            field="membership",
        )
    if membership.is_trusted_worker:
        raise ApplicationError(
            f"{membership.name} is the young person's trusted worker. Hand over to a named successor first.",
            field="membership",
        )
    with transaction.atomic():
        lock_for_change(membership, "ended_on", "is_trusted_worker")
        if membership.ended_on is not None:
            raise ApplicationError(f"{membership.name} has already left the team.")
        if membership.is_trusted_worker or current_lead_appointment(
            child=membership.child, membership=membership
        ):
            raise ApplicationError(
                f"{membership.name} has just become the lead professional or the trusted worker. Hand over "
                "to a named successor before they leave.",
                field="membership",
            )
        membership.ended_on = ended_on
        membership.save(update_fields=["ended_on"])
        membership_access_revoke(membership=membership, revoked_by=actor)
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            target=membership,
            child=membership.child,
            detail={"fields": ["ended_on"]},
        )
    return membership


def trusted_worker_name(*, actor: User, membership: TeamMembership) -> TeamMembership:
    """The young person names "the worker", the one who "gets me best" (R20, AMBIT's team around the worker).

    Everyone else in the team becomes a supporting member without direct contact, so the young person
    is not asked to build a relationship with every worker; direct contact can then be given to a
    professional only with a recorded reason.
    """
    child = membership.child
    if not membership.is_current:
        raise ApplicationError(f"{membership.name} is no longer in the team.", field="membership")
    current = TeamMembership.objects.current().filter(child=child, is_trusted_worker=True).first()
    if current and current.pk != membership.pk:
        raise ApplicationError(
            f"{current.name} is already the trusted worker. Use a handover to change the trusted worker.",
            field="membership",
        )
    try:
        with transaction.atomic():
            # Naming changes every professional's membership of the child, so the team's current rows are
            # locked first, all of them and in one order: two namings at once, each holding its own row and
            # waiting for the other's, would deadlock. The second waits, then finds the first's choice.
            list(
                TeamMembership.objects.current()
                .filter(child=child)
                .order_by("pk")
                .select_for_update(of=("self",), no_key=True)
                .values_list("pk", flat=True)
            )
            lock_for_change(membership, "ended_on", "is_trusted_worker")
            if membership.ended_on is not None:
                raise ApplicationError(f"{membership.name} is no longer in the team.", field="membership")
            named = (
                TeamMembership.objects.current()
                .filter(child=child, is_trusted_worker=True)
                .exclude(pk=membership.pk)
                .first()
            )
            if named is not None:
                raise ApplicationError(
                    f"{named.name} has just been named the trusted worker. Use a handover to change the "
                    "trusted worker.",
                    field="membership",
                )
            # Caregivers and trusted adults live in the young person's life: only other professionals step
            # back.
            TeamMembership.objects.current().filter(
                child=child, kind=TeamMembership.Kind.PROFESSIONAL
            ).exclude(pk=membership.pk).update(
                has_direct_contact=False,
                direct_contact_reason="",
                direct_contact_reason_category=Category.TEAM,
            )
            membership.is_trusted_worker = True
            membership.has_direct_contact = True
            membership.save(update_fields=["is_trusted_worker", "has_direct_contact"])
            audit_record(
                actor=actor,
                action=AuditEvent.Action.UPDATE,
                target=membership,
                child=child,
                detail={"fields": ["is_trusted_worker"]},
            )
    except IntegrityError as error:  # Someone else was named the trusted worker at the same moment.
        current = TeamMembership.objects.current().filter(child=child, is_trusted_worker=True).first()
        raise ApplicationError(
            f"{current.name if current else 'Someone else'} has just been named the trusted worker. Use a "
            "handover to change the trusted worker.",
            field="membership",
        ) from error
    return membership


def team_member_direct_contact_give(
    *,
    actor: User,
    membership: TeamMembership,
    reason: str = "",
    reason_category: str = "",
    confirmed: bool = False,
) -> TeamMembership:
    """Let a member work directly with the young person.

    In team-around-the-worker mode this asks for confirmation and a recorded reason: every new face is a
    cost to a young person who has told us who they trust (R20). The reason is held in the category it
    describes: the team's, or the sensitive one it mentions (R80).
    """
    child = membership.child
    reason_category = described_category_clean(reason_category, home=Category.TEAM, field="reason_category")
    trusted_worker = TeamMembership.objects.current().filter(child=child, is_trusted_worker=True).first()
    if (
        trusted_worker
        and trusted_worker.pk != membership.pk
        and membership.kind == TeamMembership.Kind.PROFESSIONAL
    ):
        if not reason.strip():
            raise ValidationError(
                {"reason": f"Say why {membership.name} needs direct contact as well as {trusted_worker.name}"}
            )
        if not confirmed:
            raise ValidationError(
                {"confirmed": "Confirm that the young person will have another worker in direct contact"}
            )
    with transaction.atomic():
        membership.has_direct_contact = True
        membership.direct_contact_reason = reason.strip()
        membership.direct_contact_reason_category = reason_category
        fields = ["has_direct_contact", "direct_contact_reason", "direct_contact_reason_category"]
        membership.save(update_fields=fields)
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            target=membership,
            child=child,
            detail={"fields": fields},
        )
    return membership


def team_member_offer_for_young_person_set(
    *, actor: User, membership: TeamMembership, offer: str, offer_category: str = ""
) -> TeamMembership:
    """Say, in plain words to the young person, what this team member offers them (R91, R145).

    Shown on the young person's own "who is working with me" page beside the person's first name and
    role. Short (one or two sentences) and spoken to them: "I see you every Thursday after school".
    An empty offer takes the line away. The young person always reads it; professionals and parents read it
    only if they see the category it describes (R80).
    """
    offer = " ".join(offer.split())
    offer_category = described_category_clean(offer_category, home=Category.TEAM, field="offer_category")
    if not membership.is_current:
        raise ApplicationError(f"{membership.name} is no longer in the team.", field="membership")
    limit = TeamMembership._meta.get_field("offer_for_young_person").max_length
    if len(offer) > limit:
        raise ValidationError(
            {"offer_for_young_person": f"Keep it short: {limit} characters or fewer (this is {len(offer)})"}
        )
    with transaction.atomic():
        membership.offer_for_young_person = offer
        membership.offer_for_young_person_category = offer_category
        fields = ["offer_for_young_person", "offer_for_young_person_category"]
        membership.save(update_fields=fields)
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            target=membership,
            child=membership.child,
            detail={"fields": fields},
        )
    return membership
