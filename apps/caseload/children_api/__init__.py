"""The children's records over the REST API: parse the request, call a selector or service, shape the answer.

Every rule (who may see or change a record, what a valid NHS number is, which identifiers clash) lives in
``selectors.py`` and ``services.py``; the serializers here only parse input and shape output. Errors the
services raise come back in the API's one error shape (``apps.core.api.errors``), naming the field.

Moved up from apps/children (URL names kept) with the children's pages: it asks the access decision, which
sits above the record. The output shape other apps' APIs share stays beneath them
(``apps.children.serializers``).
"""

from apps.caseload.children_api.additions import (
    ChildFamilyMemberCreateApi,
    ChildIdentifierCreateApi,
    ChildSocialWorkStatusCreateApi,
    ChildVulnerabilityCreateApi,
    VulnerabilityTypeListApi,
)
from apps.caseload.children_api.characteristics import ChildProtectedCharacteristicsApi
from apps.caseload.children_api.common import CHILD_PUBLIC_ID, TAGS
from apps.caseload.children_api.matching import (
    ChildPossibleMatchesApi,
    HiddenMatchOutputSerializer,
    VisibleMatchOutputSerializer,
)
from apps.caseload.children_api.records import ChildViewSet
from apps.caseload.children_api.serializers import (
    ChildDetailOutputSerializer,
    ChildFieldsInputSerializer,
    ChildIdentifierOutputSerializer,
    FamilyMemberOutputSerializer,
    IdentifierInputSerializer,
    SocialWorkPeriodOutputSerializer,
    VulnerabilityOutputSerializer,
    VulnerabilityTypeOutputSerializer,
    child_detail_data,
)

__all__ = [
    "CHILD_PUBLIC_ID",
    "TAGS",
    "ChildDetailOutputSerializer",
    "ChildFamilyMemberCreateApi",
    "ChildFieldsInputSerializer",
    "ChildIdentifierCreateApi",
    "ChildIdentifierOutputSerializer",
    "ChildPossibleMatchesApi",
    "ChildProtectedCharacteristicsApi",
    "ChildSocialWorkStatusCreateApi",
    "ChildViewSet",
    "ChildVulnerabilityCreateApi",
    "FamilyMemberOutputSerializer",
    "HiddenMatchOutputSerializer",
    "IdentifierInputSerializer",
    "SocialWorkPeriodOutputSerializer",
    "VisibleMatchOutputSerializer",
    "VulnerabilityOutputSerializer",
    "VulnerabilityTypeListApi",
    "VulnerabilityTypeOutputSerializer",
    "child_detail_data",
]
