"""Writes for appointments and missed-appointment follow-up. Each validates, writes in one transaction,
audits, and returns.

The rule that matters most (R57-R59): a missed appointment is never just a mark in a register. Recording
"did not attend" or "was not brought" creates, in the same transaction, a follow-up for the child's
lead professional, due within a configurable number of working days, and tells them; repeated misses,
or a single one for a child on a child protection plan or looked after, reach the safeguarding lead.
Notifications are written in the same transaction as the follow-up (so neither exists without the
other) and emailed only after it commits, so a broker that is down delays an email and loses nothing.
"""

from apps.appointments.services.booking import appointment_book, supporting_member_warning
from apps.appointments.services.common import FollowUp
from apps.appointments.services.discharge import DISCHARGE_REASONS_REFUSED, discharge_reason_validate
from apps.appointments.services.follow_ups import (
    SAFEGUARDING_LEAD_ROLE,
    follow_up_assignees,
    follow_up_attempt_record,
    follow_up_check_may_complete,
    follow_up_complete,
    follow_up_escalated_to,
    follow_up_overdue_sweep,
    follow_up_task_key,
    missed_in_a_row,
)
from apps.appointments.services.outcomes import (
    appointment_check_may_record,
    appointment_outcome_record,
    depends_on_adult_to_attend,
)

__all__ = [
    "DISCHARGE_REASONS_REFUSED",
    "SAFEGUARDING_LEAD_ROLE",
    "FollowUp",
    "appointment_book",
    "appointment_check_may_record",
    "appointment_outcome_record",
    "depends_on_adult_to_attend",
    "discharge_reason_validate",
    "follow_up_assignees",
    "follow_up_attempt_record",
    "follow_up_check_may_complete",
    "follow_up_complete",
    "follow_up_escalated_to",
    "follow_up_overdue_sweep",
    "follow_up_task_key",
    "missed_in_a_row",
    "supporting_member_warning",
]
