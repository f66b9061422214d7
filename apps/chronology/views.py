"""The chronology's browser pages: the child's timeline (filtered, paged, printable) and adding a significant
event.

Each view reads top to bottom: access -> form -> service or selector -> render. The child comes through
``access_child`` (404 if not shared; 403 to add to a record the person may only read); what each entry shows
is the access decision's, in ``apps.chronology.selectors``, and every read is audited there.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from apps.accounts.decorators import professional_required
from apps.accounts.http import AuthenticatedHttpRequest
from apps.accounts.models import Organisation, User
from apps.children.models import Child
from apps.children.selectors import CHANGE, VIEW
from apps.chronology.entries import ChronologyEntry, ChronologyFilters
from apps.chronology.forms import FOR_YOUNG_PERSON, ChronologyFilterForm, SignificantEventForm
from apps.chronology.selectors import PAGE_SIZE, Chronology, chronology_read_audit
from apps.chronology.services import significant_event_record
from apps.core.exceptions import ApplicationError, NotPermitted
from apps.core.forms import add_service_errors
from apps.sharing.selectors import access_child


def _child(user: User, public_id, *, perm: str, audit: bool = True) -> Child:
    """The child if ``user`` holds ``perm``: 404 if it is not shared with them, 403 if shared without it."""
    try:
        return access_child(user, public_id, perm=perm, audit=audit)
    except NotPermitted as error:
        raise PermissionDenied(error.message) from error


def _chronology_url(child: Child) -> str:
    return reverse("chronology:chronology", args=[child.public_id])


@professional_required
@require_GET
def chronology_page(request: AuthenticatedHttpRequest, public_id) -> HttpResponse:
    """The child's chronology across agencies, newest first (R12); ``?print=1`` is every matching entry on one
    page to print. The read is audited by the selectors, with the categories it showed."""
    child = _child(request.user, public_id, perm=VIEW, audit=False)
    access = child.access
    form = ChronologyFilterForm(
        request.GET or None, agencies=Chronology(child=child, access=access).agencies()
    )
    filters = form.filters() if form.is_bound else ChronologyFilters()
    chronology = Chronology(child=child, access=access, filters=filters)
    printing = request.GET.get("print") == "1"
    context: dict = {"child": child, "form": form, "filters": filters, "can_change": access.can_change}
    if printing:
        entries = list(chronology)
    else:
        paginator: Paginator[ChronologyEntry] = Paginator(chronology, PAGE_SIZE)
        page = paginator.get_page(request.GET.get("page"))
        entries = list(page.object_list)
        context |= {
            "page": page,
            "page_range": paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
        }
    chronology_read_audit(actor=request.user, child=child, access=access, entries=entries, printed=printing)
    context |= {"entries": entries, "count": len(entries) if printing else len(chronology)}
    return render(request, "chronology/print.html" if printing else "chronology/chronology.html", context)


def _post_or_none(request: HttpRequest):
    return request.POST if request.method == "POST" else None


@professional_required
@require_http_methods(["GET", "POST"])
def significant_event_add(request: AuthenticatedHttpRequest, public_id) -> HttpResponse:
    """Add a significant event, told once by the agency it came from: for those who may change the record."""
    child = _child(request.user, public_id, perm=CHANGE)
    membership = request.user.primary_membership()
    form = SignificantEventForm(
        _post_or_none(request),
        organisations=list(Organisation.objects.filter(is_active=True).order_by("name")),
        initial={
            "source_organisation": str(membership.organisation.public_id) if membership else "",
            "for_young_person": FOR_YOUNG_PERSON,
        },
    )
    if form.is_bound and form.is_valid():
        try:
            significant_event_record(actor=request.user, child=child, **form.service_arguments())
        except (ValidationError, ApplicationError) as error:
            add_service_errors(form, error, fallback_field="what_happened")
        else:
            messages.success(request, "The event has been added to the chronology")
            return redirect(_chronology_url(child))
    return render(request, "chronology/significant_event_form.html", {"child": child, "form": form})
