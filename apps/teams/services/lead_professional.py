"""The lead professional and the trusted worker: appointing a lead, handing either role over, and the
continuity check that notices a team without one.
"""

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.audit.services import audit_record
from apps.children.categories import Category
from apps.children.models import Child
from apps.core.exceptions import ApplicationError
from apps.core.locking import lock_for_change
from apps.notifications.models import Notification
from apps.notifications.services import notification_send
from apps.teams.models import Action, Handover, LeadProfessionalAppointment, TeamMembership
from apps.teams.selectors import child_continuity, current_lead_appointment, team_managers_for
from apps.teams.services.common import _child_link, _membership_grant, _today

# How long the successor has to tell the young person and family in person, when no overlap is set.
TELL_IN_PERSON_WITHIN_DAYS = 7


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
