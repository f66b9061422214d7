"""Missed-appointment follow-ups: who is asked to follow up, escalation to the safeguarding lead,
completing one, and the daily sweep of overdue ones (R57-R59).
"""

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import Organisation, OrganisationMembership, User
from apps.accounts.selectors import user_primary_membership
from apps.appointments.checks import missed_appointment_settings_require
from apps.appointments.models import CANCELLED_OUTCOMES, MISSED_OUTCOMES, Appointment, FollowUpAttempt
from apps.appointments.services.common import FollowUp, _today
from apps.audit.models import AuditEvent
from apps.audit.services import audit_record
from apps.children.categories import Category
from apps.children.models import Child, SocialWorkInvolvement
from apps.core.exceptions import ApplicationError, NotPermitted
from apps.core.locking import lock_for_change
from apps.core.working_days import working_days_after
from apps.notifications.models import Notification
from apps.notifications.routing import AlertKind, alert_route
from apps.notifications.selectors import task_alerted
from apps.notifications.services import (
    notification_send,
    reminder_cancel,
    reminder_schedule,
    task_alert,
    task_done,
)
from apps.sharing.access import child_access
from apps.sharing.models import LawfulBasis
from apps.sharing.services import task_access_grant
from apps.teams.selectors import TEAM_MANAGER_ROLE, current_lead_appointment

SAFEGUARDING_LEAD_ROLE = "safeguarding-lead"  # as apps.consent.services: the same role receives overrides


# What the people alerted about a missed appointment need: the core record and the appointments, with the
# follow-up among them (on a legal duty to safeguard), while the follow-up is open.
FOLLOW_UP_TASK_CATEGORIES = [Category.APPOINTMENTS]
# A concern found at a follow-up closes the follow-up, and what the safeguarding lead does next happens
# outside Beacon: the access its alert gives lasts this long.
CONCERN_ACCESS_DAYS = 30


def _follow_up_link(follow_up: FollowUp) -> str:
    return reverse("appointments:follow-up", args=[follow_up.child.public_id, follow_up.public_id])


def follow_up_task_key(follow_up: FollowUp) -> str:
    """The task of doing ``follow_up``: the key its alerts, and the access they give, carry."""
    return f"follow-up:{follow_up.pk}"


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


def _safeguarding_escalate(*, follow_up: FollowUp, actor: User, reason: str, concern: bool = False) -> int:
    """Tell whoever the routing rule chooses for a safeguarding escalation, once each; never nobody.

    The organisation responsible is the lead professional's (else the recorder's, else the record's:
    ``_organisations_responsible``); the rule (``apps.notifications.routing``, ``AlertKind.ESCALATION``)
    tries its safeguarding leads, then its team managers, then the record holder's safeguarding leads, then
    Beacon's administrators. Each person chosen is given the core record and the appointments while the
    follow-up is open, so the alert's link opens for them; a ``concern`` found when completing it (the
    follow-up is then closed) gives that access for ``CONCERN_ACCESS_DAYS``.
    """
    child = follow_up.child
    organisations = _organisations_responsible(child=child, actor=actor)
    organisation = Organisation.objects.filter(pk=organisations[0]).first() if organisations else None
    route = alert_route(kind=AlertKind.ESCALATION, organisation=organisation, child=child)
    told = task_alert(
        route=route,
        kind=Notification.Kind.SAFEGUARDING_ESCALATION,
        task_key=f"{follow_up_task_key(follow_up)}:concern" if concern else follow_up_task_key(follow_up),
        dedupe_key=f"missed-appointment:{follow_up.appointment_id}:escalation"
        + (":concern" if concern else ""),
        child=child,
        categories=FOLLOW_UP_TASK_CATEGORIES,
        lawful_basis=LawfulBasis.LEGAL_DUTY,
        subject=f"Missed appointment for {child.known_as}: {reason}",
        subject_for_email="a missed appointment needs a safeguarding lead's attention",
        body=(
            f"{follow_up.assigned_to} is following it up by {follow_up.due_on:%-d %B %Y}: finding out "
            "why, checking the child is safe and offering another appointment."
        ),
        link=_follow_up_link(follow_up),
        expires_at=timezone.now() + timedelta(days=CONCERN_ACCESS_DAYS) if concern else None,
    )
    FollowUp.objects.filter(pk=follow_up.pk).update(escalated_at=timezone.now(), escalation_reason=reason)
    follow_up.escalated_at, follow_up.escalation_reason = timezone.now(), reason
    return len(told)


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
    # and are given the record's core and appointments while it is open, so they can; everyone's message
    # carries the task and clears when it is done.
    by_role = assigned_as in {FollowUp.AssignedAs.TEAM_MANAGER, FollowUp.AssignedAs.SAFEGUARDING_LEAD}
    for recipient in assignees:
        if by_role and recipient.is_professional:
            # Following it up needs the child's record: the core and the appointments, while it is open.
            task_access_grant(
                child=child,
                user=recipient,
                task_key=follow_up_task_key(follow_up),
                categories=FOLLOW_UP_TASK_CATEGORIES,
                lawful_basis=LawfulBasis.LEGAL_DUTY,
                reason=f"Asked to follow up a missed appointment as {follow_up.get_assigned_as_display()}",
            )
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
            child=child,
            category=Category.APPOINTMENTS,
            involved=True,  # They must follow it up.
            link=_follow_up_link(follow_up),
            task_key=follow_up_task_key(follow_up),
        )
    reason = _escalation_reason(child=child, in_a_row=in_a_row)
    if reason:
        _safeguarding_escalate(follow_up=follow_up, actor=actor, reason=reason)
    return follow_up


