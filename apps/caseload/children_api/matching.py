"""Finding an existing record before creating one: visible matches, and hidden ones only as a count."""

from drf_spectacular.utils import (
    PolymorphicProxySerializer,
    extend_schema,
)
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.caseload.children_api.common import TAGS
from apps.children.selectors import child_possible_matches
from apps.children.throttling import PossibleMatchThrottle

# --- Finding an existing record before creating one ---------------------------------------------------


class VisibleMatchOutputSerializer(serializers.Serializer):
    visible = serializers.BooleanField(help_text="True: this record is shared with you.")
    reason = serializers.CharField()
    needs_checking = serializers.BooleanField(
        help_text="True when it matched on an NHS number not yet verified against the national register: "
        "check the child's name and date of birth before relying on it."
    )
    public_id = serializers.UUIDField(source="child.public_id")
    known_as = serializers.CharField(source="child.known_as")


class HiddenMatchOutputSerializer(serializers.Serializer):
    visible = serializers.BooleanField(
        help_text="False: a record may exist but is not shared with you. At most one per reason, whatever "
        "the number of such records."
    )
    reason = serializers.CharField()
    needs_checking = serializers.BooleanField(
        help_text="True when it matched on an NHS number not yet verified against the national register."
    )
    next_step = serializers.CharField(
        help_text="What to do: ask for access to it (`POST /api/v1/access-requests/`), rather than creating "
        "a second record."
    )


def possible_matches_data(matches) -> list[dict]:
    """The matches as the API shows them: a shared record by its id and name; another only by its reason."""
    return [
        (VisibleMatchOutputSerializer if match.visible else HiddenMatchOutputSerializer)(match).data
        for match in matches
    ]


@extend_validation_errors(["not_enough_to_match"], field_name="non_field_errors")
class ChildPossibleMatchesApi(APIView):
    """Records that may already be this child, searched across all of Beacon (R2)."""

    # Per person, one counter with the browser's find page (BEACON_POSSIBLE_MATCH_RATE).
    throttle_classes = [PossibleMatchThrottle]

    class InputSerializer(serializers.Serializer):
        nhs_number = serializers.CharField(required=False, allow_blank=True)
        given_name = serializers.CharField(required=False, allow_blank=True)
        family_name = serializers.CharField(required=False, allow_blank=True)
        preferred_name = serializers.CharField(
            required=False, allow_blank=True, help_text="Also matched as a first name."
        )
        date_of_birth = serializers.DateField(required=False, allow_null=True)

        class Meta:
            ref_name = "PossibleMatchesInput"

        def validate(self, data: dict) -> dict:
            has_nhs_number = bool(data.get("nhs_number", "").strip())
            has_name_and_birth = all(
                data.get(name) for name in ("given_name", "family_name", "date_of_birth")
            )
            if not (has_nhs_number or has_name_and_birth):
                raise serializers.ValidationError(
                    "Give an NHS number, or a first name, last name and date of birth.",
                    code="not_enough_to_match",
                )
            return data

    @extend_schema(
        operation_id="children_possible_matches",
        summary="Find records that may already be this child",
        description=(
            "Matches on the same NHS number (one not yet verified is reported as such), or the same date of "
            "birth and last name with a first name that is the legal or preferred name on either side, or "
            "with the first and last names swapped. A record "
            "not shared with you shows only that one may exist, why it matched, and what to do next: never "
            "who the child is or which organisation holds the record. Every check is audited, and each "
            "person may make a limited number (429 beyond it, shared with the website)."
        ),
        tags=TAGS,
        request=InputSerializer,
        responses={
            200: PolymorphicProxySerializer(
                component_name="PossibleMatch",
                serializers=[VisibleMatchOutputSerializer, HiddenMatchOutputSerializer],
                resource_type_field_name=None,
                many=True,
            )
        },
    )
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        matches = child_possible_matches(user=request.user, **serializer.validated_data)
        return Response(possible_matches_data(matches))
