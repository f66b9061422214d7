"""Teams built the real way, through ``apps.teams.services``, so that every access grant is real."""

import datetime

from django.utils import timezone

from apps.accounts.models import User
from apps.children.models import Child
from apps.children.services import vulnerability_flag_add
from apps.teams.models import Action, LeadProfessionalAppointment, Meeting, TeamMembership
from apps.teams.services import (
    action_add,
    lead_professional_appoint,
    meeting_record,
    team_member_add,
)
from tests.factories import ChildFactory, vulnerability_type

VULNERABILITY_CODES = ("young-carer", "homeless", "missing-from-care", "substance-misuse")


def professional_joins(child: Child, user: User, *, actor: User | None = None, **fields) -> TeamMembership:
    """``user`` joins the team around ``child`` as a professional, added by ``actor`` (or themselves)."""
    return team_member_add(
        actor=actor or user, child=child, kind=TeamMembership.Kind.PROFESSIONAL, user=user, **fields
    )


def lead_for(child: Child, user: User, *, route: str = LeadProfessionalAppointment.Route.SOCIAL_CARE):
    """``user`` joins the team (if not in it) and is appointed the child's lead professional."""
    membership = TeamMembership.objects.current().filter(child=child, user=user).first()
    membership = membership or professional_joins(child, user)
    return lead_professional_appoint(actor=user, membership=membership, route=route)


def action_for(
    child: Child, owner: User, *, due_in_days: int = 7, description: str = "Ring the school"
) -> Action:
    return action_add(
        actor=owner,
        child=child,
        description=description,
        owner=owner,
        due_on=timezone.localdate() + datetime.timedelta(days=due_in_days),
    )


def planned_meeting(child: Child, actor: User, *, in_days: int = 7) -> Meeting:
    return meeting_record(
        actor=actor,
        child=child,
        kind=Meeting.Kind.TEAM_AROUND_CHILD,
        held_at=timezone.now() + datetime.timedelta(days=in_days),
        location="Family hub",
    )


def caseload_child(
    lead: User,
    *,
    flags: int = 0,
    overdue_actions: int = 0,
    meeting_in_days: int | None = None,
    **child_fields,
) -> Child:
    """A child on ``lead``'s caseload, with current vulnerabilities, overdue actions and a planned meeting."""
    child = ChildFactory(**child_fields)
    lead_for(child, lead)
    for code in VULNERABILITY_CODES[:flags]:
        vulnerability_flag_add(
            actor=lead,
            child=child,
            type=vulnerability_type(code),
            source="school",
            identified_on=datetime.date(2025, 1, 1),
        )
    for number in range(overdue_actions):
        action_for(child, lead, due_in_days=-1 - number)
    if meeting_in_days is not None:
        planned_meeting(child, lead, in_days=meeting_in_days)
    return child