def follow_up_escalated_to(*, follow_up: FollowUp) -> list[User]:
    """The people a follow-up's safeguarding escalation reached, read from the alerts recorded."""
    key = follow_up_task_key(follow_up)
    return [
        *task_alerted(task_key=key, kind=Notification.Kind.SAFEGUARDING_ESCALATION),
        *task_alerted(task_key=f"{key}:concern", kind=Notification.Kind.SAFEGUARDING_ESCALATION),
    ]


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
        # Done: its alerts clear, and the access they gave ends (before any concern is raised below).
        task_done(task_key=follow_up_task_key(follow_up), actor=actor)
        if child_safe is False:
            _safeguarding_escalate(
                follow_up=follow_up,
                actor=actor,
                reason="the follow-up found the child may not be safe",
                concern=True,
            )
        # Somebody was reached: the reminder set by the last unsuccessful try is no longer needed.
        reminder_cancel(dedupe_key=_attempt_reminder_key(follow_up, follow_up.attempts.count()))
    return follow_up


# --- Tried, could not reach them ---------------------------------------------------------------------


def _attempt_reminder_key(follow_up: FollowUp, number: int) -> str:
    """The reminder set by unsuccessful try ``number``: the next try cancels it and sets its own, and
    completing the follow-up cancels the last, so the assignee is reminded once, on the day it is due."""
    return f"missed-follow-up:{follow_up.pk}:try-again:{number}"


