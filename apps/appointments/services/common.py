"""What the appointment writes share: today's date and the follow-up's short name."""

from datetime import date

from django.utils import timezone

from apps.appointments.models import MissedAppointmentFollowUp

FollowUp = MissedAppointmentFollowUp


def _today() -> date:
    return timezone.localdate()
