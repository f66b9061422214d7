from django.conf import settings
from django.http import HttpRequest


def session_idle(request: HttpRequest) -> dict[str, int]:
    """How long a signed-in page may sit idle, for the warning in static/js/beacon.mjs, and how often it tells
    the server that someone is typing."""
    return {
        "session_idle_seconds": settings.BEACON_SESSION_IDLE_MINUTES * 60,
        "session_keep_alive_seconds": settings.BEACON_KEEP_ALIVE_SECONDS,
    }
