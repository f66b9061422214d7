"""Writes for appointments and missed-appointment follow-up. Each validates, writes in one transaction,
audits, and returns.

The rule that matters most (R57-R59): a missed appointment is never just a mark in a register. Recording
"did not attend" or "was not brought" creates, in the same transaction, a follow-up for the child's
lead professional, due within a configurable number of working days, and tells them; repeated misses,
or a single one for a child on a child protection plan or looked after, reach the safeguarding lead.
Notifications are written in the same transaction as the follow-up (so neither exists without the
other) and emailed only after it commits, so a broker that is down delays an email and loses nothing.
"""

from collections.abc import Iterable
from datetime import date, datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import OrganisationMembership, User
from apps.accounts.selectors import user_primary_membership
from apps.appointments.checks import missed_appointment_settings_require
from apps.appointments.models import (
    CANCELLED_OUTCOMES,
    MISSED_OUTCOMES,
    Appointment,
    MissedAppointmentFollowUp,
)
from apps.audit.models import AuditEvent
from apps.audit.services import audit_record
from apps.children.categories import Category
from apps.children.models import Child, SocialWorkInvolvement
from apps.core.exceptions import ApplicationError, NotPermitted
from apps.core.working_days import working_days_after
from apps.notifications.models import Notification
from apps.notifications.services import notification_send
from apps.sharing.access import child_access
from apps.teams.selectors import TEAM_MANAGER_ROLE, current_lead_appointment

SAFEGUARDING_LEAD_ROLE = "safeguarding-lead"  # as apps.consent.services: the same role receives overrides
FollowUp = MissedAppointmentFollowUp


def _today() -> date:
    return timezone.localdate()


def _follow_up_link(follow_up: FollowUp) -> str:
    return reverse("appointments:follow-up", args=[follow_up.child.public_id, follow_up.public_id])


def _people_in_role(*, organisation_ids: Iterable[int], role: str) -> list[User]:
    return [
        membership.user
        for membership in OrganisationMembership.objects.current()
        .filter(organisation_id__in=set(organisation_ids), role__code=role, user__is_active=True)
        .select_related("user")
        .order_by("user__pk")
    ]


def _organisations_responsible(*, child: Child, actor: User) -> list[int]:
    """Where to look for a manager or safeguarding lead: the lead professional's organisation first,
    then the organisation of the person recording, then the one that created the record."""
    organisations = []
    lead = current_lead_appointment(child=child)
    if lead is not None and lead.membership.organisation_id:
        organisations.append(lead.membership.organisation_id)
    membership = user_primary_membership(user=actor)
    if membership is not None:
        organisations.append(membership.organisation_id)
    if child.created_by_organisation_id:
        organisations.append(child.created_by_organisation_id)
    return list(dict.fromkeys(organisations))


def _first_found(*, organisation_ids: list[int], role: str) -> list[User]:
    """The people in ``role`` at the first of these organisations that has any."""
    for organisation_id in organisation_ids:
        people = _people_in_role(organisation_ids=[organisation_id], role=role)
        if people:
            return people
    return []


def follow_up_assignees(*, child: Child, actor: User) -> tuple[list[User], str]:
    """Who must follow up a missed appointment, never nobody (R57).

    The child's lead professional; a child without one goes to the team managers, or failing them the
    safeguarding leads, of the organisation responsible (see ``_organisations_responsible``), so that
    someone both follows up and sees that the child needs a lead professional. If none of those exist
    it stays with the person who recorded the missed appointment.
    """
    lead = current_lead_appointment(child=child)
    if lead is not None and lead.membership.user.is_active:
        return [lead.membership.user], FollowUp.AssignedAs.LEAD_PROFESSIONAL
    organisations = _organisations_responsible(child=child, actor=actor)
    managers = _first_found(organisation_ids=organisations, role=TEAM_MANAGER_ROLE)
    if managers:
        return managers, FollowUp.AssignedAs.TEAM_MANAGER
    leads = _first_found(organisation_ids=organisations, role=SAFEGUARDING_LEAD_ROLE)
    if leads:
        return leads, FollowUp.AssignedAs.SAFEGUARDING_LEAD
    return [actor], FollowUp.AssignedAs.RECORDER


