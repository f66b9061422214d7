"""Completing a consent and competence review (R82)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_http_methods

from apps.accounts.decorators import professional_required
from apps.accounts.http import AuthenticatedHttpRequest
from apps.caseload.consent_views.common import _child, _consent_url, _form_page, _post_or_none
from apps.children.selectors import CHANGE
from apps.consent import services
from apps.consent.forms import (
    ReviewCompleteForm,
)
from apps.core.exceptions import ApplicationError
from apps.core.forms import add_service_errors


@professional_required
@require_http_methods(["GET", "POST"])
def consent_review_complete(request: AuthenticatedHttpRequest, public_id, review_id) -> HttpResponse:
    child = _child(request.user, public_id, perm=CHANGE)
    review = get_object_or_404(child.consent_reviews.filter(completed_on__isnull=True), public_id=review_id)
    form = ReviewCompleteForm(_post_or_none(request))
    if form.is_bound and form.is_valid():
        try:
            services.consent_review_complete(actor=request.user, review=review, **form.cleaned_data)
        except (ValidationError, ApplicationError) as error:
            add_service_errors(form, error, fallback_field="outcome_note")
        else:
            messages.success(request, "The consent review is complete")
            return redirect(_consent_url(child, "reviews"))
    return _form_page(
        request,
        child=child,
        form=form,
        title="Complete a consent review",
        heading="Complete a consent review",
        intro=f"{review.get_reason_display()}, due {review.due_on:%-d %B %Y}. Until the review is done, "
        "consents given by a parent alone are set aside.",
    )
