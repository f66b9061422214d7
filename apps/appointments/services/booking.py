"""Booking an appointment, and a referral's first appointment stopping its wait clock."""

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction

from apps.accounts.models import User
from apps.appointments.models import Appointment
from apps.audit.models import AuditEvent
from apps.audit.services import audit_record
from apps.children.models import Child
from apps.core.exceptions import ApplicationError, NotPermitted


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
