"""Start-up checks on the engine's settings: an interval of zero is refused with a message saying what to set.

Other apps whose reminders hang on an interval setting (a follow-up window in working days, a waiting-list
contact interval) add its name with ``interval_setting_register`` in their AppConfig.ready(); Django then
refuses to start (``manage.py check``, the web process, the worker) while it is below 1.
"""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

_INTERVAL_SETTINGS: dict[str, str] = {
    "BEACON_DELIVERY_CLAIM_TIMEOUT_SECONDS": "second",
    "BEACON_DELIVERY_RETRY_AFTER_SECONDS": "second",
    "BEACON_DELIVERY_MAX_ATTEMPTS": "attempt",
}


def interval_setting_register(name: str, unit: str) -> None:
    """Have ``name`` checked at start-up: it must be a whole number of at least 1 ``unit``."""
    _INTERVAL_SETTINGS[name] = unit


@register(Tags.compatibility)
def engine_settings_check(app_configs, **kwargs) -> list:
    from apps.notifications.tasks import delivery_send

    problems = []
    for name, unit in _INTERVAL_SETTINGS.items():
        value = getattr(settings, name, None)
        if value is None:
            continue
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            problems.append(
                Error(
                    f"{name} is {value!r}; it must be a whole number of at least 1 {unit}.",
                    hint=f"Set {name} in the environment to 1 or more. Zero would make things due before "
                    "they exist.",
                    id="notifications.E001",
                )
            )
    claim_timeout = getattr(settings, "BEACON_DELIVERY_CLAIM_TIMEOUT_SECONDS", 0)
    if isinstance(claim_timeout, int) and 0 < claim_timeout <= delivery_send.time_limit:
        problems.append(
            Error(
                f"BEACON_DELIVERY_CLAIM_TIMEOUT_SECONDS ({claim_timeout}) must be longer than the delivery "
                f"task's time limit ({delivery_send.time_limit} s).",
                hint="Otherwise the retry sweep could take a delivery from a worker still sending it.",
                id="notifications.E002",
            )
        )
    if bool(settings.BEACON_NOTIFY_API_KEY) != bool(settings.BEACON_NOTIFY_SMS_TEMPLATE_ID):
        problems.append(
            Warning(
                "Text messages stay off: set both BEACON_NOTIFY_API_KEY and BEACON_NOTIFY_SMS_TEMPLATE_ID.",
                id="notifications.W001",
            )
        )
    return problems
