"""Waiting well (R63-R69): contacts with a risk check and signposting, escalation, and the sweep."""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.audit.services import audit_record
from apps.children.categories import Category
from apps.core.exceptions import ApplicationError
from apps.core.locking import lock_for_change
from apps.core.working_days import working_days_after
from apps.notifications.models import Notification
from apps.notifications.services import notification_send, reminder_cancel, reminder_schedule
from apps.referrals.models import (
    Referral,
    WaitingContact,
    WaitingContactAttempt,
    WaitingListEntry,
)
from apps.referrals.services.clocks import referral_first_appointments_sync
from apps.referrals.services.common import (
    SENIOR_REVIEWER_ROLES,
    _check_choice,
    _lead_professional,
    _referral_link,
    _require_receiving_staff,
    organisation_staff,
)

# --- Waiting well (R63-R69) --------------------------------------------------------------------------


def waiting_contact_record(
    *,
    actor: User,
    entry: WaitingListEntry,
    method: str,
    spoke_with: str,
    contacted_at: datetime,
    explained_service: bool,
    risk_check: str,
    signposting: str,
    note: str = "",
) -> WaitingContact:
    """Record a contact with a waiting child or family: its risk check and the support signposted (R64, R65).

    The first contact that explains what the service offers, its role and what it will ask is the
    trust-building contact; after it, the next contact is due after the configured interval. "Worse"
    flags the referral for urgent re-triage and tells the lead professional and the triaging clinician.
    """
    _require_receiving_staff(
        actor=actor, organisation_id=entry.organisation_id, doing="record a waiting contact"
    )
    if entry.ended_at is not None:
        raise ApplicationError("This child is no longer on the waiting list.", field="contacted_at")
    _check_choice(method, WaitingContact.Method, field="method", message="Choose how the contact was made.")
    _check_choice(
        risk_check,
        WaitingContact.RiskCheck,
        field="risk_check",
        message="Record the risk check: are things better, about the same, or worse?",
    )
    if not spoke_with.strip():
        raise ApplicationError("Say who you spoke with.", field="spoke_with")
    if not signposting.strip():
        raise ApplicationError(
            "Record the support you told them about while they wait (or why none was needed).",
            field="signposting",
        )
    if contacted_at is None or contacted_at > timezone.now():
        raise ApplicationError(
            "The contact must have happened already: give its date and time.", field="contacted_at"
        )
    if contacted_at < entry.started_at:
        raise ApplicationError(
            "The contact must be after the child joined the waiting list.", field="contacted_at"
        )
    interval = settings.BEACON_WAITING_CONTACT_INTERVAL_DAYS
    if interval < 1:  # Refused at start-up too (apps/referrals/checks.py).
        raise ApplicationError("The waiting-contact interval must be at least one day.", field="contacted_at")
    referral = entry.referral
    with transaction.atomic():
        # Under the entry's lock: a child taken off the list a moment ago gets no contact recorded, and two
        # contacts recorded at once cannot both be the trust-building one.
        lock_for_change(entry, "ended_at")
        if entry.ended_at is not None:
            raise ApplicationError("This child is no longer on the waiting list.", field="contacted_at")
        trust_built = entry.contacts.filter(kind=WaitingContact.Kind.TRUST_BUILDING).exists()
        kind = (
            WaitingContact.Kind.TRUST_BUILDING
            if explained_service and not trust_built
            else WaitingContact.Kind.REGULAR
        )
        contact = WaitingContact.objects.create(
            entry=entry,
            kind=kind,
            method=method,
            spoke_with=spoke_with.strip(),
            contacted_at=contacted_at,
            explained_service=explained_service,
            risk_check=risk_check,
            signposting=signposting.strip(),
            note=note.strip(),
            recorded_by=actor,
        )
        if trust_built or kind == WaitingContact.Kind.TRUST_BUILDING:
            entry.next_contact_due_on = timezone.localdate(contacted_at) + timedelta(days=interval)
        else:
            # The trust-building contact is still owed: it stays due on its date.
            entry.next_contact_due_on = entry.first_contact_due_on
        entry.save(update_fields=["next_contact_due_on"])
        if referral.first_contact_at is None or contacted_at < referral.first_contact_at:
            referral.first_contact_at = contacted_at
            referral.save(update_fields=["first_contact_at"])
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            target=contact,
            child=entry.child,
            detail={"kind": kind, "risk_check": risk_check},
        )
        if risk_check == WaitingContact.RiskCheck.WORSE:
            _escalate_worse(actor=actor, contact=contact, referral=referral)
        # They were reached: the reminder set by the last try that reached nobody is no longer needed.
        reminder_cancel(dedupe_key=_attempt_reminder_key(entry, entry.attempts.count()))
    return contact


