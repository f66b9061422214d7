"""The team page for a child, and the manager's view of their teams."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from apps.accounts.decorators import professional_required
from apps.accounts.http import AuthenticatedHttpRequest
from apps.children.categories import Category
from apps.sharing.selectors import child_list_audit
from apps.teams.selectors import (
    child_continuity,
    children_without_lead_professional,
    current_lead_appointment,
    lead_professional_caseload_sizes,
    lead_professional_history,
    team_roster,
    user_is_team_manager,
)
from apps.teams.views.common import VIEW_TEAM, _child

# --- The team page ------------------------------------------------------------------------------


@professional_required
@require_GET
def team_page(request: AuthenticatedHttpRequest, public_id) -> HttpResponse:
    child = _child(request.user, public_id, perm=VIEW_TEAM)
    can_change = child.access.can_change
    # Meetings and actions are the plans category: without it, a marker stands in their place (R72).
    can_see_plans = child.access.sees(Category.PLANS)
    roster = list(team_roster(child=child))
    lead = current_lead_appointment(child=child)
    # The trusted worker and the lead professional first: the two people the team is organised around.
    current = sorted(
        (member for member in roster if member.is_current),
        key=lambda m: (not m.is_trusted_worker, not (lead and lead.membership_id == m.pk)),
    )
    past = sorted(
        (member for member in roster if not member.is_current), key=lambda m: m.ended_on, reverse=True
    )
    now = timezone.now()
    meetings = list(child.meetings.all()) if can_see_plans else []
    actions = list(child.actions.open().select_related("owner")) if can_see_plans else []
    for action in actions:
        action.can_complete = action.may_be_completed_by(request.user, can_change_record=can_change)
    context = {
        "child": child,
        "can_change": can_change,
        "can_see_plans": can_see_plans,
        "plans_label": Category.PLANS.label[0].lower() + Category.PLANS.label[1:],
        "current_members": current,
        "past_members": past,
        "lead": lead,
        "lead_history": list(lead_professional_history(child=child)),
        "handovers": list(
            child.handovers.select_related("from_membership__user", "to_membership__user", "recorded_by")
        ),
        "trusted_worker": next((member for member in current if member.is_trusted_worker), None),
        "continuity": child_continuity(child=child),
        "continuity_threshold": settings.BEACON_CONTINUITY_ALERT_THRESHOLD,
        "upcoming_meetings": sorted((m for m in meetings if m.held_at >= now), key=lambda m: m.held_at),
        "past_meetings": [meeting for meeting in meetings if meeting.held_at < now],
        "open_actions": actions,
    }
    return render(request, "teams/team.html", context)


# --- The caseload and the manager's view --------------------------------------------------------


@professional_required
@require_GET
def manager_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    """For team managers: children with no lead professional, and each lead professional's caseload size."""
    if not user_is_team_manager(user=request.user):
        raise PermissionDenied("This page is for team managers.")
    without_lead = list(children_without_lead_professional(user=request.user))
    child_list_audit(user=request.user, children=without_lead)
    context = {
        "without_lead": without_lead,
        "caseload_sizes": list(lead_professional_caseload_sizes(user=request.user)),
    }
    return render(request, "teams/manager.html", context)
