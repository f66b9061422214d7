"""Writes to the team around the child. Each validates, writes in one transaction, audits, and returns.

Membership is what gives a professional access to a child's record: joining grants it and leaving
ends it, both through ``apps.sharing`` (the only code that touches permissions).
"""

from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import Organisation, ProfessionalRole, User
from apps.accounts.selectors import user_primary_membership
from apps.audit.models import AuditEvent
from apps.audit.services import audit_record
from apps.children.categories import SENSITIVE, Category
from apps.children.models import Child
from apps.core.exceptions import ApplicationError, NotPermitted
from apps.core.locking import lock_for_change
from apps.notifications.models import Notification
from apps.notifications.services import notification_send
from apps.sharing.access import child_access
from apps.sharing.models import AccessGrant
from apps.sharing.services import child_access_grant, child_coordination_set, membership_access_revoke
from apps.teams.free_text import described_category_clean, free_text_shown
from apps.teams.models import (
    ACTION_COMPLETE_REFUSED,
    Action,
    Handover,
    LeadProfessionalAppointment,
    Meeting,
    MeetingParticipant,
    TeamMembership,
)
from apps.teams.selectors import child_continuity, current_lead_appointment, team_managers_for

# How long the successor has to tell the young person and family in person, when no overlap is set.
TELL_IN_PERSON_WITHIN_DAYS = 7


def _today() -> date:
    return timezone.localdate()


def _child_link(child: Child) -> str:
    return reverse("teams:team", args=[child.public_id])


def _membership_grant(*, membership: TeamMembership, actor: User | None) -> None:
    """Give (or re-shape) a professional member's access: the lead professional may also change the record."""
    if membership.user_id is None or not membership.user.is_professional:
        return  # Caregivers and trusted adults outside services do not sign in as professionals.
    is_lead = LeadProfessionalAppointment.objects.filter(
        membership=membership, ended_on__isnull=True
    ).exists()
    child_access_grant(
        child=membership.child,
        user=membership.user,
        basis=AccessGrant.Basis.TEAM_MEMBER,
        granted_by=actor,
        can_change=is_lead,
        membership=membership,
    )
    # The lead professional coordinates: the team, appointments, referrals and plans (unless objected to).
    child_coordination_set(child=membership.child, user=membership.user, is_lead=is_lead, granted_by=actor)


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
            lock_for_change(membership, "ended_on", "is_trusted_worker")
            if membership.ended_on is not None:
                raise ApplicationError(f"{membership.name} is no longer in the team.", field="membership")
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


def lead_professional_appoint(
    *, actor: User, membership: TeamMembership, route: str, started_on: date | None = None
) -> LeadProfessionalAppointment:
    """Appoint the one accountable lead professional for a child, from any agency (R16, R17).

    A child has exactly one: if they already have a lead professional (from social care or youth justice,
    say) that person stays, and a change goes through a handover. The database constraint holds even when
    two appointments are made at the same moment.
    """
    child = membership.child
    started_on = started_on or _today()
    if not membership.is_current or membership.kind != TeamMembership.Kind.PROFESSIONAL:
        raise ValidationError({"membership": "The lead professional must be a professional in the team"})
    if route not in LeadProfessionalAppointment.Route.values:
        raise ValidationError({"route": "Choose how the lead professional was appointed"})
    if started_on > _today():
        raise ValidationError({"started_on": "The start date must be today or in the past"})
    existing = current_lead_appointment(child=child)
    if existing:
        raise ApplicationError(_already_has_lead(existing), field="membership")
    appointment = LeadProfessionalAppointment(
        child=child, membership=membership, route=route, started_on=started_on, appointed_by=actor
    )
    try:
        with transaction.atomic():
            appointment.save()
            _membership_grant(membership=membership, actor=actor)
            audit_record(
                actor=actor,
                action=AuditEvent.Action.CREATE,
                target=appointment,
                child=child,
                detail={"route": route},
            )
            continuity_check(child=child)
    except IntegrityError as error:  # Another appointment won the race.
        raise ApplicationError(
            _already_has_lead(current_lead_appointment(child=child)), field="membership"
        ) from error
    return appointment


