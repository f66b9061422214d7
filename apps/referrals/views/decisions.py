"""Pages for deciding a referral: triage, accepting, declining, the senior review of a decline, and its
wait clocks.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from apps.accounts.decorators import professional_required
from apps.accounts.http import AuthenticatedHttpRequest
from apps.core.exceptions import ApplicationError
from apps.core.forms import add_service_errors
from apps.referrals import selectors, services
from apps.referrals.forms import AcceptForm, ClockForm, DeclineForm, SeniorReviewForm, TriageForm
from apps.referrals.models import Referral
from apps.referrals.views.common import _decider_only, _detail_url, _form_page, _post_or_none, _referral


@professional_required
@require_http_methods(["GET", "POST"])
def referral_triage(request: AuthenticatedHttpRequest, public_id, referral_id) -> HttpResponse:
    child, referral = _referral(request.user, public_id, referral_id)
    _decider_only(request.user, referral)
    form = TriageForm(
        _post_or_none(request), initial={"urgency": referral.urgency, "triage_note": referral.triage_note}
    )
    if form.is_bound and form.is_valid():
        try:
            services.referral_triage(actor=request.user, referral=referral, **form.cleaned_data)
        except (ValidationError, ApplicationError) as error:
            add_service_errors(form, error, fallback_field="urgency")
        else:
            messages.success(request, "Triage saved")
            return redirect(_detail_url(referral))
    return _form_page(
        request, child=child, referral=referral, form=form, title="Triage", heading="Triage the referral"
    )


@professional_required
@require_http_methods(["GET", "POST"])
def referral_accept(request: AuthenticatedHttpRequest, public_id, referral_id) -> HttpResponse:
    child, referral = _referral(request.user, public_id, referral_id)
    _decider_only(request.user, referral)
    form = AcceptForm(_post_or_none(request))
    if form.is_bound and form.is_valid():
        try:
            services.referral_accept(actor=request.user, referral=referral, **form.cleaned_data)
        except (ValidationError, ApplicationError) as error:
            add_service_errors(form, error, fallback_field="unstable_situation")
        else:
            messages.success(request, "Referral accepted: the young person is on the waiting list")
            return redirect(_detail_url(referral))
    return _form_page(
        request,
        child=child,
        referral=referral,
        form=form,
        title="Accept referral",
        heading="Accept the referral",
        intro="The young person goes on the waiting list. Someone will contact them to explain what the "
        "service offers before their assessment.",
    )


@professional_required
@require_http_methods(["GET", "POST"])
def referral_decline(request: AuthenticatedHttpRequest, public_id, referral_id) -> HttpResponse:
    child, referral = _referral(request.user, public_id, referral_id)
    _decider_only(request.user, referral)
    form = DeclineForm(_post_or_none(request), referral=referral)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            services.referral_decline(
                actor=request.user,
                referral=referral,
                reason=data["reason"],
                explanation=data["explanation"],
                alternatives=form.alternatives(),
            )
        except (ValidationError, ApplicationError) as error:
            add_service_errors(
                form,
                error,
                fallback_field="alternative_1_kind" if error.field == "alternatives" else "reason",
            )
        else:
            if referral.status == Referral.Status.DECLINE_PENDING_REVIEW:
                messages.warning(
                    request, "This reason needs a senior reviewer's agreement: nobody is told until then"
                )
            else:
                messages.success(
                    request, "Not accepted: the referrer, lead professional and family have been told"
                )
            return redirect(_detail_url(referral))
    return _form_page(
        request,
        child=child,
        referral=referral,
        form=form,
        title="Do not accept",
        heading="Do not accept the referral",
        intro="A referral can only be declined with at least one alternative arranged for the young person.",
        instability_labels=[Referral.DeclineReason(reason).label for reason in services.INSTABILITY_REASONS],
    )


@professional_required
@require_http_methods(["GET", "POST"])
def referral_senior_review(request: AuthenticatedHttpRequest, public_id, referral_id) -> HttpResponse:
    child, referral = _referral(request.user, public_id, referral_id)
    if not selectors.can_senior_review(user=request.user, referral=referral):
        raise PermissionDenied(
            "Only a team manager or clinical lead of the receiving service, who did not make the decision, "
            "can review it."
        )
    form = SeniorReviewForm(_post_or_none(request))
    if form.is_bound and form.is_valid():
        try:
            services.referral_senior_review(actor=request.user, referral=referral, **form.cleaned_data)
        except (ValidationError, ApplicationError) as error:
            add_service_errors(form, error, fallback_field="outcome")
        else:
            messages.success(request, "Your review has been recorded")
            return redirect(_detail_url(referral))
    return _form_page(
        request,
        child=child,
        referral=referral,
        form=form,
        title="Senior review",
        heading="Review a decision not to accept",
        intro="This reason is about the young person's stability. Seed research found no evidence that "
        "stability is needed for therapy, and these reasons are reported separately.",
        # The decision under review: its reason, explanation and alternatives are part of the referral the
        # reviewer was given by the access decision (``_referral``), so the reviewer sees what they judge.
        show_decline=True,
    )


@professional_required
@require_http_methods(["GET", "POST"])
def referral_clock(request: AuthenticatedHttpRequest, public_id, referral_id) -> HttpResponse:
    child, referral = _referral(request.user, public_id, referral_id)
    _decider_only(request.user, referral)
    form = ClockForm(_post_or_none(request))
    if form.is_bound and form.is_valid():
        try:
            services.referral_clock_record(
                actor=request.user,
                referral=referral,
                clock=form.cleaned_data["clock"],
                at=form.cleaned_data.get("at"),
            )
        except (ValidationError, ApplicationError) as error:
            add_service_errors(form, error, fallback_field="clock")
        else:
            messages.success(request, "Recorded")
            return redirect(_detail_url(referral))
    return _form_page(
        request,
        child=child,
        referral=referral,
        form=form,
        title="Wait clock",
        heading="Record a step of the wait",
    )
