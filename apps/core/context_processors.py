from django.conf import settings
from django.http import HttpRequest


def session_idle(request: HttpRequest) -> dict[str, int]:
    """How long a signed-in page may sit idle, for the warning in static/js/beacon.mjs."""
    return {"session_idle_seconds": settings.BEACON_SESSION_IDLE_MINUTES * 60}


def signed_in_fully(request: HttpRequest) -> dict[str, bool]:
    """Whether the person has given every factor they need: until then the header shows no menu (a
    half-signed-in page offers nothing to go to, and shows no notification count)."""
    from apps.accounts.two_factor import needs_second_factor, second_factor_given

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"signed_in_fully": False}
    return {"signed_in_fully": second_factor_given(user) or not needs_second_factor(user)}
