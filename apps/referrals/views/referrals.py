"""Pages for a child's referrals: listing and making them, reading one, and its letter."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from apps.accounts.decorators import professional_required
from apps.accounts.http import AuthenticatedHttpRequest
from apps.children.categories import Category
from apps.children.selectors import VIEW
from apps.consent.selectors import parent_withheld_categories
from apps.core.exceptions import ApplicationError
from apps.core.forms import add_service_errors
from apps.referrals import selectors, services
from apps.referrals.forms import ReferralForm
from apps.referrals.models import Referral
from apps.referrals.views.common import _child, _detail_url, _form_page, _post_or_none, _referral

# --- Referrals ----------------------------------------------------------------------------------------


@professional_required
@require_GET
def child_referrals(request: AuthenticatedHttpRequest, public_id) -> HttpResponse:
    child = _child(request.user, public_id, perm=selectors.VIEW_REFERRALS)
    context = {"child": child, "referrals": selectors.child_referrals(child=child)}
    return render(request, "referrals/child_referrals.html", context)


@professional_required
@require_http_methods(["GET", "POST"])
def referral_create(request: AuthenticatedHttpRequest, public_id) -> HttpResponse:
    """Make a referral for a child the person can see; ``?consultation=`` pre-fills it from a consultation."""
    child = _child(request.user, public_id, perm=VIEW)
    consultation = None
    initial = {}
    if request.GET.get("consultation"):
        consultation = selectors.access_consultation(request.user, request.GET["consultation"])
        if consultation.child_id and consultation.child_id != child.pk:
            raise Http404("No such consultation for this child")
        initial = services.referral_initial_from_consultation(consultation=consultation)
    form = ReferralForm(_post_or_none(request), initial=initial)
    if form.is_bound and _referral_answers_complete(form):
        try:
            referral = services.referral_create(
                actor=request.user, child=child, consultation=consultation, **form.cleaned_data
            )
        except (ValidationError, ApplicationError) as error:
            add_service_errors(form, error, fallback_field="presenting_needs")
        else:
            messages.success(request, f"The referral has been sent to {referral.receiving_organisation.name}")
            return redirect(_detail_url(referral))
    return _form_page(
        request,
        child=child,
        form=form,
        title="Make a referral",
        heading="Make a referral",
        intro="Describe what the young person needs. Every route is welcome and a diagnosis is not needed.",
        back_url=reverse("children:detail", kwargs={"public_id": child.public_id}),
        consultation=consultation,
    )


def _referral_answers_complete(form: ReferralForm) -> bool:
    """Whether the form parsed and the service finds nothing missing; every problem is put on the form,
    the form's own (a value that is not one of the choices) and the service's, so all show at once."""
    parsed = form.is_valid()
    answers = {name: value for name, value in form.cleaned_data.items() if name not in form.errors}
    arguments = {name: answers[name] for name in _PROBLEM_FIELDS if name in answers}
    for field, message in services.referral_problems(**arguments).items():
        if field not in form.errors:
            form.add_error(field, message)
    return parsed and not form.errors


_PROBLEM_FIELDS = (
    "receiving_organisation",
    "route",
    "referrer_name",
    "presenting_needs",
    "professional_concern",
    "family_concern",
    "consent_to_refer",
    "consent_note",
    "preferred_support",
)


@professional_required
@require_GET
def referral_detail(request: AuthenticatedHttpRequest, public_id, referral_id) -> HttpResponse:
    child, referral = _referral(request.user, public_id, referral_id)
    context = {
        "child": child,
        "referral": referral,
        "history": selectors.referral_history_for_triage(referral=referral),
        "can_decide": selectors.can_decide(user=request.user, referral=referral),
        "can_senior_review": selectors.can_senior_review(user=request.user, referral=referral),
        "waiting_entry": getattr(referral, "waiting_entry", None),
        "family_message": services.family_message(referral=referral),
        "instability_reasons": services.INSTABILITY_REASONS,
    }
    return render(request, "referrals/referral_detail.html", context)


@professional_required
@require_GET
def referral_letter(request: AuthenticatedHttpRequest, public_id, referral_id) -> HttpResponse:
    """The decision in plain English, for the young person and family (printed or sent by the worker).

    A young person who asked for their referrals to be kept from their parents and carers (R74) gets a
    letter addressed to them alone, and the worker is told not to give it to the family. It is a letter:
    dated, saying who asked for help and who decided, how to reach the service, what to do if things get
    worse and the crisis numbers, with a Print button and a print layout of the page alone (issue 14).
    """
    child, referral = _referral(request.user, public_id, referral_id)
    context = {
        "child": child,
        "referral": referral,
        "family_message": services.family_message(referral=referral),
        "kept_from_parents": Category.REFERRALS in parent_withheld_categories(child=child),
        "letter": selectors.decision_letter(referral=referral),
        "declined": referral.status == Referral.Status.DECLINED,
    }
    return render(request, "referrals/letter.html", context)