def _attempt_reminder_key(entry: WaitingListEntry, number: int) -> str:
    return f"waiting:{entry.pk}:try-again:{number}"


def waiting_contact_attempt_record(
    *,
    actor: User,
    entry: WaitingListEntry,
    method: str,
    what_was_tried: str,
    tried_at: datetime | None = None,
) -> WaitingContactAttempt:
    """Tried, could not reach them: the contact is still owed and due again in working days.

    Recorded with what was tried, never as a contact (a contact has a risk check, and nobody was asked how
    things are). The entry's next contact is due ``BEACON_WAITING_RETRY_WORKING_DAYS`` working days from
    today, with a reminder to whoever tried on that day through the reminder engine; a contact recorded
    after it cancels the reminder. Under the entry's lock, as a contact is: a child taken off the list a
    moment ago takes no try.
    """
    _require_receiving_staff(
        actor=actor, organisation_id=entry.organisation_id, doing="record a try to contact a waiting child"
    )
    now = timezone.now()
    tried_at = tried_at or now
    _check_choice(
        method, WaitingContact.Method, field="method", message="Choose how you tried to reach them."
    )
    if not what_was_tried.strip():
        raise ApplicationError(
            "Say what you tried, for example 'rang twice, no answer, left a message'.", field="what_was_tried"
        )
    if tried_at > now or tried_at < entry.started_at:
        raise ApplicationError(
            "The try must have happened already, after the child joined the waiting list.", field="tried_at"
        )
    retry = settings.BEACON_WAITING_RETRY_WORKING_DAYS
    if retry < 1:  # Refused at start-up too (apps/referrals/checks.py).
        raise ApplicationError("The waiting-contact retry must be at least one working day.", field="method")
    due_again_on = working_days_after(timezone.localdate(now), retry)
    with transaction.atomic():
        lock_for_change(entry, "ended_at", "next_contact_due_on")
        if entry.ended_at is not None:
            raise ApplicationError("This child is no longer on the waiting list.", field="method")
        number = entry.attempts.count() + 1
        attempt = WaitingContactAttempt.objects.create(
            entry=entry,
            method=method,
            what_was_tried=what_was_tried.strip(),
            tried_at=tried_at,
            due_again_on=due_again_on,
            recorded_by=actor,
        )
        entry.next_contact_due_on = due_again_on
        entry.save(update_fields=["next_contact_due_on"])
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            target=attempt,
            child=entry.child,
            detail={"waiting_entry": str(entry.public_id), "method": method},
        )
        reminder_cancel(dedupe_key=_attempt_reminder_key(entry, number - 1))
        reminder_schedule(
            recipient=actor,
            kind=Notification.Kind.WAITING_CONTACT_DUE,
            dedupe_key=_attempt_reminder_key(entry, number),
            due_at=timezone.make_aware(datetime.combine(due_again_on, time(9, 0))),
            subject=f"Try again to reach {entry.child.known_as} on the waiting list",
            subject_for_email="a waiting-list contact is due again today",
            body=f"The last try did not reach them: {attempt.get_method_display().lower()}.",
            child=entry.child,
            category=Category.REFERRALS,
            involved=True,  # They made the try.
            link=reverse("referrals:waiting-contact", args=[entry.child.public_id, entry.public_id]),
        )
    return attempt


