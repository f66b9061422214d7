"""The young person's own page: who has their information, and who looked at it (R75)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from apps.accounts.http import AuthenticatedHttpRequest
from apps.caseload.consent_views.common import _basis_words, category_labels
from apps.children.easy_read import wants_easy_read
from apps.consent.selectors import (
    consent_history,
    disclosure_log,
    parent_withheld_categories,
)
from apps.sharing.selectors import who_can_see


@login_required
@require_GET
def my_information(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The young person's own page: who has their information, and who looked at it (R75), in plain words."""
    child = getattr(request.user, "child_record", None) if request.user.is_young_person else None
    if child is None:
        raise Http404("This page is for young people with a Beacon account")
    today = timezone.localdate()
    shares = [
        {
            "who": consent.recipient_label,
            "what": ", ".join(
                label[0].lower() + label[1:]
                for label in category_labels(row.category for row in consent.categories.all())
            ),
            "why": consent.purpose,
            "until": consent.valid_until,
        }
        for consent in consent_history(child=child).in_force(today)
    ]
    looked = [
        {
            "who": disclosure.viewer,
            "where_from": disclosure.viewer_organisation,
            "what": ", ".join(
                label[0].lower() + label[1:] for label in category_labels(disclosure.categories)
            )
            or "your basic details",
            "when": disclosure.occurred_at,
            # Spoken to the young person: "because you agreed", not "because the young person agreed".
            "why": _basis_words(disclosure).replace("the young person agreed", "you agreed"),
        }
        for disclosure in disclosure_log(child=child)[:100]
    ]
    context = {
        "child": child,
        "shares": shares,
        # Everyone who can see it today and why, consent or not: direct care, coordination, a duty (R75).
        "who_can_see": who_can_see(child=child),
        "looked": looked,
        "kept_from_parents": category_labels(parent_withheld_categories(child=child)),
        # Part of the young person's portal: the same Standard / Easy Read switch as its other pages.
        "easy_read": wants_easy_read(request, child),
    }
    return render(request, "consent/my_information.html", context)