def _already_has_lead(existing: LeadProfessionalAppointment | None) -> str:
    name = existing.membership.name if existing else "Someone"
    return (
        f"{name} is already this child's lead professional. A child has one lead professional: "
        "keep them, or hand over to a successor."
    )


def _handover_tell_in_person(*, actor: User, handover: Handover, successor: TeamMembership) -> Action:
    due_on = handover.overlap_until or (_today() + timedelta(days=TELL_IN_PERSON_WITHIN_DAYS))
    role = handover.get_role_display().lower()
    return Action.objects.create(
        child=handover.child,
        handover=handover,
        description=(
            f"Meet the young person and their family in person to tell them you are taking over as {role} "
            f"from {handover.from_membership.name}."
        ),
        owner=successor.user,
        due_on=due_on,
        created_by=actor,
    )


def _handover_validate(
    *, outgoing: TeamMembership, successor: TeamMembership | None, note: str, overlap_until: date | None
) -> None:
    errors = {}
    if successor is None:
        errors["successor"] = "Name the successor who is taking over"
    elif successor.child_id != outgoing.child_id or not successor.is_current:
        errors["successor"] = "The successor must be in the team around this child"
    elif successor.pk == outgoing.pk:
        errors["successor"] = "The successor must be someone else"
    elif successor.kind != TeamMembership.Kind.PROFESSIONAL:
        errors["successor"] = "The successor must be a professional in the team"
    if not note.strip():
        errors["note"] = (
            "Write a handover note: what the successor needs to know, in the young person's terms"
        )
    if overlap_until and overlap_until < _today():
        errors["overlap_until"] = "The overlap must end today or later"
    if errors:
        raise ValidationError(errors)


def _lead_handed_over(appointment: LeadProfessionalAppointment) -> str:
    return (
        f"{appointment.membership.name} is no longer the lead professional: the role was handed over on "
        f"{appointment.ended_on:%-d %B %Y}."
    )


def lead_professional_hand_over(
    *,
    actor: User,
    appointment: LeadProfessionalAppointment,
    successor: TeamMembership | None,
    note: str,
    overlap_until: date | None = None,
) -> Handover:
    """Hand the lead professional role to a named successor, with a note and an optional overlap (R24).

    The successor gets a task to tell the young person and family in person, because children told us
    they had to "start again" every time they met a new person.
    """
    if appointment.ended_on is not None:
        raise ApplicationError(_lead_handed_over(appointment))
    outgoing = appointment.membership
    _handover_validate(outgoing=outgoing, successor=successor, note=note, overlap_until=overlap_until)
    today = _today()
    with transaction.atomic():
        # Under the appointment's lock: a handover made a moment ago ended it, and a second one is refused
        # before a second successor, task or message is written.
        lock_for_change(appointment, "ended_on")
        if appointment.ended_on is not None:
            raise ApplicationError(_lead_handed_over(appointment))
        appointment.ended_on = today
        appointment.save(update_fields=["ended_on"])
        LeadProfessionalAppointment.objects.create(
            child=appointment.child,
            membership=successor,
            route=appointment.route,
            started_on=today,
            appointed_by=actor,
        )
        handover = Handover.objects.create(
            child=appointment.child,
            role=Handover.Role.LEAD_PROFESSIONAL,
            from_membership=outgoing,
            to_membership=successor,
            note=note.strip(),
            overlap_until=overlap_until,
            handed_over_on=today,
            recorded_by=actor,
        )
        _membership_grant(membership=outgoing, actor=actor)
        _membership_grant(membership=successor, actor=actor)
        _handover_tell_in_person(actor=actor, handover=handover, successor=successor)
        _handover_notify(handover=handover)
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            target=handover,
            child=appointment.child,
            detail={"role": handover.role},
        )
        continuity_check(child=appointment.child)
    return handover


