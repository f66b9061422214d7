"""The service directory's pages: the professionals' search, an entry, and its "what to expect" page.

The search and the full entry (with eligibility, waits and contact details for referrers) are for
professionals. The "what to expect" page is for anyone signed in, young people and families included,
because it is what goes with acknowledgements and first appointments (R141).
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from apps.accounts.decorators import professional_required
from apps.directory.forms import DirectorySearchForm
from apps.directory.models import Service
from apps.directory.selectors import service_listed, service_search


def _service(public_id) -> Service:
    service = service_listed(public_id=public_id)
    if service is None:
        raise Http404("There is no such service in the directory.")
    return service


@professional_required
@require_GET
def service_list(request: HttpRequest) -> HttpResponse:
    form = DirectorySearchForm(request.GET or None)
    services = Service.objects.none()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        services = service_search(
            text=data["q"], kind=data["kind"], age=data["age"], route_in=data["route_in"]
        )
    elif not form.is_bound:
        services = service_search()
    return render(
        request,
        "directory/service_list.html",
        {"form": form, "services": services, "filtered": form.is_bound},
    )


@professional_required
@require_GET
def service_detail(request: HttpRequest, service_id) -> HttpResponse:
    return render(request, "directory/service_detail.html", {"service": _service(service_id)})


@login_required
@require_GET
def what_to_expect(request: HttpRequest, service_id) -> HttpResponse:
    return render(request, "directory/what_to_expect.html", {"service": _service(service_id)})
