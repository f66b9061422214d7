"""Browser pages for a child's consent register, competence, overrides, reviews and disclosure log.

Each view reads top to bottom: access -> form -> service -> redirect. The child always comes through
``access_child`` (404 if it does not exist or is not shared, 403 to change what is shared read-only). The
rules of consent belong to ``apps.consent.services``; these views only put its errors back on the form.

They moved up from apps/consent (URL namespace ``consent`` and templates kept): a consent page asks the access
decision (``apps.sharing``), which reads consent, so the pages sit above both, with the children's pages.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.accounts.decorators import professional_required
from apps.accounts.http import AuthenticatedHttpRequest
from apps.accounts.models import OrganisationMembership, User
from apps.audit.models import AuditEvent
from apps.audit.services import audit_record
from apps.children.categories import SENSITIVE, Category
from apps.children.easy_read import wants_easy_read
from apps.children.models import Child
from apps.children.selectors import CHANGE, VIEW
from apps.consent import services
from apps.consent.forms import (
    CompetenceForm,
    ConsentForm,
    CoordinationObjectionForm,
    OverrideOpenForm,
    OverrideReviewForm,
    OverrideToldForm,
    ParentWithholdingForm,
    ReviewCompleteForm,
    WithdrawForm,
)
from apps.consent.models import Consent, Disclosure, SafeguardingOverride
from apps.consent.selectors import (
    consent_detail_visible,
    consent_history,
    disclosure_log,
    parent_withheld_categories,
)
from apps.core.exceptions import ApplicationError, NotPermitted
from apps.core.forms import add_service_errors
from apps.sharing.access import child_access
from apps.sharing.selectors import access_child, who_can_see

DISCLOSURES_PAGE_SIZE = 50


# --- Helpers ------------------------------------------------------------------------------------


def _child(user: User, public_id, *, perm: str) -> Child:
    """The child if ``user`` holds ``perm``: 404 if it is not shared with them, 403 if shared without it."""
    try:
        return access_child(user, public_id, perm=perm)
    except NotPermitted as error:
        raise PermissionDenied(error.message) from error


def _consent_url(child: Child, anchor: str = "") -> str:
    return reverse("consent:child-consent", args=[child.public_id]) + (f"#{anchor}" if anchor else "")


def _post_or_none(request: HttpRequest):
    return request.POST if request.method == "POST" else None


def _form_page(
    request: HttpRequest, *, child: Child, form, title: str, heading: str, **extra
) -> HttpResponse:
    context = {"child": child, "form": form, "title": title, "heading": heading, **extra}
    return render(request, "consent/form_page.html", context)


def _lead_organisations(user: User) -> set[int]:
    """The organisations where ``user`` is a safeguarding lead today."""
    return set(
        OrganisationMembership.objects.current()
        .filter(user=user, role__code=services.SAFEGUARDING_LEAD_ROLE)
        .values_list("organisation_id", flat=True)
    )


def category_labels(categories) -> list[str]:
    labels = dict(Category.choices)
    return [labels.get(category, category) for category in categories]


# Each of a consent's standings (``Consent.status_on``) as a GOV.UK tag colour.
STATUS_COLOURS = {
    Consent.Status.WITHDRAWN: "red",
    Consent.Status.EXPIRED: "grey",
    Consent.Status.NOT_STARTED: "blue",
    Consent.Status.IN_FORCE: "green",
}


def _consent_status(consent: Consent, today) -> tuple[str, str]:
    """In words, and as a GOV.UK tag colour."""
    status = consent.status_on(today)
    return status.label, STATUS_COLOURS[status]


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
    for override in overrides:
        override.is_open = override.is_in_force
        override.category_labels = category_labels(override.categories)
    context = {
        "child": child,
        "can_change": can_change,
        "is_safeguarding_lead": bool(_lead_organisations(request.user)),
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


@professional_required
@require_http_methods(["GET", "POST"])
def competence_assess(request: AuthenticatedHttpRequest, public_id) -> HttpResponse:
    child = _child(request.user, public_id, perm=CHANGE)
    form = CompetenceForm(_post_or_none(request), initial={"assessed_on": timezone.localdate()})
    if form.is_bound and form.is_valid():
        try:
            services.competence_assess(actor=request.user, child=child, **form.cleaned_data)
        except (ValidationError, ApplicationError) as error:
            add_service_errors(form, error, fallback_field="outcome")
        else:
            messages.success(request, "The competence assessment has been recorded")
            return redirect(_consent_url(child, "competence"))
    return _form_page(
        request,
        child=child,
        form=form,
        title="Record a competence assessment",
        heading="Record a competence assessment",
        intro="You are recorded as the assessor. A young person aged 16 or over is presumed able to decide.",
    )


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


# --- Safeguarding overrides ---------------------------------------------------------------------


@professional_required
@require_http_methods(["GET", "POST"])
def override_open(request: AuthenticatedHttpRequest, public_id) -> HttpResponse:
    # Anyone who can see the core record may break the glass; what it opens is logged and reviewed.
    child = _child(request.user, public_id, perm=VIEW)
    form = OverrideOpenForm(_post_or_none(request))
    if form.is_bound and form.is_valid():
        try:
            services.safeguarding_override_open(actor=request.user, child=child, **form.cleaned_data)
        except (ValidationError, ApplicationError) as error:
            add_service_errors(form, error, fallback_field="lawful_basis")
        else:
            messages.success(
                request,
                "The safeguarding override is open. The safeguarding lead has been asked to review it",
            )
            return redirect(_consent_url(child, "overrides"))
    return _form_page(
        request,
        child=child,
        form=form,
        title="Open a safeguarding override",
        heading="See information without consent to protect a child",
        warning=f"This override lasts {settings.BEACON_OVERRIDE_HOURS} hours. The safeguarding lead is "
        "alerted and must review it, and the young person will be told when it is safe to tell them.",
    )


def _override_for_review(user: User, public_id, override_id) -> SafeguardingOverride:
    """The override, for a safeguarding lead of an organisation it concerns (the service's rule).

    Anyone else: 404 if the child is not shared with them, 403 if it is.
    """
    leads_at = _lead_organisations(user)
    override = (
        SafeguardingOverride.objects.select_related("child", "opened_by")
        .filter(child__public_id=public_id, public_id=override_id)
        .first()
    )
    if override and leads_at & services.safeguarding_override_concerned_organisations(override=override):
        audit_record(actor=user, action=AuditEvent.Action.VIEW, target=override, child=override.child)
        return override
    child = _child(user, public_id, perm=VIEW)
    get_object_or_404(child.safeguarding_overrides, public_id=override_id)
    # Someone who sees the child but is not a safeguarding lead of an organisation the override concerns.
    raise PermissionDenied(services.OVERRIDE_REVIEW_REFUSED)


@professional_required
@require_http_methods(["GET", "POST"])
def override_review(request: AuthenticatedHttpRequest, public_id, override_id) -> HttpResponse:
    override = _override_for_review(request.user, public_id, override_id)
    child = override.child
    form = OverrideReviewForm(_post_or_none(request))
    if override.reviewed_at is None and form.is_bound and form.is_valid():
        try:
            services.safeguarding_override_review(actor=request.user, override=override, **form.cleaned_data)
        except (ValidationError, ApplicationError) as error:
            add_service_errors(form, error, fallback_field="outcome")
        else:
            messages.success(request, "Your review of the safeguarding override has been recorded")
            if child_access(user=request.user, child=child).can_see_child:
                return redirect(_consent_url(child, "overrides"))
            return redirect(reverse("consent:override-review", args=[child.public_id, override.public_id]))
    return render(
        request,
        "consent/override_review.html",
        {
            "child": child,
            "override": override,
            "category_labels": category_labels(override.categories),
            "form": form,
            "can_see_child": child_access(user=request.user, child=child).can_see_child,
        },
    )


@professional_required
@require_http_methods(["GET", "POST"])
def override_told(request: AuthenticatedHttpRequest, public_id, override_id) -> HttpResponse:
    child = _child(request.user, public_id, perm=VIEW)
    override = get_object_or_404(child.safeguarding_overrides, public_id=override_id)
    may_change_record = child_access(user=request.user, child=child).can_change
    try:
        services.safeguarding_override_check_may_record_told(
            actor=request.user, override=override, may_change_record=may_change_record
        )
    except NotPermitted as refusal:
        raise PermissionDenied(refusal.message) from refusal
    form = OverrideToldForm(_post_or_none(request))
    if form.is_bound and form.is_valid():
        try:
            services.safeguarding_override_young_person_told(
                actor=request.user,
                override=override,
                may_change_record=may_change_record,
                **form.cleaned_data,
            )
        except (ValidationError, ApplicationError) as error:
            add_service_errors(form, error, fallback_field="told_on")
        else:
            messages.success(request, "Recorded that the young person was told about the override")
            return redirect(_consent_url(child, "overrides"))
    return _form_page(
        request,
        child=child,
        form=form,
        title="Record that the young person was told",
        heading="Record that the young person was told about the override",
        intro="Record this once it was judged safe to tell them, and they have been told.",
    )


# --- Who has seen this child's information ------------------------------------------------------

BASIS_WORDS = {
    Disclosure.Basis.DIRECT_CARE: "because they work with the young person (direct care)",
    Disclosure.Basis.COORDINATION: "as lead professional, coordinating the young person's care",
    Disclosure.Basis.LEGAL_DUTY: "under a legal duty to share",
    Disclosure.Basis.SAFEGUARDING: "under a safeguarding override",
    Disclosure.Basis.OVERRIDE: "under a safeguarding override",
    Disclosure.Basis.TEAM: "as a member of the team",
    Disclosure.Basis.GRANT: "because an administrator gave them access",
}


def _basis_words(disclosure: Disclosure) -> str:
    if disclosure.basis == Disclosure.Basis.CONSENT:
        if disclosure.consent and disclosure.consent.grantor == Consent.Grantor.PARENT:
            return "because a parent or carer agreed (consent)"
        return "because the young person agreed (consent)"
    return BASIS_WORDS.get(disclosure.basis, disclosure.get_basis_display())


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


@professional_required
@require_http_methods(["GET", "POST"])
def parent_withholding_add(request: AuthenticatedHttpRequest, public_id) -> HttpResponse:
    child = _child(request.user, public_id, perm=CHANGE)
    form = ParentWithholdingForm(_post_or_none(request))
    if form.is_bound and form.is_valid():
        try:
            services.parent_withholding_record(actor=request.user, child=child, **form.cleaned_data)
        except (ValidationError, ApplicationError) as error:
            add_service_errors(form, error, fallback_field="category")
        else:
            messages.success(
                request, "That information is now kept from the young person's parents and carers"
            )
            return redirect(_consent_url(child, "parents"))
    return _form_page(
        request,
        child=child,
        form=form,
        title="Keep information from parents and carers",
        heading="Keep information from parents and carers",
        intro=(
            "A young person who can decide for themselves (16 or over, or assessed as competent) can ask "
            "that something is not shared with their parents or carers. A safeguarding override still "
            "applies."
        ),
    )


@professional_required
@require_POST
def parent_withholding_end(request: AuthenticatedHttpRequest, public_id, withholding_id) -> HttpResponse:
    child = _child(request.user, public_id, perm=CHANGE)
    withholding = get_object_or_404(
        child.parent_withholdings, public_id=withholding_id, ended_on__isnull=True
    )
    services.parent_withholding_end(actor=request.user, withholding=withholding)
    messages.success(request, "Parents and carers can see that information again, where consent allows")
    return redirect(_consent_url(child, "parents"))


@professional_required
@require_http_methods(["GET", "POST"])
def coordination_objection_add(request: AuthenticatedHttpRequest, public_id) -> HttpResponse:
    child = _child(request.user, public_id, perm=CHANGE)
    form = CoordinationObjectionForm(_post_or_none(request))
    if form.is_bound and form.is_valid():
        try:
            services.coordination_objection_record(actor=request.user, child=child, **form.cleaned_data)
        except (ValidationError, ApplicationError) as error:
            add_service_errors(form, error, fallback_field="category")
        else:
            messages.success(request, "The objection is recorded: the lead professional no longer sees that")
            return redirect(_consent_url(child, "objections"))
    return _form_page(
        request,
        child=child,
        form=form,
        title="Record an objection",
        heading="Record the young person's objection",
        intro=(
            "The lead professional sees the team, appointments, referrals and plans to coordinate care, "
            "without "
            "needing consent. A young person who can decide for themselves (16 or over, or assessed as "
            "competent) can object to any of these. A safeguarding override still applies."
        ),
    )


@professional_required
@require_POST
def coordination_objection_end(request: AuthenticatedHttpRequest, public_id, objection_id) -> HttpResponse:
    child = _child(request.user, public_id, perm=CHANGE)
    objection = get_object_or_404(
        child.coordination_objections, public_id=objection_id, ended_on__isnull=True
    )
    try:
        services.coordination_objection_end(actor=request.user, objection=objection)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, "The lead professional can see that again, to coordinate the young person's care"
        )
    return redirect(_consent_url(child, "objections"))


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