def trusted_worker_hand_over(
    *,
    actor: User,
    outgoing: TeamMembership,
    successor: TeamMembership | None,
    note: str,
    overlap_until: date | None = None,
) -> Handover:
    """The young person's trusted worker hands over to a named successor (R24)."""
    if not outgoing.is_trusted_worker or not outgoing.is_current:
        raise ApplicationError(f"{outgoing.name} is not the trusted worker.", field="membership")
    _handover_validate(outgoing=outgoing, successor=successor, note=note, overlap_until=overlap_until)
    with transaction.atomic():
        # The outgoing worker's row first, then the successor's (one order: see apps/core/locking.py).
        lock_for_change(outgoing, "is_trusted_worker", "ended_on")
        if not outgoing.is_trusted_worker or outgoing.ended_on is not None:
            raise ApplicationError(
                f"{outgoing.name} is no longer the trusted worker: the role has just been handed over.",
                field="membership",
            )
        lock_for_change(successor, "ended_on")
        if successor.ended_on is not None:
            raise ValidationError({"successor": "The successor must be in the team around this child"})
        outgoing.is_trusted_worker = False
        outgoing.save(update_fields=["is_trusted_worker"])
        successor.is_trusted_worker = True
        successor.has_direct_contact = True
        successor.save(update_fields=["is_trusted_worker", "has_direct_contact"])
        handover = Handover.objects.create(
            child=outgoing.child,
            role=Handover.Role.TRUSTED_WORKER,
            from_membership=outgoing,
            to_membership=successor,
            note=note.strip(),
            overlap_until=overlap_until,
            handed_over_on=_today(),
            recorded_by=actor,
        )
        _handover_tell_in_person(actor=actor, handover=handover, successor=successor)
        _handover_notify(handover=handover)
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            target=handover,
            child=outgoing.child,
            detail={"role": handover.role},
        )
    return handover


def _handover_notify(*, handover: Handover) -> None:
    successor = handover.to_membership.user
    role = handover.get_role_display().lower()
    notification_send(
        recipient=successor,
        kind=Notification.Kind.HANDOVER,
        dedupe_key=f"handover:{handover.pk}",
        subject=f"You are now {handover.child.known_as}'s {role}",
        subject_for_email=f"you have taken over as a {role}",
        body=handover.note,
        child=handover.child,
        category=Category.TEAM,
        involved=True,  # They are the one taking over.
        link=_child_link(handover.child),
    )


def continuity_check(*, child: Child) -> None:
    """Alert the lead professional and team managers when a child has had too many workers (R23).

    Counts distinct lead professionals and distinct social workers over the last 12 months; at the
    configured threshold (default 3, from "three in the last year" in seed 004) each new level alerts once.
    """
    threshold = settings.BEACON_CONTINUITY_ALERT_THRESHOLD
    continuity = child_continuity(child=child)
    lead = current_lead_appointment(child=child)
    recipients = set(team_managers_for(child=child))
    if lead and lead.membership.user_id:
        recipients.add(lead.membership.user)
    for role, count in (
        ("lead professionals", continuity.lead_professionals),
        ("social workers", continuity.social_workers),
    ):
        if count < threshold:
            continue
        for recipient in recipients:
            # Team managers are told by their role, whether or not the record is shared with them (R23): an
            # oversight duty, so their message carries no child. The lead professional's asks the decision.
            is_lead = lead is not None and recipient.pk == lead.membership.user_id
            notification_send(
                recipient=recipient,
                kind=Notification.Kind.CONTINUITY,
                dedupe_key=f"continuity:{child.pk}:{role}:{count}:{recipient.pk}",
                subject=f"{child.known_as} has had {count} {role} in the last 12 months",
                subject_for_email=f"a child has had {count} {role} in the last 12 months",
                body="Children tell us they have to start again with every new worker. Consider what would "
                "keep the next change from happening.",
                child=child if is_lead else None,
                category=Category.TEAM if is_lead else "",
                link=_child_link(child),
            )


def _meeting_errors(
    *, held_at: datetime, young_person_views: str, young_person_views_not_given_reason: str
) -> dict:
    if held_at <= timezone.now() and not (
        young_person_views.strip() or young_person_views_not_given_reason.strip()
    ):
        return {
            "young_person_views": "Record the young person's views in their own words, or say why they were "
            "not given"
        }
    return {}


