"""Who may use which part of the browser interface."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse

from apps.accounts.http import AuthenticatedHttpRequest

FOR_PROFESSIONALS_ONLY = "This part of Beacon is for professionals working with children and young people."


def professional_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed in (else to the sign-in page) and a professional (else 403).

    Young people may sign in, for their own part of Beacon, but case records are for professionals.
    """

    @login_required
    @wraps(view)
    def wrapper(request: AuthenticatedHttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_professional:
            raise PermissionDenied(FOR_PROFESSIONALS_ONLY)
        return view(request, *args, **kwargs)

    return wrapper
