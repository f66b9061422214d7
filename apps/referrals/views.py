"""Browser pages for consultations, referrals, the single point of access and the waiting list.

Each view reads top to bottom: access -> form -> service -> redirect. Pages about a child come through
``access_child`` with the referrals category (404 when the child is not shared, 403 "withheld" when the
child is shared but not their referrals); who may triage, decide or review is the services' business.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from apps.accounts.decorators import professional_required
from apps.accounts.http import AuthenticatedHttpRequest
from apps.children.categories import Category
from apps.children.models import Child
from apps.children.selectors import VIEW, child_list
from apps.consent.selectors import parent_withheld_categories
from apps.core.exceptions import ApplicationError, NotPermitted
from apps.core.forms import add_service_errors
from apps.referrals import selectors, services
from apps.referrals.forms import (
    AcceptForm,
    ClockForm,
    ConsultationAdviceForm,
    ConsultationForm,
    DeclineForm,
    ReferralForm,
    SeniorReviewForm,
    TriageForm,
    WaitingContactForm,
)
from apps.referrals.models import Referral
from apps.sharing.selectors import access_child, child_list_audit

SEARCH_LIMIT = 20


def _post_or_none(request: HttpRequest):
    return request.POST if request.method == "POST" else None


def _child(user, public_id, *, perm: str) -> Child:
    try:
        return access_child(user, public_id, perm=perm)
    except NotPermitted as error:
        raise PermissionDenied(error.message) from error


def _referral(user, public_id, referral_id) -> tuple[Child, Referral]:
    try:
        return selectors.access_referral(user, public_id, referral_id)
    except NotPermitted as error:
        raise PermissionDenied(error.message) from error


def _decider_only(user, referral: Referral) -> None:
    """A page that changes a referral is for the receiving service's staff: 403 for others who can see it."""
    if not selectors.can_decide(user=user, referral=referral):
        raise PermissionDenied("Only staff of the service receiving this referral can do this.")


def _detail_url(referral: Referral) -> str:
    return reverse(
        "referrals:referral-detail",
        kwargs={"public_id": referral.child.public_id, "referral_id": referral.public_id},
    )


def _form_page(request, *, child, referral=None, form, title, heading, intro="", back_url="", **extra):
    context = {
        "child": child,
        "referral": referral,
        "form": form,
        "title": title,
        "heading": heading,
        "intro": intro,
        "back_url": back_url or (_detail_url(referral) if referral else ""),
        **extra,
    }
    return render(request, "referrals/form_page.html", context)


# --- Consultations -----------------------------------------------------------------------------------


@professional_required
@require_GET
def consultation_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    consultations = list(selectors.consultation_list(user=request.user)[:100])
    selectors.consultation_list_audit(user=request.user, consultations=consultations)
    return render(request, "referrals/consultation_list.html", {"consultations": consultations})


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
    if form.is_bound and form.is_valid():
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
    letter addressed to them alone, and the worker is told not to give it to the family.
    """
    child, referral = _referral(request.user, public_id, referral_id)
    context = {
        "child": child,
        "referral": referral,
        "family_message": services.family_message(referral=referral),
        "kept_from_parents": Category.REFERRALS in parent_withheld_categories(child=child),
    }
    return render(request, "referrals/letter.html", context)


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
    form = DeclineForm(_post_or_none(request))
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


# --- The single point of access and the waiting list --------------------------------------------------


@professional_required
@require_GET
def triage_queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    rows = selectors.triage_queue(user=request.user)
    return render(request, "referrals/queue.html", {"rows": rows})


@professional_required
@require_GET
def senior_review_queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    rows = selectors.senior_review_queue(user=request.user)
    return render(request, "referrals/senior_review_queue.html", {"rows": rows})


@professional_required
@require_GET
def waiting_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    only_due = request.GET.get("due") == "1"
    rows = selectors.waiting_list(user=request.user, only_due=only_due)
    return render(request, "referrals/waiting_list.html", {"rows": rows, "only_due": only_due})


@professional_required
@require_http_methods(["GET", "POST"])
def waiting_contact(request: AuthenticatedHttpRequest, public_id, entry_id) -> HttpResponse:
    try:
        child, entry = selectors.access_waiting_entry(request.user, public_id, entry_id)
    except NotPermitted as error:
        raise PermissionDenied(error.message) from error
    if not services.works_at(user=request.user, organisation_id=entry.organisation_id):
        raise PermissionDenied(
            "Only staff of the service the young person is waiting for can record contacts."
        )
    form = WaitingContactForm(_post_or_none(request))
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            services.waiting_contact_record(
                actor=request.user,
                entry=entry,
                method=data["method"],
                spoke_with=data["spoke_with"],
                contacted_at=data.get("contacted_at"),
                explained_service=data["explained_service"],
                risk_check=data["risk_check"],
                signposting=data["signposting"],
                note=data["note"],
            )
        except (ValidationError, ApplicationError) as error:
            names = {"contacted_at": "contacted_on"}
            if isinstance(error, ApplicationError):
                error.field = names.get(error.field, error.field)
            add_service_errors(form, error, fallback_field="spoke_with")
        else:
            messages.success(request, "The contact has been recorded")
            return redirect("referrals:waiting-list")
    return _form_page(
        request,
        child=child,
        referral=entry.referral,
        form=form,
        title="Record a waiting contact",
        heading="Record a contact while waiting",
        intro="The first contact explains what the service offers, its role and what it will ask. Every "
        "contact checks how things are and signposts support while the young person waits.",
        back_url=reverse("referrals:waiting-list"),
        contacts=selectors.waiting_contacts(entry=entry),
    )
