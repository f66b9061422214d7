"""API authentication: a browser session counts only once its second factor has been given."""

from drf_spectacular.authentication import SessionScheme
from rest_framework.authentication import SessionAuthentication

from apps.accounts.two_factor import needs_second_factor, second_factor_given


class VerifiedSessionAuthentication(SessionAuthentication):
    """DRF's session authentication (with its CSRF check), for sessions past the second factor only.

    A browser that has given a password but not yet a code is anonymous to the API, exactly as it is to
    every page (apps.accounts.middleware). Token authentication needs no such check: tokens are issued
    only after a code (apps.accounts.api.TokenSignInApi).
    """

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        user = request._request.user
        if needs_second_factor(user) and not second_factor_given(user):
            return None
        return result


class VerifiedSessionScheme(SessionScheme):
    """The OpenAPI schema describes it as the cookie session it is."""

    target_class = VerifiedSessionAuthentication