def follow_up_attempt_record(
    *,
    actor: User,
    follow_up: FollowUp,
    method: str,
    what_was_tried: str,
    tried_at: datetime | None = None,
) -> FollowUpAttempt:
    """Record a try that did not reach the young person or family: the follow-up stays open (R57).

    "Done" means somebody was reached and the child was seen to be safe, so a follow-up must never be
    closed to say "nobody answered" (hazard H49). The try is recorded with what was tried; the follow-up is
    due again ``BEACON_FOLLOW_UP_RETRY_WORKING_DAYS`` working days from today, with a reminder to its
    assignee on that day through the reminder engine; the ``BEACON_FOLLOW_UP_ESCALATE_AFTER_ATTEMPTS``-th
    unsuccessful try reaches the safeguarding lead through the missed-appointment escalation. Under the
    follow-up's row lock: a follow-up completed a moment ago takes no try, and two tries at once are
    numbered one after the other, so the escalation happens once.
    """
    follow_up_check_may_complete(actor=actor, follow_up=follow_up)
    now = timezone.now()
    tried_at = tried_at or now
    if method not in FollowUpAttempt.Method.values:
        raise ApplicationError("Choose how you tried to reach them.", field="method")
    if not what_was_tried.strip():
        raise ApplicationError(
            "Say what you tried, for example 'rang mum's mobile twice, no answer, left a message'.",
            field="what_was_tried",
        )
    if tried_at > now:
        raise ApplicationError("The try must have happened already.", field="tried_at")
    missed_appointment_settings_require()
    today = _today()
    due_again_on = working_days_after(today, settings.BEACON_FOLLOW_UP_RETRY_WORKING_DAYS)
    with transaction.atomic():
        lock_for_change(follow_up, "status", "due_on")
        if follow_up.status != FollowUp.Status.OPEN:
            raise ApplicationError(
                f"This follow-up is already {follow_up.get_status_display().lower()}: nothing more to try.",
                field="method",
            )
        number = follow_up.attempts.count() + 1
        attempt = FollowUpAttempt.objects.create(
            follow_up=follow_up,
            number=number,
            method=method,
            what_was_tried=what_was_tried.strip(),
            tried_at=tried_at,
            due_again_on=due_again_on,
            recorded_by=actor,
        )
        FollowUp.objects.filter(pk=follow_up.pk).update(due_on=due_again_on)
        follow_up.due_on = due_again_on
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            target=attempt,
            child=follow_up.child,
            detail={"follow_up": str(follow_up.public_id), "attempt": number, "method": method},
        )
        reminder_cancel(dedupe_key=_attempt_reminder_key(follow_up, number - 1))
        reminder_schedule(
            recipient=follow_up.assigned_to,
            kind=Notification.Kind.FOLLOW_UP_DUE,
            dedupe_key=_attempt_reminder_key(follow_up, number),
            due_at=timezone.make_aware(datetime.combine(due_again_on, time(9, 0))),
            subject=f"Try again to reach {follow_up.child.known_as} about the missed appointment",
            subject_for_email="a missed-appointment follow-up is due again today",
            body=f"Try {number} did not reach them: {attempt.get_method_display().lower()}.",
            child=follow_up.child,
            category=Category.APPOINTMENTS,
            involved=True,  # The follow-up is theirs.
            link=_follow_up_link(follow_up),
        )
        if number == settings.BEACON_FOLLOW_UP_ESCALATE_AFTER_ATTEMPTS:
            _safeguarding_escalate(
                follow_up=follow_up,
                actor=actor,
                reason=f"{number} tries to reach the young person or family have not reached anyone",
            )
    return attempt


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
            task_key=follow_up_task_key(follow_up),
        )
        counts["overdue"] += created
        work = user_primary_membership(user=follow_up.assigned_to)
        # Who oversees it (AlertKind.FOLLOW_UP_OVERDUE): the assignee's organisation's team managers, else
        # its safeguarding leads, else the record holder's, else an administrator; never the assignee.
        route = alert_route(
            kind=AlertKind.FOLLOW_UP_OVERDUE,
            organisation=work.organisation if work is not None else None,
            child=child,
            exclude=[follow_up.assigned_to],
        )
        told = task_alert(
            route=route,
            kind=Notification.Kind.FOLLOW_UP_OVERDUE,
            task_key=follow_up_task_key(follow_up),
            dedupe_key=f"missed-follow-up:{follow_up.pk}:overdue:manager",
            child=child,
            categories=FOLLOW_UP_TASK_CATEGORIES,
            lawful_basis=LawfulBasis.LEGAL_DUTY,
            subject=f"{follow_up.assigned_to}'s missed-appointment follow-up for {child.known_as} is overdue",
            subject_for_email="a missed-appointment follow-up in your team is overdue",
            body=f"It was due on {follow_up.due_on:%-d %B %Y}.",
            link=_follow_up_link(follow_up),
        )
        counts["escalated"] += len(told)
    return counts
