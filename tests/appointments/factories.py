"""Appointments made the real way, through ``apps.appointments.services``."""

import datetime

from django.utils import timezone

from apps.accounts.models import User
from apps.appointments.models import Appointment
from apps.appointments.services import appointment_book, appointment_outcome_record
from apps.children.models import Child


def booked(child: Child, actor: User, *, days_from_now: int = -1, hour: int = 10, **fields) -> Appointment:
    """An appointment for ``child`` with ``actor``, in the past by default so an outcome can be recorded."""
    day = timezone.localdate() + datetime.timedelta(days=days_from_now)
    starts_at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))
    if days_from_now == 0:
        starts_at = timezone.now() - datetime.timedelta(hours=1)
    defaults = {
        "professional": actor,
        "purpose": "Session with the CAMHS practitioner",
        "starts_at": starts_at,
        "location": Appointment.Location.COMMUNITY_PLACE,
        "location_detail": "The youth club on Mill Lane",
        "chosen_by_young_person": True,
    }
    return appointment_book(actor=actor, child=child, **{**defaults, **fields})


def missed(child: Child, actor: User, *, days_from_now: int = -1, outcome: str = "did_not_attend", **booking):
    appointment = booked(child, actor, days_from_now=days_from_now, **booking)
    return appointment_outcome_record(actor=actor, appointment=appointment, outcome=outcome)
