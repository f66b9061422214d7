"""Refused reads are audited and limited per person (issue 11: 4,372 refused requests left no trace).

Every request of a signed-in person answered 404 (not found, or not shared) or 403 (withheld, not
permitted) writes an audit row and counts against them in the cache. Past ``BEACON_REFUSED_LIMIT`` in
``BEACON_REFUSED_WINDOW`` seconds, every request they make is answered 429 until the window ends, so
probing for records stops quickly and leaves a bounded trail. It keys off the response status, whatever
decided it. Anonymous requests are not counted here: they see no record, and sign-in has its own lockout.
"""

import logging
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from rest_framework.exceptions import Throttled
from rest_framework.throttling import BaseThrottle

from apps.audit.services import audit_record_refusal, refusal_count_up, refusals_exceeded

logger = logging.getLogger(__name__)

REFUSED_STATUSES = frozenset({403, 404})
TOO_MANY_REFUSALS = (
    "Too many requests for pages or records that were not found or not shared with you. "
    "Wait {minutes} minutes and try again; if you need a child's record, ask their lead professional."
)


def _too_many_message() -> str:
    return TOO_MANY_REFUSALS.format(minutes=max(1, settings.BEACON_REFUSED_WINDOW // 60))


def _log_refused_too_often(request: HttpRequest, user) -> None:
    logger.warning(
        "refused requests over the limit: answering 429",
        extra={"user_id": user.pk, "method": request.method, "path": request.path},
    )


class RefusedAccessMiddleware:
    """Audit and count a signed-in person's 404 and 403 answers; answer 429 past the limit."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and refusals_exceeded(user=user):
            _log_refused_too_often(request, user)
            return self._too_many(request)
        response = self.get_response(request)
        # Read again: the API authenticates tokens inside the view, and DRF then sets request.user.
        user = getattr(request, "user", None)
        if (
            response.status_code in REFUSED_STATUSES
            and user is not None
            and user.is_authenticated
            and not request.path.startswith(settings.STATIC_URL)
        ):
            audit_record_refusal(
                actor=user, method=request.method, path=request.path, status=response.status_code
            )
            refusal_count_up(user=user)
        return response

    def _too_many(self, request: HttpRequest) -> HttpResponse:
        retry_after = str(settings.BEACON_REFUSED_WINDOW)
        if request.path.startswith("/api/"):
            # The API's one error shape (apps/core/api/errors.py), as DRF's own throttling gives it.
            response = JsonResponse(
                {
                    "type": "client_error",
                    "errors": [{"code": "throttled", "detail": _too_many_message(), "attr": None}],
                },
                status=429,
            )
        else:
            response = render(request, "429.html", {"message": _too_many_message()}, status=429)
        response["Retry-After"] = retry_after
        add_never_cache_headers(response)
        return response


class RefusedAccessThrottle(BaseThrottle):
    """The same limit for API callers signed in with a token, whom the middleware cannot see before the
    view runs (DRF authenticates them inside it). Raises rather than returning False, to say why."""

    def allow_request(self, request, view) -> bool:
        user = request.user
        if user is not None and user.is_authenticated and refusals_exceeded(user=user):
            _log_refused_too_often(request, user)
            raise Throttled(wait=settings.BEACON_REFUSED_WINDOW, detail=_too_many_message())
        return True
