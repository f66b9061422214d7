"""The lead professional's caseload page (R18): sorted and filtered in place by htmx."""

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from apps.accounts.decorators import professional_required
from apps.accounts.http import AuthenticatedHttpRequest
from apps.caseload.selectors import CASELOAD_SORTS, caseload
from apps.core.htmx import wants_fragment
from apps.sharing.selectors import child_list_audit
from apps.teams.selectors import user_is_team_manager

CASELOAD_FILTERS = [
    ("", "All children"),
    ("overdue", "With overdue actions"),
    ("flags", "With 3 or more risk flags"),
    ("meeting", "With a meeting planned"),
    ("missed", "With missed appointments"),
    ("waiting", "On a waiting list"),
    ("consent_gaps", "With consent gaps"),
]
CASELOAD_SORT_LABELS = [
    ("name", "Name"),
    ("overdue", "Most overdue actions"),
    ("flags", "Most risk flags"),
    ("meeting", "Next meeting"),
    ("age", "Age, youngest first"),
]


@professional_required
@require_GET
def caseload_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The lead professional's caseload (R18), sorted and filtered in place by htmx, or by a plain GET."""
    sort = request.GET.get("sort", "name")
    sort = sort if sort in CASELOAD_SORTS else "name"
    only = request.GET.get("only", "")
    only = only if only in dict(CASELOAD_FILTERS) else ""
    rows = caseload(user=request.user, sort=sort, only=only)
    child_list_audit(user=request.user, children=[row.child for row in rows])

    fragment = wants_fragment(request)
    context = {
        "rows": rows,
        "sort": sort,
        "only": only,
        "only_label": dict(CASELOAD_FILTERS)[only],
        "sorts": CASELOAD_SORT_LABELS,
        "filters": CASELOAD_FILTERS,
        "fragment": fragment,
        "is_manager": False if fragment else user_is_team_manager(user=request.user),
    }
    response = render(request, "teams/caseload.html#results" if fragment else "teams/caseload.html", context)
    patch_vary_headers(response, ["HX-Request"])  # One address, two representations.
    return response
