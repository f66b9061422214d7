"""Browser pages for the team around the child, its meetings and actions, the caseload and the manager's view.

Each view reads top to bottom: access -> form -> service -> redirect. The child always comes through
``access_child``: a 404 whether the child does not exist or is not shared, a 403 where the person may
see the team but not change it. Who may do what is the services' and sharing's business; these views
only offer what the person is allowed and show what the services say.
"""

from apps.teams.views.access_requests import access_request_answer, access_request_list
from apps.teams.views.actions import action_add, action_complete
from apps.teams.views.common import VIEW_TEAM
from apps.teams.views.lead_professional import lead_appoint, lead_hand_over, trusted_worker_hand_over
from apps.teams.views.meetings import meeting_detail, meeting_record
from apps.teams.views.membership import (
    direct_contact_give,
    member_add,
    member_end,
    member_offer,
    trusted_worker_name,
)
from apps.teams.views.team import manager_page, team_page

__all__ = [
    "VIEW_TEAM",
    "access_request_answer",
    "access_request_list",
    "action_add",
    "action_complete",
    "direct_contact_give",
    "lead_appoint",
    "lead_hand_over",
    "manager_page",
    "meeting_detail",
    "meeting_record",
    "member_add",
    "member_end",
    "member_offer",
    "team_page",
    "trusted_worker_hand_over",
    "trusted_worker_name",
]