def missed_in_a_row(*, appointment: Appointment) -> int:
    """How many of the child's appointments up to this one were missed in a row (R59).

    Only attending breaks a run: a cancellation, by the family or by the service, is neither a missed
    appointment nor a sign of engagement, so it is passed over. Appointments with no outcome yet are
    passed over too.
    """
    outcomes = (
        Appointment.objects.filter(child_id=appointment.child_id, starts_at__lte=appointment.starts_at)
        .exclude(outcome="")
        .exclude(outcome__in=CANCELLED_OUTCOMES)
        .order_by("-starts_at", "-pk")
        .values_list("outcome", flat=True)
    )
    count = 0
    for outcome in outcomes.iterator(chunk_size=50):
        if outcome not in MISSED_OUTCOMES:
            break
        count += 1
    return count


def _escalation_reason(*, child: Child, in_a_row: int) -> str:
    """Why this missed appointment goes to the safeguarding lead, in words; empty when it does not."""
    reasons = []
    status = (
        SocialWorkInvolvement.objects.filter(child=child, ended_on__isnull=True)
        .values_list("status", flat=True)
        .first()
    )
    if status and status in settings.BEACON_MISSED_APPOINTMENT_ESCALATE_AT_ONCE_FOR:
        reasons.append(f"the child's social-work status is '{SocialWorkInvolvement.Status(status).label}'")
    if in_a_row >= settings.BEACON_MISSED_APPOINTMENT_ESCALATE_AFTER:
        reasons.append(f"{in_a_row} appointments missed in a row")
    return "; ".join(reasons)


def _safeguarding_escalate(*, follow_up: FollowUp, actor: User, reason: str) -> int:
    """Tell the safeguarding leads responsible for the child, once each; never nobody.

    The lead professional's organisation's safeguarding leads first; if it has none, those of the
    recorder's organisation or the record's; if no organisation has one, its team managers; and if
    there are none of those either, the person following up, so the alert is never silently dropped.
    """
    child = follow_up.child
    organisations = _organisations_responsible(child=child, actor=actor)
    recipients = (
        _first_found(organisation_ids=organisations, role=SAFEGUARDING_LEAD_ROLE)
        or _first_found(organisation_ids=organisations, role=TEAM_MANAGER_ROLE)
        or [follow_up.assigned_to]
    )
    sent = 0
    for recipient in recipients:
        # A safeguarding lead or team manager is told by their role at the organisation responsible, whether
        # or not the record is shared with them: an oversight duty (like an override's review), so the
        # message carries no child and is not asked about a category. The person following it up is.
        oversight = recipient.pk != follow_up.assigned_to_id
        _, created = notification_send(
            recipient=recipient,
            kind=Notification.Kind.SAFEGUARDING_ESCALATION,
            dedupe_key=f"missed-appointment:{follow_up.appointment_id}:escalation:{recipient.pk}",
            subject=f"Missed appointment for {child.known_as}: {reason}",
            subject_for_email="a missed appointment needs a safeguarding lead's attention",
            body=(
                f"{follow_up.assigned_to} is following it up by {follow_up.due_on:%-d %B %Y}: finding out "
                "why, checking the child is safe and offering another appointment."
            ),
            child=None if oversight else child,
            category="" if oversight else Category.APPOINTMENTS,
            involved=not oversight,
            link=_follow_up_link(follow_up),
        )
        sent += created
    FollowUp.objects.filter(pk=follow_up.pk).update(escalated_at=timezone.now(), escalation_reason=reason)
    follow_up.escalated_at, follow_up.escalation_reason = timezone.now(), reason
    return sent


