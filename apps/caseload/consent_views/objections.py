"""A competent young person's objections to their lead professional's coordination basis."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_http_methods, require_POST

from apps.accounts.decorators import professional_required
from apps.accounts.http import AuthenticatedHttpRequest
from apps.caseload.consent_views.common import _child, _consent_url, _form_page, _post_or_none
from apps.children.selectors import CHANGE
from apps.consent import services
from apps.consent.forms import (
    CoordinationObjectionForm,
)
from apps.core.exceptions import ApplicationError
from apps.core.forms import add_service_errors


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
