"""Writes to the team around the child. Each validates, writes in one transaction, audits, and returns.

Membership is what gives a professional access to a child's record: joining grants it and leaving
ends it, both through ``apps.sharing`` (the only code that touches permissions).
"""

from apps.teams.services.access_requests import (
    access_request_answer,
    access_request_check_may_answer,
    access_request_create,
)
from apps.teams.services.actions import action_add, action_complete, action_reminder_sweep
from apps.teams.services.lead_professional import (
    TELL_IN_PERSON_WITHIN_DAYS,
    continuity_check,
    lead_professional_appoint,
    lead_professional_hand_over,
    trusted_worker_hand_over,
)
from apps.teams.services.meetings import meeting_record
from apps.teams.services.membership import (
    team_member_add,
    team_member_direct_contact_give,
    team_member_end,
    team_member_offer_for_young_person_set,
    trusted_worker_name,
)

__all__ = [
    "TELL_IN_PERSON_WITHIN_DAYS",
    "access_request_answer",
    "access_request_check_may_answer",
    "access_request_create",
    "action_add",
    "action_complete",
    "action_reminder_sweep",
    "continuity_check",
    "lead_professional_appoint",
    "lead_professional_hand_over",
    "meeting_record",
    "team_member_add",
    "team_member_direct_contact_give",
    "team_member_end",
    "team_member_offer_for_young_person_set",
    "trusted_worker_hand_over",
    "trusted_worker_name",
]
