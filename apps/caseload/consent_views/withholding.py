"""What a competent young person keeps from their parents or carers (R74)."""

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
    ParentWithholdingForm,
)
from apps.core.exceptions import ApplicationError
from apps.core.forms import add_service_errors


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
