"""The consent register: the child's consent page, recording consent and withdrawing it."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from apps.accounts.decorators import professional_required
from apps.accounts.http import AuthenticatedHttpRequest
from apps.caseload.consent_views.common import (
    _child,
    _consent_status,
    _consent_url,
    _form_page,
    _lead_organisations,
    _post_or_none,
    category_labels,
)
from apps.children.categories import SENSITIVE, Category
from apps.children.selectors import CHANGE, VIEW
from apps.consent import services
from apps.consent.forms import (
    ConsentForm,
    WithdrawForm,
)
from apps.consent.selectors import (
    consent_detail_visible,
    consent_history,
)
from apps.core.exceptions import ApplicationError
from apps.core.forms import add_service_errors

# --- The consent register -----------------------------------------------------------------------


@professional_required
@require_GET
def consent_page(request: AuthenticatedHttpRequest, public_id) -> HttpResponse:
    child = _child(request.user, public_id, perm=VIEW)
    today = timezone.localdate()
    can_change = child.access.can_change
    consents = list(consent_history(child=child).select_related("withdrawn_by"))
    for consent in consents:
        consent.status, consent.status_colour = _consent_status(consent, today)
        rows = [row.category for row in consent.categories.all()]
        consent.category_rows = [(Category(c).label, c in SENSITIVE) for c in rows]
        # A sensitive consent's purpose and evidence describe the sensitive thing itself ("his cannabis use"):
        # shown only to those who may see that category (R80).
        consent.detail_withheld = not consent_detail_visible(consent=consent, access=child.access)
    overrides = list(
        child.safeguarding_overrides.select_related("opened_by", "reviewed_by", "young_person_told_by")
    )
    leads_at = _lead_organisations(request.user)
    for override in overrides:
        override.is_open = override.is_in_force
        override.category_labels = category_labels(override.categories)
    # "Review" is offered only to whom the service lets review it (a lead of an organisation it concerns).
    reviewable = {
        override.pk
        for override in overrides
        if leads_at
        and override.reviewed_at is None
        and override.opened_by_id != request.user.pk
        and leads_at & services.safeguarding_override_concerned_organisations(override=override)
    }
    context = {
        "child": child,
        "can_change": can_change,
        "is_safeguarding_lead": bool(leads_at),
        "consents": consents,
        "assessments": list(child.competence_assessments.select_related("assessor")),
        "reviews": [
            review
            for review in child.consent_reviews.filter(completed_on__isnull=True)
            if review.due_on <= today
        ],
        "upcoming_reviews": [
            review
            for review in child.consent_reviews.filter(completed_on__isnull=True)
            if review.due_on > today
        ],
        "overrides": overrides,
        "reviewable_overrides": reviewable,
        "objections": list(
            child.coordination_objections.filter(ended_on__isnull=True).select_related("recorded_by")
        ),
        "withholdings": list(
            child.parent_withholdings.filter(ended_on__isnull=True).select_related("recorded_by")
        ),
        "override_hours": settings.BEACON_OVERRIDE_HOURS,
        "user_id": request.user.pk,
    }
    return render(request, "consent/consent.html", context)


@professional_required
@require_http_methods(["GET", "POST"])
def consent_record(request: AuthenticatedHttpRequest, public_id) -> HttpResponse:
    child = _child(request.user, public_id, perm=CHANGE)
    form = ConsentForm(_post_or_none(request), child=child, initial={"valid_from": timezone.localdate()})
    if form.is_bound and form.is_valid():
        try:
            services.consent_record(actor=request.user, child=child, **form.service_arguments())
        except (ValidationError, ApplicationError) as error:
            if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
                names = form.service_error_names()
                error = ValidationError({names.get(f, f): m for f, m in error.message_dict.items()})
            add_service_errors(form, error, fallback_field="grantor")
        else:
            messages.success(request, "Consent has been recorded")
            return redirect(_consent_url(child, "consents"))
    return _form_page(
        request,
        child=child,
        form=form,
        title="Record consent",
        heading="Record consent to share information",
        intro="Under 16, the young person's own consent counts only if a competence assessment found them "
        "competent to decide; otherwise a person with parental responsibility gives it.",
    )


@professional_required
@require_http_methods(["GET", "POST"])
def consent_withdraw(request: AuthenticatedHttpRequest, public_id, consent_id) -> HttpResponse:
    child = _child(request.user, public_id, perm=CHANGE)
    consent = get_object_or_404(child.consents.filter(withdrawn_at__isnull=True), public_id=consent_id)
    form = WithdrawForm(_post_or_none(request))
    if form.is_bound and form.is_valid():
        try:
            services.consent_withdraw(actor=request.user, consent=consent, **form.cleaned_data)
        except (ValidationError, ApplicationError) as error:
            add_service_errors(form, error, fallback_field="reason")
        else:
            messages.success(
                request, "Consent has been withdrawn. From now on, nobody it named sees what it shared"
            )
            return redirect(_consent_url(child, "consents"))
    return _form_page(
        request,
        child=child,
        form=form,
        title="Withdraw consent",
        heading="Withdraw consent",
        intro=f"Shared with {consent.recipient_label} for: {consent.purpose}. "
        "The people it named stop seeing what it shared from their next page.",
    )
