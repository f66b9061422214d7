from django.conf import settings
from django.http import HttpRequest


def session_idle(request: HttpRequest) -> dict[str, int]:
    """How long a signed-in page may sit idle, for the warning in static/js/beacon.mjs."""
    return {"session_idle_seconds": settings.BEACON_SESSION_IDLE_MINUTES * 60}
