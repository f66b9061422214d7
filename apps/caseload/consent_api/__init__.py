"""Consent, competence, the safeguarding override and the disclosure log over the REST API (R71-R82).

Each view reads top to bottom: ``access_child`` (404 for a child not shared with the caller, 403 for a
write by someone who may only look), parse, call one service or selector, shape the answer. Every rule
(whose consent is valid, what a lawful basis is, who may review an override) is the services'; their
errors come back in the API's one error shape, naming the field to fix.

Moved up from apps/consent (URL names kept), as the pages were: the API asks the access decision, which
reads consent, so it sits above both.

``information/`` is the category-scoped read: every category is either the data or a "withheld" marker,
decided by the caller's permissions on the child, which follow consent (R72).
"""

from apps.caseload.consent_api.common import (
    CHILD_PUBLIC_ID,
    CONSENT_ID,
    OVERRIDE_ID,
    TAGS,
    IsProfessionalOrParentCarer,
)
from apps.caseload.consent_api.competence import CompetenceAssessmentListCreateApi
from apps.caseload.consent_api.consents import ConsentListCreateApi, ConsentWithdrawApi
from apps.caseload.consent_api.disclosure import DisclosureListApi
from apps.caseload.consent_api.objections import (
    OBJECTION_ID,
    CoordinationObjectionEndApi,
    CoordinationObjectionListCreateApi,
    CoordinationObjectionOutputSerializer,
)
from apps.caseload.consent_api.overrides import (
    SafeguardingOverrideCreateApi,
    SafeguardingOverrideReviewApi,
    SafeguardingOverrideToldApi,
)
from apps.caseload.consent_api.reviews import (
    REVIEW_ID,
    ConsentReviewCompleteApi,
    ConsentReviewListApi,
    ConsentReviewOutputSerializer,
)
from apps.caseload.consent_api.serializers import (
    CompetenceAssessmentOutputSerializer,
    ConsentOutputSerializer,
    DisclosureOutputSerializer,
    FamilyMemberReferenceSerializer,
    SafeguardingOverrideOutputSerializer,
)
from apps.caseload.consent_api.withholding import (
    WITHHOLDING_ID,
    ParentWithholdingEndApi,
    ParentWithholdingListCreateApi,
    ParentWithholdingOutputSerializer,
)

__all__ = [
    "CHILD_PUBLIC_ID",
    "CONSENT_ID",
    "OBJECTION_ID",
    "OVERRIDE_ID",
    "REVIEW_ID",
    "TAGS",
    "WITHHOLDING_ID",
    "CompetenceAssessmentListCreateApi",
    "CompetenceAssessmentOutputSerializer",
    "ConsentListCreateApi",
    "ConsentOutputSerializer",
    "ConsentReviewCompleteApi",
    "ConsentReviewListApi",
    "ConsentReviewOutputSerializer",
    "ConsentWithdrawApi",
    "CoordinationObjectionEndApi",
    "CoordinationObjectionListCreateApi",
    "CoordinationObjectionOutputSerializer",
    "DisclosureListApi",
    "DisclosureOutputSerializer",
    "FamilyMemberReferenceSerializer",
    "IsProfessionalOrParentCarer",
    "ParentWithholdingEndApi",
    "ParentWithholdingListCreateApi",
    "ParentWithholdingOutputSerializer",
    "SafeguardingOverrideCreateApi",
    "SafeguardingOverrideOutputSerializer",
    "SafeguardingOverrideReviewApi",
    "SafeguardingOverrideToldApi",
]
