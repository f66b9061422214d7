"""What the passport's endpoints share: the schema's tags and path parameters, who may call the owner's
endpoints, and lookups that answer 404.
"""

import uuid

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import permissions
from rest_framework.views import APIView

from apps.passport.models import Passport, Section
from apps.passport.selectors import passport_for_owner

TAGS = ["Passport"]
OWNER_TAGS = ["My passport"]
CHILD_PUBLIC_ID = OpenApiParameter(
    "public_id",
    OpenApiTypes.UUID,
    OpenApiParameter.PATH,
    description="The young person's public id. A passport you may not open is a 404, as if it did not exist.",
)
PASSPORT_ID = OpenApiParameter(
    "passport_id",
    OpenApiTypes.UUID,
    OpenApiParameter.PATH,
    description="The public id of a passport you own. Anyone else's passport is a 404.",
)
SECTION = OpenApiParameter(
    "section", OpenApiTypes.STR, OpenApiParameter.PATH, enum=Section.values, description="The section."
)
PROPOSAL_ID = OpenApiParameter("proposal_id", OpenApiTypes.UUID, OpenApiParameter.PATH)
SHARE_ID = OpenApiParameter("share_id", OpenApiTypes.UUID, OpenApiParameter.PATH)


class IsSignedIn(permissions.IsAuthenticated):
    """Anyone signed in: the owner's endpoints then find only passports the caller owns."""

    message = "Sign in to Beacon to see your passport."


def _one(queryset, value):
    """One record by public id; a malformed id and someone else's record are both 404."""
    try:
        value = uuid.UUID(str(value))
    except ValueError:
        raise Http404("Not found") from None
    found = queryset.filter(public_id=value).first()
    if found is None:
        raise Http404("Not found")
    return found


def _section_or_404(section: str) -> str:
    if section not in Section.values:
        raise Http404("No such section")
    return section


# --- The owner ------------------------------------------------------------------------------------------


class OwnerApi(APIView):
    permission_classes = [IsSignedIn]

    def passport(self, request, passport_id) -> Passport:
        return passport_for_owner(user=request.user, public_id=passport_id)
