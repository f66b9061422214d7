"""Pages for consultations: listing, asking for one, reading it, the service's advice, and referring
from it.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from apps.accounts.decorators import professional_required
from apps.accounts.http import AuthenticatedHttpRequest
from apps.children.selectors import VIEW, child_list
from apps.core.exceptions import ApplicationError
from apps.core.forms import add_service_errors
from apps.referrals import selectors, services
from apps.referrals.forms import ConsultationAdviceForm, ConsultationForm
from apps.referrals.views.common import _child, _post_or_none, _work_list_page
from apps.sharing.selectors import child_list_audit

SEARCH_LIMIT = 20


# --- Consultations -----------------------------------------------------------------------------------


@professional_required
@require_GET
def consultation_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    consultations = selectors.consultation_list(user=request.user)
    listing = _work_list_page(request, consultations, count=consultations.order_by().count)
    selectors.consultation_list_audit(user=request.user, consultations=listing["rows"])
    return render(request, "referrals/consultation_list.html", {**listing, "consultations": listing["rows"]})


@professional_required
@require_http_methods(["GET", "POST"])
def consultation_request(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Ask for a consultation; ``?child=<public id>`` names a child the person can already see."""
    child = _child(request.user, request.GET["child"], perm=VIEW) if request.GET.get("child") else None
    form = ConsultationForm(_post_or_none(request), child=child)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            consultation = services.consultation_request(
                actor=request.user,
                receiving_organisation=data["receiving_organisation"],
                route=data["route"],
                channel=data["channel"],
                concern=data["concern"],
                child=child,
                child_description=data.get("child_description", ""),
                requester_name=data["requester_name"],
                requester_contact=data["requester_contact"],
                what_has_been_tried=data["what_has_been_tried"],
                preferred_support=data["preferred_support"],
            )
        except (ValidationError, ApplicationError) as error:
            add_service_errors(form, error, fallback_field="concern")
        else:
            messages.success(request, "Your request for a consultation has been sent")
            return redirect("referrals:consultation-detail", consultation_id=consultation.public_id)
    return render(request, "referrals/consultation_form.html", {"form": form, "child": child})


@professional_required
@require_GET
def consultation_detail(request: AuthenticatedHttpRequest, consultation_id) -> HttpResponse:
    consultation = selectors.access_consultation(request.user, consultation_id)
    context = {
        "consultation": consultation,
        "referral": selectors.consultation_referral(consultation=consultation),
        "is_receiving_staff": services.works_at(
            user=request.user, organisation_id=consultation.receiving_organisation_id
        ),
    }
    return render(request, "referrals/consultation_detail.html", context)


@professional_required
@require_http_methods(["GET", "POST"])
def consultation_advise(request: AuthenticatedHttpRequest, consultation_id) -> HttpResponse:
    consultation = selectors.access_consultation(request.user, consultation_id)
    if not services.works_at(user=request.user, organisation_id=consultation.receiving_organisation_id):
        raise PermissionDenied("Only staff of the service asked can record advice.")
    form = ConsultationAdviceForm(_post_or_none(request))
    if form.is_bound and form.is_valid():
        try:
            services.consultation_advise(actor=request.user, consultation=consultation, **form.cleaned_data)
        except (ValidationError, ApplicationError) as error:
            add_service_errors(form, error, fallback_field="advice")
        else:
            messages.success(request, "The advice has been recorded")
            return redirect("referrals:consultation-detail", consultation_id=consultation.public_id)
    return render(
        request,
        "referrals/consultation_advise.html",
        {"form": form, "consultation": consultation},
    )


@professional_required
@require_GET
def consultation_refer(request: AuthenticatedHttpRequest, consultation_id) -> HttpResponse:
    """Turn a consultation into a referral: find the child (or add them), then a pre-filled referral (R33)."""
    consultation = selectors.access_consultation(request.user, consultation_id)
    if selectors.consultation_referral(consultation=consultation) is not None:
        messages.info(request, "This consultation has already become a referral")
        return redirect("referrals:consultation-detail", consultation_id=consultation.public_id)
    if consultation.child_id:
        return redirect(
            reverse("referrals:referral-create", kwargs={"public_id": consultation.child.public_id})
            + f"?consultation={consultation.public_id}"
        )
    search = request.GET.get("q", "").strip()
    children = []
    if search:
        children = list(child_list(user=request.user, search=search)[:SEARCH_LIMIT])
        child_list_audit(user=request.user, children=children, search=search)
    context = {"consultation": consultation, "search": search, "children": children}
    return render(request, "referrals/consultation_refer.html", context)
