"""Browser pages for consultations, referrals, the single point of access and the waiting list.

Each view reads top to bottom: access -> form -> service -> redirect. Pages about a child come through
``access_child`` with the referrals category (404 when the child is not shared, 403 "withheld" when the
child is shared but not their referrals); who may triage, decide or review is the services' business.
"""

from apps.referrals.views.consultations import (
    SEARCH_LIMIT,
    consultation_advise,
    consultation_detail,
    consultation_list,
    consultation_refer,
    consultation_request,
)
from apps.referrals.views.decisions import (
    referral_accept,
    referral_clock,
    referral_decline,
    referral_senior_review,
    referral_triage,
)
from apps.referrals.views.referrals import child_referrals, referral_create, referral_detail, referral_letter
from apps.referrals.views.waiting import (
    senior_review_queue,
    triage_queue,
    waiting_contact,
    waiting_contact_attempt,
    waiting_list,
)

__all__ = [
    "SEARCH_LIMIT",
    "child_referrals",
    "consultation_advise",
    "consultation_detail",
    "consultation_list",
    "consultation_refer",
    "consultation_request",
    "referral_accept",
    "referral_clock",
    "referral_create",
    "referral_decline",
    "referral_detail",
    "referral_letter",
    "referral_senior_review",
    "referral_triage",
    "senior_review_queue",
    "triage_queue",
    "waiting_contact",
    "waiting_contact_attempt",
    "waiting_list",
]
