"""Settings checks for referrals and waiting well, run by ``manage.py check`` and at start-up.

A waiting-contact interval of zero would schedule a contact every day for ever (or none at all), so it is
refused before Beacon starts rather than discovered on the waiting list.
"""

from django.conf import settings
from django.core.checks import Error, register

from apps.referrals.models import Referral


@register()
def waiting_settings_check(app_configs, **kwargs) -> list[Error]:
    errors = []
    for name in (
        "BEACON_WAITING_CONTACT_INTERVAL_DAYS",
        "BEACON_WAITING_FIRST_CONTACT_DAYS",
        "BEACON_WAITING_PRIORITY_FIRST_CONTACT_DAYS",
        "BEACON_WAITING_RETRY_WORKING_DAYS",
    ):
        value = getattr(settings, name, None)
        if not isinstance(value, int) or value < 1:
            errors.append(
                Error(
                    f"{name} is {value!r}: it must be a whole number of days, 1 or more.",
                    hint=f"Set {name} in the environment to the number of days, for example 14.",
                    id="referrals.E001",
                )
            )
    targets = getattr(settings, "BEACON_WAIT_TARGET_HOURS", {})
    for urgency in Referral.Urgency:
        hours = targets.get(urgency.value)
        if not isinstance(hours, int) or hours < 1:
            errors.append(
                Error(
                    f"BEACON_WAIT_TARGET_HOURS has no target for {urgency.label.lower()} referrals "
                    f"(got {hours!r}).",
                    hint="Give each urgency a target in hours, 1 or more.",
                    id="referrals.E002",
                )
            )
    fraction = getattr(settings, "BEACON_WAIT_ALERT_FRACTION", None)
    if not isinstance(fraction, float) or not 0 < fraction < 1:
        errors.append(
            Error(
                f"BEACON_WAIT_ALERT_FRACTION is {fraction!r}: it must be between 0 and 1, for example 0.8.",
                id="referrals.E003",
            )
        )
    return errors
