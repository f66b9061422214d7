"""What the consent endpoints share: the schema's tag and path parameters, a lookup through the child,
and the permission ``information/`` uses.
"""

import uuid

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.permissions import IsAuthenticated

TAGS = ["Consent"]
CHILD_PUBLIC_ID = OpenApiParameter(
    "public_id",
    OpenApiTypes.UUID,
    OpenApiParameter.PATH,
    description="The child's public id. A child not shared with you is a 404, as if it did not exist.",
)
CONSENT_ID = OpenApiParameter("consent_id", OpenApiTypes.UUID, OpenApiParameter.PATH)
OVERRIDE_ID = OpenApiParameter("override_id", OpenApiTypes.UUID, OpenApiParameter.PATH)


def _get_through_child(queryset: QuerySet, public_id: str):
    """One of the child's own records by public id; a malformed id and another child's record are both 404."""
    try:
        public_id = uuid.UUID(str(public_id))
    except ValueError:
        raise Http404("Not found") from None
    found = queryset.filter(public_id=public_id).first()
    if found is None:
        raise Http404("Not found")
    return found


class IsProfessionalOrParentCarer(IsAuthenticated):
    """Signed in as a professional, or as a parent or carer a consent names (for ``information/``)."""

    message = "Sign in as a professional, or as a parent or carer, to use this part of the API."

    def has_permission(self, request, view) -> bool:
        user = request.user
        return super().has_permission(request, view) and (user.is_professional or user.is_parent_or_carer)
