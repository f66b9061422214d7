"""Settings checks for missed-appointment follow-up, run by ``manage.py check`` and at start-up.

A follow-up due zero working days after the missed appointment would be overdue before anyone could
act on it, and an escalation threshold of zero would mean nobody is ever told: both are refused
before Beacon starts, with the setting to fix.
"""

from django.conf import settings
from django.core.checks import Error, register
from django.core.exceptions import ImproperlyConfigured

WORKING_DAYS = "BEACON_MISSED_APPOINTMENT_FOLLOW_UP_WORKING_DAYS"
ESCALATE_AFTER = "BEACON_MISSED_APPOINTMENT_ESCALATE_AFTER"
ESCALATE_AT_ONCE_FOR = "BEACON_MISSED_APPOINTMENT_ESCALATE_AT_ONCE_FOR"
WAS_NOT_BROUGHT_UNDER_AGE = "BEACON_WAS_NOT_BROUGHT_UNDER_AGE"
RETRY_WORKING_DAYS = "BEACON_FOLLOW_UP_RETRY_WORKING_DAYS"
ESCALATE_AFTER_ATTEMPTS = "BEACON_FOLLOW_UP_ESCALATE_AFTER_ATTEMPTS"


def missed_appointment_settings_problems() -> list[tuple[str, str]]:
    """Each problem with the follow-up settings, as (message, hint); empty when they are sound."""
    from apps.children.models import SocialWorkInvolvement

    problems = []
    for name, example in (
        (WORKING_DAYS, 1),
        (ESCALATE_AFTER, 2),
        (WAS_NOT_BROUGHT_UNDER_AGE, 12),
        (RETRY_WORKING_DAYS, 1),
        (ESCALATE_AFTER_ATTEMPTS, 3),
    ):
        value = getattr(settings, name, None)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            problems.append(
                (
                    f"{name} is {value!r}: it must be a whole number, 1 or more.",
                    f"Set {name} in the environment, for example {name}={example}.",
                )
            )
    statuses = getattr(settings, ESCALATE_AT_ONCE_FOR, [])
    unknown = [status for status in statuses if status not in SocialWorkInvolvement.Status.values]
    if unknown:
        problems.append(
            (
                f"{ESCALATE_AT_ONCE_FOR} names unknown social-work statuses: {', '.join(unknown)}.",
                "Use codes from: " + ", ".join(SocialWorkInvolvement.Status.values) + ".",
            )
        )
    return problems


def missed_appointment_settings_require() -> None:
    """Refuse to go on with unsound settings: called before a follow-up is created, so nothing is saved."""
    problems = missed_appointment_settings_problems()
    if problems:
        raise ImproperlyConfigured(" ".join(f"{message} {hint}" for message, hint in problems))


@register()
def missed_appointment_settings_check(app_configs, **kwargs) -> list[Error]:
    return [
        Error(message, hint=hint, id=f"appointments.E00{number}")
        for number, (message, hint) in enumerate(missed_appointment_settings_problems(), start=1)
    ]
