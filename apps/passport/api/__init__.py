"""The young person's passport over the REST API (R83-R89).

Two audiences:
- professionals and partner agencies (a token, as for the rest of the API), under
  ``/api/v1/children/<public_id>/passport/``: read the sections the young person shares with them, start
  a passport with the young person, and propose changes. A child they may not see and a passport they
  may not open are both 404; a section not shared with them comes back as ``shared: false`` with no text.
- the owner (the young person, or a parent or carer for a young child), under ``/api/v1/my/passports/``,
  signed in with their Beacon session (young people get no API tokens): read and write their own
  sections, accept or reject proposals, share and revoke, preview what someone will see, move the
  passport to a new team, see who read it, and delete it. Anyone else's passport is a 404.

Each view reads top to bottom: find (through the owner or the access check), parse, call one service or
selector, shape the answer. Every rule lives in ``apps.passport.services``.
"""

from apps.passport.api.common import (
    CHILD_PUBLIC_ID,
    OWNER_TAGS,
    PASSPORT_ID,
    PROPOSAL_ID,
    SECTION,
    SHARE_ID,
    TAGS,
    IsSignedIn,
    OwnerApi,
)
from apps.passport.api.my_passport import (
    MyPassportApi,
    MyPassportDeleteApi,
    MyPassportListApi,
    MyPassportPreviewApi,
    MyPassportReadsApi,
    MyPassportSectionApi,
)
from apps.passport.api.my_proposals import (
    MyPassportProposalAcceptApi,
    MyPassportProposalListApi,
    MyPassportProposalRejectApi,
)
from apps.passport.api.my_sharing import (
    MyPassportHandOverApi,
    MyPassportMoveApi,
    MyPassportShareListApi,
    MyPassportShareRevokeApi,
)
from apps.passport.api.professionals import (
    ChildPassportApi,
    ChildPassportProposalsApi,
    ChildPassportProposalWithdrawApi,
    PassportsSharedWithMeApi,
    SharedPassportOutputSerializer,
)
from apps.passport.api.serializers import (
    ChildReferenceSerializer,
    PassportOutputSerializer,
    ProposalOutputSerializer,
    ReadOutputSerializer,
    SectionOutputSerializer,
    ShareOutputSerializer,
    VersionOutputSerializer,
)

__all__ = [
    "CHILD_PUBLIC_ID",
    "OWNER_TAGS",
    "PASSPORT_ID",
    "PROPOSAL_ID",
    "SECTION",
    "SHARE_ID",
    "TAGS",
    "ChildPassportApi",
    "ChildPassportProposalWithdrawApi",
    "ChildPassportProposalsApi",
    "ChildReferenceSerializer",
    "IsSignedIn",
    "MyPassportApi",
    "MyPassportDeleteApi",
    "MyPassportHandOverApi",
    "MyPassportListApi",
    "MyPassportMoveApi",
    "MyPassportPreviewApi",
    "MyPassportProposalAcceptApi",
    "MyPassportProposalListApi",
    "MyPassportProposalRejectApi",
    "MyPassportReadsApi",
    "MyPassportSectionApi",
    "MyPassportShareListApi",
    "MyPassportShareRevokeApi",
    "OwnerApi",
    "PassportOutputSerializer",
    "PassportsSharedWithMeApi",
    "ProposalOutputSerializer",
    "ReadOutputSerializer",
    "SectionOutputSerializer",
    "ShareOutputSerializer",
    "SharedPassportOutputSerializer",
    "VersionOutputSerializer",
]
