"""Booking an appointment, and a referral's first appointment stopping its wait clock."""

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.db.models import Q

from apps.accounts.models import User
from apps.appointments.models import Appointment
from apps.audit.models import AuditEvent
from apps.audit.services import audit_record
from apps.children.models import Child
from apps.core.exceptions import ApplicationError, NotPermitted
from apps.teams.models import TeamMembership


def supporting_member_warning(*, child: Child, professional: User) -> str:
    """The warning to give before ``professional`` is booked to see ``child``, or "" when there is none.

    In team-around-the-worker mode (the young person has named a trusted worker, R20) the other
    professionals are supporting members with no direct contact by default: every new face is a cost to a
    young person who has told us who they trust. Booking one of them to see the young person is allowed,
    but only once the booker has been told so and has said why.
    """
    members = {
        membership.user_id: membership
        for membership in TeamMembership.objects.current()
        .filter(child=child)
        .filter(Q(is_trusted_worker=True) | Q(user=professional))
        .select_related("user")
    }
    trusted = next((m for m in members.values() if m.is_trusted_worker), None)
    member = members.get(professional.pk)
    if trusted is None or member is None or member.is_trusted_worker or member.has_direct_contact:
        return ""
    return (
        f"{child.known_as}'s team works around {trusted.name}, the worker they trust. {member.name} is a "
        f"supporting member with no direct contact: booking this appointment gives {child.known_as} another "
        f"worker to meet. Think about whether {trusted.name} could see them instead."
    )


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
    direct_contact_acknowledged: bool = False,
    direct_contact_reason: str = "",
) -> Appointment:
    """Book an appointment where the young person chooses, with who they want there (R53, R56, R67).

    Places away from a clinic are as bookable as a clinic; who the young person wants with them is
    asked at booking so the invitation can go out; the practical help offered to a family in poverty
    (a transport voucher, travel costs, a nearer venue) is recorded so its uptake can be followed.

    A supporting member of a team around the worker (R20) is booked only with
    ``direct_contact_acknowledged`` and a ``direct_contact_reason``, both recorded on the appointment and in
    its audit event: the booker was warned first (``supporting_member_warning``; hazard H50).
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
    warning = supporting_member_warning(child=child, professional=professional)
    if warning and not direct_contact_acknowledged:
        raise ApplicationError(
            f"{warning} To book them anyway, confirm that you have thought about this.",
            field="direct_contact_acknowledged",
        )
    if warning and not direct_contact_reason.strip():
        raise ApplicationError(
            f"Say why {professional} needs to see the young person directly.", field="direct_contact_reason"
        )
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
            direct_contact_acknowledged=bool(warning),
            direct_contact_reason=direct_contact_reason.strip() if warning else "",
        )
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            target=appointment,
            child=child,
            detail={
                "location": location,
                "practical_support": bool(practical_support),
                **({"supporting_member_booked": True} if warning else {}),
            },
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