def _follow_up_create(*, appointment: Appointment, actor: User, today: date) -> FollowUp:
    """The follow-up, its assignees told, escalated when the rule says so."""
    child = appointment.child
    in_a_row = missed_in_a_row(appointment=appointment)
    # Counted from the day the outcome is recorded: the follow-up is about finding the child now.
    due_on = working_days_after(today, settings.BEACON_MISSED_APPOINTMENT_FOLLOW_UP_WORKING_DAYS)
    assignees, assigned_as = follow_up_assignees(child=child, actor=actor)
    # Several team managers share one follow-up: the first holds it; the others are told.
    follow_up = FollowUp.objects.create(
        appointment=appointment,
        child=child,
        assigned_to=assignees[0],
        assigned_as=assigned_as,
        due_on=due_on,
        missed_in_a_row=in_a_row,
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        target=follow_up,
        child=child,
        detail={"appointment": str(appointment.public_id), "assigned_as": assigned_as},
    )
    what = appointment.get_outcome_display().lower()
    # A child without a lead professional: the team managers or safeguarding leads follow it up by their role,
    # whether or not the record is shared with them (their follow-ups page shows it). Their message is that
    # oversight duty and carries no child; the lead professional's, and the recorder's, ask the decision.
    by_role = assigned_as in {FollowUp.AssignedAs.TEAM_MANAGER, FollowUp.AssignedAs.SAFEGUARDING_LEAD}
    for recipient in assignees:
        notification_send(
            recipient=recipient,
            kind=Notification.Kind.MISSED_APPOINTMENT,
            dedupe_key=f"missed-appointment:{appointment.pk}:follow-up:{follow_up.pk}:{recipient.pk}",
            subject=f"{child.known_as} {what}: follow up by {due_on:%-d %B %Y}",
            subject_for_email=f"a missed appointment needs following up by {due_on:%-d %B %Y}",
            body=(
                "Find out why, check the child is safe, and offer another appointment: a different time, "
                "a different place, or a worker they trust."
            ),
            child=None if by_role else child,
            category="" if by_role else Category.APPOINTMENTS,
            involved=True,  # They must follow it up.
            link=_follow_up_link(follow_up),
        )
    reason = _escalation_reason(child=child, in_a_row=in_a_row)
    if reason:
        _safeguarding_escalate(follow_up=follow_up, actor=actor, reason=reason)
    return follow_up


def appointment_book(
    *,
    actor: User,
    child: Child,
    professional: User,
    purpose: str,
    starts_at: datetime,
    location: str,
    duration_minutes: int = 50,
    location_detail: str = "",
    chosen_by_young_person: bool = False,
    companion: str = "",
    companion_name: str = "",
    practical_support: Iterable[str] = (),
    referral=None,
) -> Appointment:
    """Book an appointment where the young person chooses, with who they want there (R53, R56, R67).

    Places away from a clinic are as bookable as a clinic; who the young person wants with them is
    asked at booking so the invitation can go out; the practical help offered to a family in poverty
    (a transport voucher, travel costs, a nearer venue) is recorded so its uptake can be followed.
    """
    practical_support = list(dict.fromkeys(practical_support))
    errors: dict[str, str] = {}
    if not purpose.strip():
        errors["purpose"] = "Say what the appointment is for, for example 'first assessment'"
    if location not in Appointment.Location.values:
        errors["location"] = "Choose where the appointment will be"
    if companion and companion not in Appointment.Companion.values:
        errors["companion"] = "Choose who the young person wants with them from the list"
    if any(item not in Appointment.PracticalSupport.values for item in practical_support):
        errors["practical_support"] = "Choose the practical help from the list"
    if not (professional.is_active and professional.is_professional):
        errors["professional"] = "Choose an active professional for the young person to see"
    if not isinstance(duration_minutes, int) or not 5 <= duration_minutes <= 8 * 60:
        errors["duration_minutes"] = "Give the length in minutes, from 5 to 480"
    if referral is not None and referral.child_id != child.pk:
        errors["referral"] = "Choose one of this child's own referrals"
    if errors:
        field, message = next(iter(errors.items()))
        raise ApplicationError(message + ".", field=field)
    with transaction.atomic():
        appointment = Appointment.objects.create(
            child=child,
            referral=referral,
            professional=professional,
            purpose=purpose.strip(),
            starts_at=starts_at,
            duration_minutes=duration_minutes,
            location=location,
            location_detail=location_detail.strip(),
            chosen_by_young_person=chosen_by_young_person,
            companion=companion,
            companion_name=companion_name.strip(),
            practical_support=practical_support,
            booked_by=actor,
        )
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            target=appointment,
            child=child,
            detail={"location": location, "practical_support": bool(practical_support)},
        )
        if referral is not None:
            _referral_first_appointment(actor=actor, referral=referral, at=starts_at)
    return appointment


