"""Who may use the young person's portal: a signed-in young person whose account is linked to their record."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse

from apps.accounts.http import AuthenticatedHttpRequest

FOR_YOUNG_PEOPLE_ONLY = (
    "These pages are for young people to see their own passport and team. Professionals use the "
    "child's record and team pages."
)


def young_person_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed in (else to the sign-in page), a young person (else 403), and linked to a record (else 404).

    The view is given the young person's own child record: it is never looked up from the address.
    """

    @login_required
    @wraps(view)
    def wrapper(request: AuthenticatedHttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_young_person:
            raise PermissionDenied(FOR_YOUNG_PEOPLE_ONLY)
        child = getattr(request.user, "child_record", None)
        if child is None:
            raise Http404("Your account is not linked to your record yet. Ask your worker.")
        return view(request, child, *args, **kwargs)

    return wrapper
