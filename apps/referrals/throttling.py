"""How many requests for help one address may send through the public form, which needs no account.

A parent sends one, perhaps two; a script sends thousands, each a row and a message to the front door team.
``BEACON_FRONT_DOOR_RATE`` ("5/hour") allows the first and not the second. The count is kept per client
address (read from the headers the sign-in lockout trusts, ``AXES_IPWARE_META_PRECEDENCE_ORDER``) in the
Django cache, in fixed windows of the rate's period, whoever is signed in.
"""

import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def _rate() -> tuple[int, int]:
    count, period = settings.BEACON_FRONT_DOOR_RATE.split("/")
    return int(count), PERIODS[period[0]]


def _client_address(request: HttpRequest) -> str:
    for header in settings.AXES_IPWARE_META_PRECEDENCE_ORDER:
        value = request.META.get(header, "")
        if value:
            return value.split(",")[0].strip()
    return "unknown"


def front_door_wait_seconds(request: HttpRequest) -> int | None:
    """None if this request may be sent (and it is counted), else the seconds until one may."""
    limit, period = _rate()
    now = time.time()
    window = int(now // period)
    key = f"front-door:{_client_address(request)}:{window}"
    cache.add(key, 0, timeout=period)
    try:
        sent = cache.incr(key)
    except ValueError:  # The window's key expired between add and incr: a fresh window.
        cache.set(key, 1, timeout=period)
        sent = 1
    if sent <= limit:
        return None
    return max(1, int((window + 1) * period - now))
