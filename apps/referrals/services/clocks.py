"""A referral's wait clocks: recording when a clock's event happened, and stopping the clock at the
first appointment.
"""

from datetime import datetime

from django.db import transaction
from django.db.models import Min, Q
from django.utils import timezone

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.audit.services import audit_record
from apps.core.exceptions import ApplicationError
from apps.core.locking import lock_for_change
from apps.referrals.models import Referral, WaitingListEntry
from apps.referrals.services.common import _require_receiving_staff
from apps.referrals.services.telling import referral_tell


def referral_clock_record(*, actor: User, referral: Referral, clock: str, at: datetime) -> Referral:
    """Record the time of a later step of the wait (R66): first appointment or treatment start.

    Set once each. The first appointment ends the waiting-list entry. (Appointments, once they link to
    the referral, call this when the first appointment is offered.)
    """
    _require_receiving_staff(
        actor=actor, organisation_id=referral.receiving_organisation_id, doing="record this"
    )
    fields = {"first_appointment": "first_appointment_at", "treatment_started": "treatment_started_at"}
    if clock not in fields:
        raise ApplicationError(
            "Choose the step to record: first appointment or treatment start.", field="clock"
        )
    if referral.status != Referral.Status.ACCEPTED:
        raise ApplicationError(
            "Only an accepted referral has a first appointment or a treatment start.", field="clock"
        )
    if at is None:
        raise ApplicationError("Give the date and time.", field="at")
    if at < referral.received_at:
        raise ApplicationError("The time must be after the referral was received.", field="at")
    if getattr(referral, fields[clock]) is not None:
        raise ApplicationError("This step has already been recorded.", field="clock")
    if clock == "treatment_started" and referral.first_appointment_at is None:
        raise ApplicationError("Record the first appointment before the start of treatment.", field="clock")
    with transaction.atomic():
        lock_for_change(referral, "status", *fields.values())
        if referral.status != Referral.Status.ACCEPTED or getattr(referral, fields[clock]) is not None:
            raise ApplicationError("This step has already been recorded.", field="clock")
        if clock == "treatment_started" and referral.first_appointment_at is None:
            raise ApplicationError(
                "Record the first appointment before the start of treatment.", field="clock"
            )
        setattr(referral, fields[clock], at)
        referral.save(update_fields=[fields[clock]])
        if clock == "first_appointment":
            # Off the waiting list now: the first appointment is booked (it may still be ahead).
            WaitingListEntry.objects.filter(referral=referral, ended_at__isnull=True).update(
                ended_at=min(at, timezone.now()), end_reason="First appointment booked"
            )
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            target=referral,
            child=referral.child,
            detail={"fields": [fields[clock]]},
        )
        if clock == "first_appointment":
            referral_tell(referral=referral, actor=actor, event="offered")
    return referral


def referral_first_appointments_sync(*, now: datetime | None = None) -> int:
    """Take the first-appointment clock from the appointments booked against accepted referrals (R66).

    The first appointment whose time has come stops the wait clock and takes the child off the waiting
    list; one still in the future leaves them waiting (and contacted) until then. Run by the sweep, so a
    booking made anywhere in Beacon reaches the clock within minutes. Returns how many were recorded.
    """
    now = now or timezone.now()
    recorded = 0
    waiting = (
        Referral.objects.filter(status=Referral.Status.ACCEPTED, first_appointment_at__isnull=True)
        .annotate(first_booked=Min("appointments__starts_at", filter=Q(appointments__starts_at__lte=now)))
        .filter(first_booked__isnull=False)
        .select_related("child")
    )
    for referral in waiting:
        with transaction.atomic():
            updated = Referral.objects.filter(pk=referral.pk, first_appointment_at__isnull=True).update(
                first_appointment_at=referral.first_booked
            )
            if not updated:
                continue  # Another sweep got there first.
            WaitingListEntry.objects.filter(referral=referral, ended_at__isnull=True).update(
                ended_at=referral.first_booked, end_reason="First appointment"
            )
            audit_record(
                actor=None,
                action=AuditEvent.Action.UPDATE,
                target=referral,
                child=referral.child,
                detail={"fields": ["first_appointment_at"], "from": "appointments"},
            )
            recorded += 1
    return recorded
