"""Writes to the consent register, competence, overrides, reviews and the disclosure log.

Every change here ends by recomputing the permissions of the people it concerns, through the hooks
``apps.sharing`` (the only code that touches permissions) registers in ``ACCESS_CHANGED``, in the
same transaction: a withdrawal takes effect on the very next request.
"""

from apps.consent.services.common import (
    ACCESS_CHANGED,
    OVERRIDE_OPENED,
    OVERRIDE_REVIEWED,
    SAFEGUARDING_LEAD_ROLE,
    TASK_ACCESS_HELD,
    override_review_task_key,
)
from apps.consent.services.competence import competence_assess
from apps.consent.services.consents import consent_expiry_sweep, consent_record, consent_withdraw
from apps.consent.services.disclosure import disclosure_record, disclosures_record_listed
from apps.consent.services.objections import coordination_objection_end, coordination_objection_record
from apps.consent.services.overrides import (
    OVERRIDE_REVIEW_REFUSED,
    OVERRIDE_TOLD_REFUSED,
    safeguarding_override_check_may_record_told,
    safeguarding_override_check_may_review,
    safeguarding_override_concerned_organisations,
    safeguarding_override_open,
    safeguarding_override_review,
    safeguarding_override_young_person_told,
)
from apps.consent.services.reviews import (
    consent_review_complete,
    consent_review_schedule,
    consent_review_sweep,
    placement_change_review_schedule,
)
from apps.consent.services.withholding import parent_withholding_end, parent_withholding_record

__all__ = [
    "ACCESS_CHANGED",
    "OVERRIDE_OPENED",
    "OVERRIDE_REVIEWED",
    "OVERRIDE_REVIEW_REFUSED",
    "OVERRIDE_TOLD_REFUSED",
    "SAFEGUARDING_LEAD_ROLE",
    "TASK_ACCESS_HELD",
    "competence_assess",
    "consent_expiry_sweep",
    "consent_record",
    "consent_review_complete",
    "consent_review_schedule",
    "consent_review_sweep",
    "consent_withdraw",
    "coordination_objection_end",
    "coordination_objection_record",
    "disclosure_record",
    "disclosures_record_listed",
    "override_review_task_key",
    "parent_withholding_end",
    "parent_withholding_record",
    "placement_change_review_schedule",
    "safeguarding_override_check_may_record_told",
    "safeguarding_override_check_may_review",
    "safeguarding_override_concerned_organisations",
    "safeguarding_override_open",
    "safeguarding_override_review",
    "safeguarding_override_young_person_told",
]