def _referral_first_appointment(*, actor: User, referral, at: datetime) -> None:
    """Stop the referral's wait clock at its first appointment (R66), when the booker may record it.

    The referral's own service decides who may (its receiving staff, an accepted referral, set once);
    a booking by anyone else still stands, and the service's staff record the step themselves.
    """
    from apps.referrals.models import Referral
    from apps.referrals.services import referral_clock_record

    if referral.status != Referral.Status.ACCEPTED or referral.first_appointment_at is not None:
        return
    try:
        referral_clock_record(actor=actor, referral=referral, clock="first_appointment", at=at)
    except NotPermitted:
        return


def appointment_check_may_record(*, actor: User, appointment: Appointment) -> None:
    """The professional the young person was to see, or someone who may change the record (R57: the
    clinician marks the DNA); anyone else gets ``NotPermitted``."""
    if (
        actor.pk != appointment.professional_id
        and not child_access(user=actor, child=appointment.child).can_change
    ):
        raise NotPermitted(
            "Only the professional the young person was to see, or the lead professional, can record this."
        )


def appointment_outcome_record(
    *,
    actor: User,
    appointment: Appointment,
    outcome: str,
    note: str = "",
    correction_reason: str = "",
    companion_wish_met: bool | None = None,
    companion_wish_not_met_reason: str = "",
    practical_support_taken_up: bool | None = None,
) -> Appointment:
    """Record what happened: attended, did not attend, was not brought, or cancelled (R57-R59).

    "Did not attend" is a young person deciding for themselves; "was not brought" a child who depends
    on an adult to bring them. Either creates a follow-up in the same transaction (see the module).
    Only a cancellation can be recorded before the appointment's time. An outcome is recorded once; a
    second recording is a correction and needs its reason. A correction away from a missed appointment
    withdraws a follow-up not yet done; a correction to one creates it.
    """
    now = timezone.now()
    appointment_check_may_record(actor=actor, appointment=appointment)
    if outcome not in Appointment.Outcome.values:
        raise ApplicationError("Choose what happened at the appointment.", field="outcome")
    if appointment.starts_at > now and outcome not in CANCELLED_OUTCOMES:
        local = timezone.localtime(appointment.starts_at)
        raise ApplicationError(
            f"This appointment is on {local:%-d %B %Y at %H:%M}, which has not come yet. Record whether "
            "the young person came once it has started; only a cancellation can be recorded before.",
            field="outcome",
        )
    if companion_wish_met is False and not companion_wish_not_met_reason.strip():
        raise ApplicationError(
            "Say why the young person could not have who they wanted with them.",
            field="companion_wish_not_met_reason",
        )
    if outcome in MISSED_OUTCOMES:
        # A follow-up due zero working days later, or no escalation rule, is refused before any write.
        missed_appointment_settings_require()
    with transaction.atomic():
        # The appointment's row only, FOR NO KEY UPDATE: locking the child's row with it (a plain FOR UPDATE
        # over the join) deadlocked with an audited read of the same child, which holds the audit lock and
        # needs a key-share lock on the child. One order everywhere: see apps/core/locking.py.
        locked = (
            Appointment.objects.select_for_update(of=("self",), no_key=True)
            .select_related("child")
            .get(pk=appointment.pk)
        )
        previous = locked.outcome
        if previous:
            if previous == outcome:
                raise ApplicationError(
                    f"The outcome is already recorded as '{locked.get_outcome_display().lower()}'.",
                    field="outcome",
                )
            if not correction_reason.strip():
                raise ApplicationError(
                    f"The outcome was already recorded as '{locked.get_outcome_display().lower()}'. To "
                    "correct it, say why the first record was wrong.",
                    field="correction_reason",
                )
        locked.previous_outcome = previous
        locked.outcome = outcome
        locked.outcome_note = note.strip()
        locked.outcome_recorded_at = now
        locked.outcome_recorded_by = actor
        locked.outcome_correction_reason = correction_reason.strip() if previous else ""
        if companion_wish_met is not None:
            locked.companion_wish_met = companion_wish_met
            locked.companion_wish_not_met_reason = companion_wish_not_met_reason.strip()
        if practical_support_taken_up is not None:
            locked.practical_support_taken_up = practical_support_taken_up
        locked.save()
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            target=locked,
            child=locked.child,
            detail={"fields": ["outcome"], "correction": bool(previous)},
        )
        live = FollowUp.objects.filter(appointment=locked).exclude(status=FollowUp.Status.WITHDRAWN)
        if outcome in MISSED_OUTCOMES and not live.exists():
            _follow_up_create(appointment=locked, actor=actor, today=_today())
        elif outcome not in MISSED_OUTCOMES:
            for follow_up in live.filter(status=FollowUp.Status.OPEN):
                follow_up.status = FollowUp.Status.WITHDRAWN
                follow_up.withdrawn_reason = correction_reason.strip()
                follow_up.save(update_fields=["status", "withdrawn_reason"])
                audit_record(
                    actor=actor,
                    action=AuditEvent.Action.UPDATE,
                    target=follow_up,
                    child=locked.child,
                    detail={"fields": ["status"]},
                )
    return locked


