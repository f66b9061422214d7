"""Pages for the lead professional and the trusted worker: appointing a lead, handing either role over."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from apps.accounts.decorators import professional_required
from apps.accounts.http import AuthenticatedHttpRequest
from apps.children.models import Child
from apps.children.selectors import CHANGE
from apps.core.exceptions import ApplicationError
from apps.core.forms import add_service_errors
from apps.teams import services
from apps.teams.forms import HandoverForm, LeadAppointForm
from apps.teams.models import TeamMembership
from apps.teams.selectors import current_lead_appointment, lead_professional_offer_first
from apps.teams.views.common import _child, _current_members, _post_or_none, _professionals, _team_url

# --- Lead professional and handover -------------------------------------------------------------


@professional_required
@require_http_methods(["GET", "POST"])
def lead_appoint(request: AuthenticatedHttpRequest, public_id) -> HttpResponse:
    child = _child(request.user, public_id, perm=CHANGE)
    members = _professionals(_current_members(child))
    form = LeadAppointForm(
        _post_or_none(request),
        members=members,
        offered_first=lead_professional_offer_first(child=child),
        initial={"started_on": timezone.localdate()},
    )
    if form.is_bound and form.is_valid():
        try:
            appointment = services.lead_professional_appoint(
                actor=request.user,
                membership=form.cleaned_data["membership"],
                route=form.cleaned_data["route"],
                started_on=form.cleaned_data["started_on"],
            )
        except (ValidationError, ApplicationError) as error:
            add_service_errors(form, error, fallback_field="membership")
        else:
            messages.success(request, f"{appointment.membership.name} is now the lead professional")
            return redirect(_team_url(child, "lead-professional"))
    # A child has one lead professional (R16, R17): with one already, the page offers a handover instead.
    return render(
        request,
        "teams/lead_appoint.html",
        {"child": child, "form": form, "members": members, "existing": current_lead_appointment(child=child)},
    )


def _hand_over(
    request: HttpRequest, *, child: Child, outgoing: TeamMembership, role: str, hand_over
) -> HttpResponse:
    """The handover form for either role: a named successor, a note and an optional overlap (R24)."""
    successors = [member for member in _professionals(_current_members(child)) if member.pk != outgoing.pk]
    form = HandoverForm(_post_or_none(request), successors=successors)
    if form.is_bound and form.is_valid():
        try:
            handover = hand_over(**form.cleaned_data)
        except (ValidationError, ApplicationError) as error:
            add_service_errors(form, error, fallback_field="successor")
        else:
            messages.success(
                request,
                f"{handover.to_membership.name} is now the {role}. They have a task to tell the young person "
                "and their family in person.",
            )
            return redirect(_team_url(child, "actions"))
    return render(
        request,
        "teams/handover.html",
        {"child": child, "form": form, "outgoing": outgoing, "role": role, "successors": successors},
    )


@professional_required
@require_http_methods(["GET", "POST"])
def lead_hand_over(request: AuthenticatedHttpRequest, public_id) -> HttpResponse:
    child = _child(request.user, public_id, perm=CHANGE)
    appointment = current_lead_appointment(child=child)
    if appointment is None:
        messages.info(request, "There is no lead professional to hand over from: appoint one")
        return redirect("teams:lead-appoint", public_id=child.public_id)

    def hand_over(**answers):
        return services.lead_professional_hand_over(actor=request.user, appointment=appointment, **answers)

    return _hand_over(
        request, child=child, outgoing=appointment.membership, role="lead professional", hand_over=hand_over
    )


@professional_required
@require_http_methods(["GET", "POST"])
def trusted_worker_hand_over(request: AuthenticatedHttpRequest, public_id) -> HttpResponse:
    child = _child(request.user, public_id, perm=CHANGE)
    outgoing = next((member for member in _current_members(child) if member.is_trusted_worker), None)
    if outgoing is None:
        messages.info(
            request, "The young person has not named a trusted worker, so there is nobody to hand over from"
        )
        return redirect(_team_url(child, "team"))

    def hand_over(**answers):
        return services.trusted_worker_hand_over(actor=request.user, outgoing=outgoing, **answers)

    return _hand_over(request, child=child, outgoing=outgoing, role="trusted worker", hand_over=hand_over)
