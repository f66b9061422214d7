"""Consultations, referrals, the single point of access and the waiting list over the REST API.

The same rules as the browser: a child comes through ``access_child`` (404 when not shared; 403
"withheld" when shared without the referrals category), and every rule is the services'. Errors come
out in the API's one shape, naming the field to fix (``alternatives``, ``risk_check`` ...).
"""

from apps.referrals.api.common import CHILD_PUBLIC_ID, CONSULTATION_ID, ENTRY_ID, REFERRAL_ID, TAGS
from apps.referrals.api.consultations import (
    ConsultationAdviceApi,
    ConsultationDetailApi,
    ConsultationListCreateApi,
)
from apps.referrals.api.decisions import (
    ReferralAcceptApi,
    ReferralClockApi,
    ReferralDeclineApi,
    ReferralSeniorReviewApi,
    ReferralTriageApi,
)
from apps.referrals.api.referrals import ChildReferralListCreateApi, ReferralDetailApi
from apps.referrals.api.serializers import (
    AlternativeOutputSerializer,
    ChildReferenceSerializer,
    ConsultationOutputSerializer,
    PersonSerializer,
    ReferralOutputSerializer,
    WaitingContactOutputSerializer,
    WaitingEntryOutputSerializer,
)
from apps.referrals.api.waiting import TriageQueueApi, WaitingContactListCreateApi, WaitingListApi

__all__ = [
    "CHILD_PUBLIC_ID",
    "CONSULTATION_ID",
    "ENTRY_ID",
    "REFERRAL_ID",
    "TAGS",
    "AlternativeOutputSerializer",
    "ChildReferenceSerializer",
    "ChildReferralListCreateApi",
    "ConsultationAdviceApi",
    "ConsultationDetailApi",
    "ConsultationListCreateApi",
    "ConsultationOutputSerializer",
    "PersonSerializer",
    "ReferralAcceptApi",
    "ReferralClockApi",
    "ReferralDeclineApi",
    "ReferralDetailApi",
    "ReferralOutputSerializer",
    "ReferralSeniorReviewApi",
    "ReferralTriageApi",
    "TriageQueueApi",
    "WaitingContactListCreateApi",
    "WaitingContactOutputSerializer",
    "WaitingEntryOutputSerializer",
    "WaitingListApi",
]