def follow_up_check_may_complete(*, actor: User, follow_up: FollowUp) -> None:
    """The person it is assigned to, or someone who may change the child's record: else ``NotPermitted``."""
    if (
        actor.pk != follow_up.assigned_to_id
        and not child_access(user=actor, child=follow_up.child).can_change
    ):
        raise NotPermitted(
            "Only the person this follow-up is assigned to, or the lead professional, can complete it."
        )


def follow_up_complete(
    *,
    actor: User,
    follow_up: FollowUp,
    reason: str,
    child_safe: bool | None,
    safety_check: str,
    alternative: str,
    reason_detail: str = "",
    safety_note: str = "",
    alternative_detail: str = "",
) -> FollowUp:
    """Close a missed-appointment follow-up with the three answers R57 asks for, and R60's reason.

    Only the person it is assigned to, or someone who may change the child's record, can complete it.
    "Another reason" needs the reason in words. If the child was found not to be safe the
    follow-up still closes (it has done its job) and the safeguarding lead is told at once.
    """
    child = follow_up.child
    follow_up_check_may_complete(actor=actor, follow_up=follow_up)
    if follow_up.status != FollowUp.Status.OPEN:
        raise ApplicationError(f"This follow-up is already {follow_up.get_status_display().lower()}.")
    errors: dict[str, str] = {}
    if reason not in FollowUp.Reason.values:
        errors["reason"] = "Choose why the appointment was missed"
    elif reason == FollowUp.Reason.OTHER and not reason_detail.strip():
        errors["reason_detail"] = "Say in words why the appointment was missed"
    if child_safe is None:
        errors["child_safe"] = "Say whether you have checked that the child is safe"
    if safety_check not in FollowUp.SafetyCheck.values:
        errors["safety_check"] = "Choose how you checked the child is safe"
    if child_safe is False and not safety_note.strip():
        errors["safety_note"] = "Say what you are worried about and what you have done"
    if alternative not in FollowUp.Alternative.values:
        errors["alternative"] = "Choose what you offered instead"
    if errors:
        field, message = next(iter(errors.items()))
        raise ApplicationError(message + ".", field=field)
    with transaction.atomic():
        claimed = FollowUp.objects.filter(pk=follow_up.pk, status=FollowUp.Status.OPEN).update(
            status=FollowUp.Status.COMPLETED,
            reason=reason,
            reason_detail=reason_detail.strip(),
            child_safe=child_safe,
            safety_check=safety_check,
            safety_note=safety_note.strip(),
            alternative=alternative,
            alternative_detail=alternative_detail.strip(),
            completed_at=timezone.now(),
            completed_by=actor,
        )
        if not claimed:  # Completed by someone else a moment ago.
            raise ApplicationError("This follow-up has just been completed by someone else.")
        follow_up.refresh_from_db()
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            target=follow_up,
            child=child,
            detail={"fields": ["status", "reason", "child_safe", "safety_check", "alternative"]},
        )
        if child_safe is False:
            _safeguarding_escalate(
                follow_up=follow_up, actor=actor, reason="the follow-up found the child may not be safe"
            )
    return follow_up


