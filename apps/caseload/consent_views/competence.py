"""Recording a Gillick competence assessment (R73)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from apps.accounts.decorators import professional_required
from apps.accounts.http import AuthenticatedHttpRequest
from apps.caseload.consent_views.common import _child, _consent_url, _form_page, _post_or_none
from apps.children.selectors import CHANGE
from apps.consent import services
from apps.consent.forms import (
    CompetenceForm,
)
from apps.core.exceptions import ApplicationError
from apps.core.forms import add_service_errors


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
