"""Safeguarding overrides (R76): opening one, the safeguarding lead's review, telling the young person."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from apps.accounts.decorators import professional_required
from apps.accounts.http import AuthenticatedHttpRequest
from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.audit.services import audit_record
from apps.caseload.consent_views.common import (
    _child,
    _consent_url,
    _form_page,
    _lead_organisations,
    _post_or_none,
    category_labels,
)
from apps.children.selectors import VIEW
from apps.consent import services
from apps.consent.forms import (
    OverrideOpenForm,
    OverrideReviewForm,
    OverrideToldForm,
)
from apps.consent.models import SafeguardingOverride
from apps.core.exceptions import ApplicationError, NotPermitted
from apps.core.forms import add_service_errors
from apps.notifications.models import Notification
from apps.notifications.selectors import task_alerted
from apps.sharing.access import child_access
from apps.sharing.selectors import task_access_held

# --- Safeguarding overrides ---------------------------------------------------------------------


@professional_required
@require_http_methods(["GET", "POST"])
def override_open(request: AuthenticatedHttpRequest, public_id) -> HttpResponse:
    # Anyone who can see the core record may break the glass; what it opens is logged and reviewed.
    child = _child(request.user, public_id, perm=VIEW)
    form = OverrideOpenForm(_post_or_none(request))
    if form.is_bound and form.is_valid():
        try:
            override = services.safeguarding_override_open(
                actor=request.user, child=child, **form.cleaned_data
            )
        except (ValidationError, ApplicationError) as error:
            add_service_errors(form, error, fallback_field="lawful_basis")
        else:
            messages.success(request, override_opened_message(override))
            return redirect(_consent_url(child, "overrides"))
    return _form_page(
        request,
        child=child,
        form=form,
        title="Open a safeguarding override",
        heading="See information without consent to protect a child",
        warning=f"This override lasts {settings.BEACON_OVERRIDE_HOURS} hours. Your organisation's "
        "safeguarding lead (or, where it has none, a team manager or administrator) is alerted and must "
        "review it, and the young person will be told when it is safe to tell them.",
    )


def override_opened_message(override: SafeguardingOverride) -> str:
    """What opening an override did, naming the people actually alerted to review it, read from the alerts
    recorded (never a claim that "the safeguarding lead" was told when nobody was)."""
    reviewers = override_review_requested_from(override)
    if not reviewers:
        return (
            "The safeguarding override is open, but nobody could be alerted to review it: Beacon has no "
            "safeguarding lead, team manager or administrator to send it to. "
            "Tell a safeguarding lead yourself"
        )
    names = ", ".join(str(person) for person in reviewers)
    return f"The safeguarding override is open. Asked to review it: {names}"


def override_review_requested_from(override: SafeguardingOverride) -> list[User]:
    """The people alerted to review ``override``, from the notifications recorded."""
    return task_alerted(task_key=services.override_review_task_key(override), kind=Notification.Kind.OVERRIDE)


def _override_for_review(user: User, public_id, override_id) -> SafeguardingOverride:
    """The override, for a safeguarding lead of an organisation it concerns, or the person its review was
    routed to while the review is open (the service's rule, ``safeguarding_override_check_may_review``).

    Anyone else: 404 if the child is not shared with them, 403 if it is.
    """
    leads_at = _lead_organisations(user)
    override = (
        SafeguardingOverride.objects.select_related("child", "opened_by")
        .filter(child__public_id=public_id, public_id=override_id)
        .first()
    )
    if override and (
        leads_at & services.safeguarding_override_concerned_organisations(override=override)
        or task_access_held(user=user, task_key=services.override_review_task_key(override))
    ):
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