def _action_build(*, child: Child, index: int | None, item: dict, actor: User, meeting=None) -> Action:
    prefix = f"actions.{index}." if index is not None else ""
    errors = {}
    owner = item.get("owner")
    category = Category.PLANS.value
    try:
        category = described_category_clean(
            item.get("description_category"), home=Category.PLANS, field=f"{prefix}description_category"
        )
    except ValidationError as error:
        errors.update(error.message_dict)
    if not (item.get("description") or "").strip():
        errors[f"{prefix}description"] = "Say what needs to be done"
    if owner is None:
        errors[f"{prefix}owner"] = "Every action needs one owner: choose who will do it"
    elif not TeamMembership.objects.current().filter(child=child, user=owner).exists():
        errors[f"{prefix}owner"] = f"{owner} is not in the team around this child"
    elif category in SENSITIVE and not child_access(user=owner, child=child).sees_text(category):
        # The owner could not read their own action: say so now, rather than hand them a withheld task.
        label = Category(category).label
        errors[f"{prefix}owner"] = (
            f"{owner} cannot see {label[0].lower()}{label[1:]} for this child, so could not read this "
            "action. Choose an owner who can, or write the action without the sensitive detail."
        )
    if not item.get("due_on"):
        errors[f"{prefix}due_on"] = "Enter the date the action is due"
    if errors:
        raise ValidationError(errors)
    return Action(
        child=child,
        meeting=meeting,
        description=item["description"].strip(),
        description_category=category,
        owner=owner,
        due_on=item["due_on"],
        created_by=actor,
    )


def meeting_record(
    *,
    actor: User,
    child: Child,
    kind: str,
    held_at: datetime,
    location: str = "",
    young_person_views: str = "",
    young_person_views_not_given_reason: str = "",
    decisions: str = "",
    decisions_category: str = "",
    participants: list[dict] = (),
    actions: list[dict] = (),
) -> Meeting:
    """Record a multi-agency meeting: who came, the young person's views, decisions and actions (R25).

    A meeting that has happened must carry the young person's views in their own words, or why they were
    not given. Each action has one owner in the team and a due date. The decisions and each action are held
    in the category they describe: the plans category, or the sensitive one they mention (R80).
    """
    errors = {}
    try:
        decisions_category = described_category_clean(
            decisions_category, home=Category.PLANS, field="decisions_category"
        )
    except ValidationError as error:
        errors.update(error.message_dict)
        decisions_category = Category.PLANS.value
    meeting = Meeting(
        child=child,
        kind=kind,
        held_at=held_at,
        location=location.strip(),
        young_person_views=young_person_views.strip(),
        young_person_views_not_given_reason=young_person_views_not_given_reason.strip(),
        decisions=decisions.strip(),
        decisions_category=decisions_category,
        recorded_by=actor,
    )
    try:
        meeting.full_clean()
    except ValidationError as error:
        errors.update(error.message_dict)
    errors.update(
        _meeting_errors(
            held_at=held_at,
            young_person_views=young_person_views,
            young_person_views_not_given_reason=young_person_views_not_given_reason,
        )
    )
    action_rows = []
    for index, item in enumerate(actions):
        try:
            action_rows.append(_action_build(child=child, index=index, item=item, actor=actor))
        except ValidationError as error:
            errors.update(error.message_dict)
    participant_rows = []
    for index, item in enumerate(participants):
        membership = item.get("membership")
        if membership is not None and membership.child_id != child.pk:
            errors[f"participants.{index}.membership"] = ["Only members of this child's team can be chosen"]
        elif membership is None and not (item.get("name") or "").strip():
            errors[f"participants.{index}.name"] = ["Name the person, or choose them from the team"]
        participant_rows.append(
            MeetingParticipant(
                membership=membership,
                name=(item.get("name") or "").strip(),
                invited=item.get("invited", True),
                attended=item.get("attended", False),
            )
        )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        meeting.save()
        for row in participant_rows:
            row.meeting = meeting
        MeetingParticipant.objects.bulk_create(participant_rows)
        for row in action_rows:
            row.meeting = meeting
        Action.objects.bulk_create(action_rows)
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            target=meeting,
            child=child,
            detail={"participants": len(participant_rows), "actions": len(action_rows)},
        )
    return meeting


def action_add(
    *,
    actor: User,
    child: Child,
    description: str,
    owner: User | None,
    due_on: date | None,
    description_category: str = "",
    meeting=None,
) -> Action:
    """Agree an action for a child: one owner in the team, and a date it is due.

    The action is held in the category it describes; one about a sensitive category goes only to an owner
    who may see that category, so nobody is given a task they are not allowed to read (R80).
    """
    action = _action_build(
        child=child,
        index=None,
        item={
            "description": description,
            "description_category": description_category,
            "owner": owner,
            "due_on": due_on,
        },
        actor=actor,
        meeting=meeting,
    )
    with transaction.atomic():
        action.save()
        audit_record(actor=actor, action=AuditEvent.Action.CREATE, target=action, child=child)
    return action


