"""Middleware that applies to every page and API response: caching, browser features, session lifetime,
and control characters in what was sent."""

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers

from apps.core.exceptions import RecordMerged
from apps.core.validation import describe_character, first_control_character

# Session keys: when the person last did something and when they signed in (Unix seconds), and the user's
# ``session_epoch`` at sign-in (apps.accounts.signals stores the last two).
SESSION_LAST_ACTIVITY = "beacon_last_activity"
SESSION_SIGNED_IN_AT = "beacon_signed_in_at"
SESSION_EPOCH = "beacon_session_epoch"


class NoStoreMiddleware:
    """Never let a browser or proxy keep a copy of a page about a child.

    Every page and API response after sign-in can carry personal data, so all of them are marked
    ``no-store``; only static assets (served before this by WhiteNoise) are cacheable.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        add_never_cache_headers(response)
        return response


class PermissionsPolicyMiddleware:
    """Tell the browser that no page in Beacon may use the camera, the microphone or the location.

    Beacon asks for none of them; denying them means injected or third-party code could not either.
    """

    POLICY = "camera=(), microphone=(), geolocation=()"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.POLICY)
        return response


class SessionSecurityMiddleware:
    """End a browser session after ``BEACON_SESSION_IDLE_MINUTES`` without a request,
    ``BEACON_SESSION_MAX_AGE_HOURS`` after signing in however active it has been, or after the person
    chose "sign out everywhere" (OWASP ASVS 3.3: idle and absolute timeouts, ending all other sessions).

    Every signed-in request moves the last-activity time on, so the session is saved on each request.
    A page that has been left open warns two minutes before the end (static/js/beacon.mjs) and can ask
    the keep-alive view to carry on. API requests with a token are not affected: tokens have their own
    idle and absolute expiry (knox's TOKEN_TTL and AUTO_REFRESH_MAX_TTL).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            idle_seconds = settings.BEACON_SESSION_IDLE_MINUTES * 60
            last_activity = request.session.get(SESSION_LAST_ACTIVITY)
            if request.session.get(SESSION_EPOCH, 0) != user.session_epoch:
                return self._sign_out(request, "You have been signed out. Sign in again to carry on.")
            if last_activity is not None and now - last_activity > idle_seconds:
                return self._sign_out(
                    request,
                    f"You were signed out after {settings.BEACON_SESSION_IDLE_MINUTES} minutes without "
                    "activity, to protect the information in Beacon",
                )
            # A session signed in before this limit existed starts its clock now: bounded, not endless.
            signed_in_at = request.session.setdefault(SESSION_SIGNED_IN_AT, now)
            if now - signed_in_at > settings.BEACON_SESSION_MAX_AGE_HOURS * 60 * 60:
                return self._sign_out(
                    request,
                    f"You were signed out because you signed in more than "
                    f"{settings.BEACON_SESSION_MAX_AGE_HOURS} hours ago, to protect the information in "
                    "Beacon. Sign in again to carry on.",
                )
            request.session[SESSION_LAST_ACTIVITY] = now
        return self.get_response(request)

    def _sign_out(self, request: HttpRequest, message: str) -> HttpResponse:
        logout(request)
        if request.path.startswith("/api/"):
            # The API answers for itself: now anonymous, the request gets a 401 or 403 in the usual shape.
            return self.get_response(request)
        messages.info(request, message)
        if request.method == "GET":
            response = redirect_to_login(request.get_full_path())
        else:
            # What was posted is not kept: coming back to a half-sent form after sign-in would surprise.
            response = redirect(settings.LOGIN_URL)
        if request.headers.get("HX-Request"):
            # htmx would swap the sign-in page into part of this one; have it load the whole page instead.
            response = HttpResponse(headers={"HX-Redirect": response["Location"]})
        return response


class InputCharactersMiddleware:
    """Refuse a request whose query string or form holds a NUL byte or another control character.

    PostgreSQL cannot store or compare text holding NUL, so such a search would otherwise end in a
    server error; other control characters hide text or break letters and exports. Tabs and line breaks
    stay allowed (people lay out free text with them). The answer is a 400 naming the field to fix: the
    API's one error shape under /api/, a page saying what to change in the browser. JSON bodies are
    checked by the API's parser (apps.core.api.parsers), which can name a field inside the body.
    """

    FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refused = self._first_control_character(request)
        if refused is not None:
            return self._refuse(request, *refused)
        return self.get_response(request)

    def _first_control_character(self, request: HttpRequest) -> tuple[str, str] | None:
        """The first field (query parameter or form field) holding a control character, and that character."""
        sources = [request.GET]
        if request.method == "POST" and request.content_type in self.FORM_TYPES:
            sources.append(request.POST)
        for source in sources:
            for key, values in source.lists():
                for text in (key, *values):
                    character = first_control_character(text)
                    if character is not None:
                        return key, character
        return None

    def _refuse(self, request: HttpRequest, field: str, character: str) -> HttpResponse:
        # The field's own name may hold the character: show it made visible.
        shown = "".join(describe_character(c) if first_control_character(c) else c for c in field)
        message = (
            f"Remove the hidden control character {describe_character(character)} from '{shown}'; "
            "only tabs and line breaks are allowed."
        )
        if request.path.startswith("/api/"):
            error = {"code": "control_characters", "detail": message, "attr": shown}
            return JsonResponse({"type": "validation_error", "errors": [error]}, status=400)
        return render(request, "core/bad_input.html", {"field": shown, "message": message}, status=400)


class MergedRecordRedirectMiddleware:
    """A page of a record merged into another (a tombstone) sends the person on to the same page of the record
    that survived, saying why, when they may see it (``apps.sharing.selectors.access_child`` decides and
    raises ``RecordMerged``; anyone else has had a 404). The API answers in its own way
    (``apps.core.api.errors``): a write is never carried over to another record by a redirect."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, RecordMerged):
            return None
        old, new = str(exception.old_public_id), str(exception.survivor_public_id)
        messages.info(request, "That record was merged into this one: the child has one record in Beacon")
        # The same page of the survivor (its team, a meeting ...); a form sent to the tombstone is not
        # replayed: the person sees the survivor's page and does it again there.
        if old in request.path:
            return redirect(request.path.replace(old, new))
        return redirect("children:detail", public_id=new)
