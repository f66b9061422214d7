"""What the referral endpoints share: the schema's tag and path parameters, and looking a referral up
through its child.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.fields import empty

from apps.accounts.models import Organisation
from apps.children.models import Child
from apps.core.exceptions import NotPermitted
from apps.referrals import selectors
from apps.referrals.models import Referral

TAGS = ["Referrals"]
CHILD_PUBLIC_ID = OpenApiParameter(
    "public_id",
    OpenApiTypes.UUID,
    OpenApiParameter.PATH,
    description="The child's public id. A child not shared with you is a 404, as if it did not exist.",
)
REFERRAL_ID = OpenApiParameter("referral_id", OpenApiTypes.UUID, OpenApiParameter.PATH)
CONSULTATION_ID = OpenApiParameter("consultation_id", OpenApiTypes.UUID, OpenApiParameter.PATH)
ENTRY_ID = OpenApiParameter("entry_id", OpenApiTypes.UUID, OpenApiParameter.PATH)


def _organisations():
    return Organisation.objects.filter(is_active=True)


# --- Referrals ------------------------------------------------------------------------------------


def _referral(request, public_id: str, referral_id: str) -> tuple[Child, Referral]:
    return selectors.access_referral(request.user, public_id, referral_id)


def _decider_only(request, referral: Referral) -> None:
    if not selectors.can_decide(user=request.user, referral=referral):
        raise NotPermitted("Only staff of the service receiving this referral can do this.")


def _fresh(referral: Referral) -> Referral:
    return selectors.referral_refetch(referral=referral)


def parsed_fields(serializer: serializers.Serializer) -> dict:
    """The answers of an invalid input that did parse, field by field (a missing optional one gives its
    default), so the service can say what else is wrong in the same response."""
    values = {}
    for name, field in serializer.fields.items():
        if name in serializer.errors or field.read_only:
            continue
        try:
            values[name] = field.run_validation(serializer.initial_data.get(name, empty))
        except (serializers.ValidationError, serializers.SkipField):
            continue
    return values