def follow_up_overdue_sweep(*, today: date | None = None) -> dict[str, int]:
    """Tell the assignee, and their team managers, about each follow-up past its due date, once (R57).

    "An incomplete task escalates to the team manager." Runs from a daily Celery beat task; each
    message has its own dedupe key, so running it twice, or two at once, sends nothing twice.
    """
    today = today or _today()
    counts = {"overdue": 0, "escalated": 0}
    overdue = FollowUp.objects.overdue(today=today).select_related("child", "assigned_to")
    for follow_up in overdue:
        child = follow_up.child
        _, created = notification_send(
            recipient=follow_up.assigned_to,
            kind=Notification.Kind.FOLLOW_UP_OVERDUE,
            dedupe_key=f"missed-follow-up:{follow_up.pk}:overdue",
            subject=f"The missed-appointment follow-up for {child.known_as} was due on "
            f"{follow_up.due_on:%-d %B %Y}",
            subject_for_email="a missed-appointment follow-up is overdue",
            body="Find out why, check the child is safe, and offer another appointment.",
            child=child,
            category=Category.APPOINTMENTS,
            involved=True,  # The follow-up is theirs.
            link=_follow_up_link(follow_up),
        )
        counts["overdue"] += created
        work = user_primary_membership(user=follow_up.assigned_to)
        managers = (
            _people_in_role(organisation_ids=[work.organisation_id], role=TEAM_MANAGER_ROLE) if work else []
        )
        for manager in managers:
            if manager.pk == follow_up.assigned_to_id:
                continue
            _, created = notification_send(
                recipient=manager,
                kind=Notification.Kind.FOLLOW_UP_OVERDUE,
                dedupe_key=f"missed-follow-up:{follow_up.pk}:overdue:manager:{manager.pk}",
                subject=f"{follow_up.assigned_to}'s missed-appointment follow-up for {child.known_as} is "
                "overdue",
                subject_for_email="a missed-appointment follow-up in your team is overdue",
                body=f"It was due on {follow_up.due_on:%-d %B %Y}.",
                # The team manager's oversight of their team's work (R57): told whether or not the child's
                # record is shared with them, so the message carries no child (see _safeguarding_escalate).
                child=None,
                link=_follow_up_link(follow_up),
            )
            counts["escalated"] += created
    return counts


# The closure and discharge reasons that mean "because they missed appointments" in any wording.
DISCHARGE_REASONS_REFUSED = frozenset(
    {"did_not_attend", "was_not_brought", "dna", "non_attendance", "missed_appointments", "not_brought"}
)


def discharge_reason_validate(*, reason: str, field: str = "reason") -> None:
    """Refuse "did not attend" (or "was not brought") as the reason to close or discharge (R58).

    Seed 000: "Not attending appointments should not lead to the families or young people being
    rejected from services". A missed appointment starts a follow-up; it never ends an episode of care.
    Any service that closes a referral or discharges a child calls this first.
    """
    if reason.strip().lower().replace("-", "_").replace(" ", "_") in DISCHARGE_REASONS_REFUSED:
        raise ApplicationError(
            "Missing appointments is never a reason to close or discharge. Follow up why they were "
            "missed, check the young person is safe and offer another way to meet, then choose the "
            "reason the episode is really ending.",
            field=field,
        )
