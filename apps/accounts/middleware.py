"""Nobody who needs a second factor gets past the sign-in pages with a password alone."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from apps.accounts.drafts import DRAFT_FORMS, draft_discard
from apps.accounts.two_factor import needs_second_factor, second_factor_given, second_step_url


class TwoFactorRequiredMiddleware:
    """Send a half-signed-in person (password given, code not yet) to give their code or set up an app.

    Runs on every request after authentication and django-otp's middleware, so no page, including the
    admin and pages added later, can forget it. The API is left to its authentication classes: a
    session without a second factor is not an API credential there (apps.accounts.api), and tokens are
    only issued after a code.
    """

    # Paths a half-signed-in person may still use: giving the code, setting up, signing out, assets.
    OPEN_URL_NAMES = ("accounts:sign-in-code", "accounts:two-factor-set-up", "accounts:sign-out")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not second_factor_given(user)
            and not self._is_open(request.path)
            and needs_second_factor(user)
        ):
            # After a POST, where they were is a form that would not resubmit: start again from home.
            url = second_step_url(user, request.get_full_path() if request.method == "GET" else "/")
            if request.headers.get("HX-Request"):
                return HttpResponse(headers={"HX-Redirect": url})
            return redirect(url)
        return self.get_response(request)

    def _is_open(self, path: str) -> bool:
        if path.startswith(("/api/", settings.STATIC_URL)):
            return True
        return path in {reverse(name) for name in self.OPEN_URL_NAMES}


class DraftDiscardMiddleware:
    """Delete the sender's draft of a long form once the form has been sent (apps.accounts.drafts).

    Sent means the form page's own view answered its POST with a redirect: every draft form redirects on
    success and draws the page again, with its errors, when something must be fixed (the draft then stays).
    Only POSTs to the few draft forms reach the database here.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        match = request.resolver_match
        if (
            request.method == "POST"
            and 300 <= response.status_code < 400
            and match is not None
            and match.view_name in DRAFT_FORMS
            and request.user.is_authenticated
        ):
            draft_discard(user=request.user, key=request.path)
        return response