def action_complete(*, actor: User, action: Action, completed_on: date | None = None) -> Action:
    """Mark an action done. Reminders and escalations stop with it.

    The owner marks their own action done; anyone else needs to be able to change the child's record.
    """
    can_change_record = child_access(user=actor, child=action.child).can_change
    if not action.may_be_completed_by(actor, can_change_record=can_change_record):
        raise NotPermitted(ACTION_COMPLETE_REFUSED)
    if action.completed_on is not None:
        raise ApplicationError(f"This action was already marked as done on {action.completed_on:%-d %B %Y}.")
    completed_on = completed_on or _today()
    if completed_on > _today():
        raise ValidationError({"completed_on": "The date it was done must be today or in the past"})
    with transaction.atomic():
        lock_for_change(action, "completed_on")
        if action.completed_on is not None:
            raise ApplicationError(
                f"This action was already marked as done on {action.completed_on:%-d %B %Y}."
            )
        action.completed_on = completed_on
        action.save(update_fields=["completed_on"])
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            target=action,
            child=action.child,
            detail={"fields": ["completed_on"]},
        )
    return action


def _action_body(*, action: Action, recipient: User) -> str:
    """What a reminder says about the action: its words only if the recipient could read them on the page
    (a sensitive action escalated to a lead professional without that consent says only where to look)."""
    access = child_access(user=recipient, child=action.child)
    shown = free_text_shown(access=access, record=action, field="description")
    if shown.withheld or not shown.text:
        return "Open the child's team page in Beacon to see the action and who owns it."
    return shown.text


def action_reminder_sweep(*, today: date | None = None) -> dict[str, int]:
    """Remind owners before an action is due, and tell the lead professional about overdue actions.

    Runs from a periodic Celery task. Each reminder has its own dedupe key, so running the sweep twice,
    or two at once, sends nothing twice. Returns how many new notifications each kind produced.
    """
    today = today or _today()
    remind_from = today + timedelta(days=settings.BEACON_ACTION_REMINDER_DAYS)
    counts = {"due_soon": 0, "overdue": 0}
    open_actions = Action.objects.open().select_related("child", "owner")
    for action in open_actions.filter(due_on__gte=today, due_on__lte=remind_from):
        _, created = notification_send(
            recipient=action.owner,
            kind=Notification.Kind.ACTION_DUE_SOON,
            dedupe_key=f"action:{action.pk}:due-soon",
            subject=f"An action for {action.child.known_as} is due on {action.due_on:%-d %B %Y}",
            subject_for_email=f"an action is due on {action.due_on:%-d %B %Y}",
            body=_action_body(action=action, recipient=action.owner),
            child=action.child,
            # Actions belong to plans, meetings and reviews; the owner holds this one.
            category=Category.PLANS,
            involved=True,
            link=_child_link(action.child),
        )
        counts["due_soon"] += created
    overdue = list(Action.objects.overdue(today=today).select_related("child", "owner"))
    leads = {
        appointment.child_id: appointment.membership.user
        for appointment in LeadProfessionalAppointment.objects.filter(
            child_id__in={action.child_id for action in overdue}, ended_on__isnull=True
        ).select_related("membership__user")
    }
    for action in overdue:
        # Escalate to the lead professional; a child without one leaves it with the owner.
        recipient = leads.get(action.child_id) or action.owner
        _, created = notification_send(
            recipient=recipient,
            kind=Notification.Kind.ACTION_OVERDUE,
            dedupe_key=f"action:{action.pk}:overdue",
            subject=f"An action for {action.child.known_as} owned by {action.owner} is overdue",
            subject_for_email="an action for a child on your caseload is overdue",
            body=_action_body(action=action, recipient=recipient),
            child=action.child,
            category=Category.PLANS,
            involved=recipient.pk == action.owner_id,
            link=_child_link(action.child),
        )
        counts["overdue"] += created
    return counts