def _escalate_worse(*, actor: User, contact: WaitingContact, referral: Referral) -> None:
    """Things are getting worse while waiting (R63): urgent re-triage, and the right people told now."""
    referral.needs_retriage = True
    referral.retriage_reason = (
        f"Reported worse at a waiting contact on {timezone.localtime(contact.contacted_at):%-d %B %Y}"
    )
    referral.save(update_fields=["needs_retriage", "retriage_reason"])
    recipients = {
        person
        for person in (_lead_professional(referral.child), referral.triaged_by, referral.decided_by)
        if person
    }
    for person in sorted(recipients, key=lambda user: user.pk):
        notification_send(
            recipient=person,
            kind=Notification.Kind.WAITING_WORSE,
            dedupe_key=f"waiting-contact:{contact.pk}:worse:{person.pk}",
            subject=f"Things are getting worse for {referral.child.known_as} while waiting: re-triage now",
            subject_for_email="a child on the waiting list is getting worse",
            body=contact.note,
            link=_referral_link(referral),
            child=referral.child,
            category=Category.REFERRALS,
            involved=person in (referral.triaged_by, referral.decided_by),
        )


def waiting_sweep(*, now: datetime | None = None) -> dict[str, int]:
    """Flag waiting contacts that are due and wait targets about to be breached (R64-R66).

    Run by a periodic Celery task. Each alert has a dedupe key naming the due date or target, so the
    sweep can run any number of times and each person hears about each one once.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    counts = {"contacts_due": 0, "targets_at_risk": 0}
    referral_first_appointments_sync(now=now)
    due = WaitingListEntry.objects.filter(
        ended_at__isnull=True, next_contact_due_on__lte=today
    ).select_related("referral__triaged_by", "referral__decided_by", "referral__child", "organisation")
    for entry in due:
        referral = entry.referral
        recipients = {p for p in (referral.decided_by, referral.triaged_by) if p} or set(
            organisation_staff(organisation=entry.organisation)
        )
        for person in sorted(recipients, key=lambda user: user.pk):
            _, created = notification_send(
                recipient=person,
                kind=Notification.Kind.WAITING_CONTACT_DUE,
                dedupe_key=f"waiting:{entry.pk}:contact-due:{entry.next_contact_due_on.isoformat()}:{person.pk}",
                subject=f"A waiting-list contact with {referral.child.known_as} is due",
                subject_for_email="a waiting-list contact is due",
                link=reverse("referrals:waiting-list"),
                child=referral.child,
                category=Category.REFERRALS,
                involved=person in (referral.triaged_by, referral.decided_by),
            )
            counts["contacts_due"] += created
    fraction = settings.BEACON_WAIT_ALERT_FRACTION
    # An appointment booked before the target means the target will be met: no warning for it.
    booked_in_time = Exists(
        Referral.objects.filter(pk=OuterRef("pk"), appointments__starts_at__lte=OuterRef("target_at"))
    )
    open_waits = Referral.objects.filter(
        ~booked_in_time,
        status__in=[Referral.Status.TRIAGED, Referral.Status.ACCEPTED],
        target_at__isnull=False,
        first_appointment_at__isnull=True,
    ).select_related("child", "receiving_organisation", "triaged_by", "decided_by")
    for referral in open_waits:
        warn_at = referral.received_at + (referral.target_at - referral.received_at) * fraction
        if now < warn_at:
            continue
        recipients = {p for p in (referral.decided_by, referral.triaged_by) if p}
        recipients.update(
            organisation_staff(organisation=referral.receiving_organisation, roles=SENIOR_REVIEWER_ROLES)
        )
        for person in sorted(recipients, key=lambda user: user.pk):
            _, created = notification_send(
                recipient=person,
                kind=Notification.Kind.WAIT_TARGET_AT_RISK,
                dedupe_key=f"referral:{referral.pk}:target:{referral.target_at.isoformat()}:{person.pk}",
                subject=(
                    f"{referral.child.known_as} has no first appointment and the "
                    f"{referral.get_urgency_display().lower()} target is "
                    f"{timezone.localtime(referral.target_at):%-d %B %Y %H:%M}"
                ),
                subject_for_email="a wait target is about to be missed",
                link=_referral_link(referral),
                child=referral.child,
                category=Category.REFERRALS,
                involved=person in (referral.triaged_by, referral.decided_by),
            )
            counts["targets_at_risk"] += created
    return counts
