"""Who has seen this child's information: the disclosure log, in words (R75)."""

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from apps.accounts.decorators import professional_required
from apps.accounts.http import AuthenticatedHttpRequest
from apps.caseload.consent_views.common import DISCLOSURES_PAGE_SIZE, _basis_words, _child, category_labels
from apps.children.selectors import VIEW
from apps.consent.selectors import (
    disclosure_log,
)


@professional_required
@require_GET
def disclosure_page(request: AuthenticatedHttpRequest, public_id) -> HttpResponse:
    child = _child(request.user, public_id, perm=VIEW)
    paginator = Paginator(disclosure_log(child=child), DISCLOSURES_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    rows = []
    for disclosure in page.object_list:
        labels = category_labels(disclosure.categories)
        rows.append(
            {
                "disclosure": disclosure,
                "what": ", ".join(label[0].lower() + label[1:] for label in labels) or "the core record",
                "where": "in Beacon" if disclosure.interface != "api" else "through another system",
                "why": _basis_words(disclosure),
            }
        )
    context = {
        "child": child,
        "rows": rows,
        "page": page,
        "page_range": paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
    }
    return render(request, "consent/disclosures.html", context)
