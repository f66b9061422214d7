"""Browser pages for a child's consent register, competence, overrides, reviews and disclosure log.

Each view reads top to bottom: access -> form -> service -> redirect. The child always comes through
``access_child`` (404 if it does not exist or is not shared, 403 to change what is shared read-only). The
rules of consent belong to ``apps.consent.services``; these views only put its errors back on the form.

They moved up from apps/consent (URL namespace ``consent`` and templates kept): a consent page asks the access
decision (``apps.sharing``), which reads consent, so the pages sit above both, with the children's pages.
"""

from apps.caseload.consent_views.common import (
    BASIS_WORDS,
    DISCLOSURES_PAGE_SIZE,
    STATUS_COLOURS,
    category_labels,
)
from apps.caseload.consent_views.competence import competence_assess
from apps.caseload.consent_views.consents import consent_page, consent_record, consent_withdraw
from apps.caseload.consent_views.disclosure import disclosure_page
from apps.caseload.consent_views.my_information import my_information
from apps.caseload.consent_views.objections import coordination_objection_add, coordination_objection_end
from apps.caseload.consent_views.overrides import override_open, override_review, override_told
from apps.caseload.consent_views.reviews import consent_review_complete
from apps.caseload.consent_views.withholding import parent_withholding_add, parent_withholding_end

__all__ = [
    "BASIS_WORDS",
    "DISCLOSURES_PAGE_SIZE",
    "STATUS_COLOURS",
    "category_labels",
    "competence_assess",
    "consent_page",
    "consent_record",
    "consent_review_complete",
    "consent_withdraw",
    "coordination_objection_add",
    "coordination_objection_end",
    "disclosure_page",
    "my_information",
    "override_open",
    "override_review",
    "override_told",
    "parent_withholding_add",
    "parent_withholding_end",
]
