"""Writes for consultations, referrals, decisions and waiting well (R32-R42, R63-R69).

Every function validates before writing, writes inside one transaction with its audit row, and tells
the people R51 names after each change of state. Nothing is half-saved: an error is raised before the
first write, or inside the transaction so that it rolls back.
"""

from apps.referrals.services.clocks import referral_clock_record, referral_first_appointments_sync
from apps.referrals.services.common import (
    INSTABILITY_REASONS,
    SENIOR_REVIEWER_ROLES,
    decline_review_task_key,
    family_message,
    may_senior_review,
    organisation_staff,
    works_at,
)
from apps.referrals.services.consultations import (
    consultation_advise,
    consultation_request,
    referral_initial_from_consultation,
)
from apps.referrals.services.decisions import referral_accept, referral_decline, referral_senior_review
from apps.referrals.services.making import REFERRAL_MESSAGES, referral_create, referral_problems
from apps.referrals.services.triage import referral_triage
from apps.referrals.services.waiting import (
    waiting_contact_attempt_record,
    waiting_contact_record,
    waiting_sweep,
)

__all__ = [
    "INSTABILITY_REASONS",
    "REFERRAL_MESSAGES",
    "SENIOR_REVIEWER_ROLES",
    "consultation_advise",
    "consultation_request",
    "decline_review_task_key",
    "family_message",
    "may_senior_review",
    "organisation_staff",
    "referral_accept",
    "referral_clock_record",
    "referral_create",
    "referral_decline",
    "referral_first_appointments_sync",
    "referral_initial_from_consultation",
    "referral_problems",
    "referral_senior_review",
    "referral_triage",
    "waiting_contact_attempt_record",
    "waiting_contact_record",
    "waiting_sweep",
    "works_at",
]
