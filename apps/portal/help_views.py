"""A young person asks for help themselves (R35): "We need a self-referral option that puts patients in
control - not gate-keepers" (seed 003).

The request reaches the single point of access beside professionals' referrals. Saying it is urgent shows
crisis help at once, on the page that confirms it, before anything else: nobody waits for a call back when
they may not be safe.
"""

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_http_methods

from apps.accounts.http import AuthenticatedHttpRequest
from apps.children.models import Child
from apps.core.exceptions import ApplicationError
from apps.core.forms import add_service_errors
from apps.portal.decorators import young_person_required
from apps.portal.views import _render
from apps.referrals.front_door_forms import YoungPersonHelpForm
from apps.referrals.models import HelpRequest
from apps.referrals.services.front_door import front_door_organisation, help_request_from_young_person

SENT_KEY = "portal_help_sent"


@young_person_required
@require_http_methods(["GET", "POST"])
def ask_for_help(request: AuthenticatedHttpRequest, child: Child) -> HttpResponse:
    form = YoungPersonHelpForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            help_request = help_request_from_young_person(actor=request.user, **form.cleaned_data)
        except (ApplicationError, ValidationError) as error:
            add_service_errors(form, error, fallback_field="what_is_happening")
        else:
            request.session[SENT_KEY] = help_request.urgency
            return redirect("portal:ask-for-help-sent")
    status = 400 if form.is_bound else 200
    return _render(
        request,
        child,
        "ask_for_help",
        {"form": form, "organisation": front_door_organisation()},
        status=status,
    )


@young_person_required
@require_GET
def ask_for_help_sent(request: AuthenticatedHttpRequest, child: Child) -> HttpResponse:
    urgency = request.session.get(SENT_KEY)
    if urgency is None:
        return redirect("portal:ask-for-help")
    return _render(
        request,
        child,
        "ask_for_help_sent",
        {"urgent": urgency == HelpRequest.Urgency.URGENT, "organisation": front_door_organisation()},
    )
