"""Identity you can trust and one record per child over the API (R2): the NHS number's verification, and
merging two records of one child (a preview first, then the merge, reversible within 30 days).
"""

import uuid
from typing import cast

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.caseload.children_api.common import CHILD_PUBLIC_ID, TAGS
from apps.caseload.children_api.serializers import ChildDetailOutputSerializer, _detail_response
from apps.children.merging import (
    REVERSIBLE_DAYS,
    child_merge,
    child_merge_preview,
    child_merge_reverse,
    merge_reversible_until,
    merges_of,
)
from apps.children.models import Child, ChildMerge, NhsNumberStatus
from apps.children.selectors import CHANGE
from apps.children.verification import child_nhs_number_status_record
from apps.core.api.fields import PersonReferenceSerializer
from apps.sharing.selectors import access_child, child_owned

MERGE_ID = OpenApiParameter(
    "merge_id",
    OpenApiTypes.UUID,
    OpenApiParameter.PATH,
    description="The public id of a merge into this record.",
)

# --- The NHS number's verification ----------------------------------------------------------------------


@extend_validation_errors(["invalid"], field_name="non_field_errors")
class ChildNhsNumberStatusApi(APIView):
    """Record whether the child's NHS number was verified against the national register (the Children's
    Wellbeing and Schools Act 2026 makes it the single identifier)."""

    class InputSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=NhsNumberStatus.choices)
        verified_on = serializers.DateField(
            required=False, allow_null=True, help_text="Needed when verified: today or earlier."
        )
        unavailable_reason = serializers.CharField(
            required=False, allow_blank=True, help_text="Needed when unavailable: the record holds no number."
        )

        class Meta:
            ref_name = "NhsNumberStatusInput"

    @extend_schema(
        operation_id="children_nhs_number_status_record",
        summary="Record the NHS number's verification",
        description=(
            "`verified` needs `verified_on` (today or earlier, not before the child's birth) and a number on "
            "the record; you are recorded as the person who verified it. `unavailable` needs "
            "`unavailable_reason` and no number on the record. Changing the number later makes it "
            "`unverified` again."
        ),
        tags=TAGS,
        parameters=[CHILD_PUBLIC_ID],
        request=InputSerializer,
        responses={200: ChildDetailOutputSerializer},
    )
    def post(self, request, public_id: str):
        child = access_child(request.user, public_id, perm=CHANGE, audit=False)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        child_nhs_number_status_record(actor=request.user, child=child, **serializer.validated_data)
        return _detail_response(child, viewer=request.user)


# --- Merging two records of one child ------------------------------------------------------------------


class MergePreviewOutputSerializer(serializers.Serializer):
    duplicate = serializers.UUIDField(source="duplicate.public_id")
    may_merge = serializers.BooleanField(help_text="False until every refusal is resolved.")
    moving = serializers.SerializerMethodField(
        help_text="What moves, for categories of information you see on both records."
    )
    moving_other = serializers.IntegerField(help_text="How many other items move.")
    settled = serializers.ListField(
        child=serializers.CharField(), help_text="Clashes the merge settles, and how."
    )
    refusals = serializers.ListField(
        child=serializers.CharField(), help_text="What to resolve before merging."
    )
    warnings = serializers.ListField(child=serializers.CharField(), help_text="What to check before merging.")

    class Meta:
        ref_name = "MergePreview"

    def get_moving(self, preview) -> list[dict[str, str | int]]:
        return [{"what": what, "count": count} for what, count in preview.moving]


class MergeOutputSerializer(serializers.Serializer):
    public_id = serializers.UUIDField()
    survivor = serializers.UUIDField(source="survivor.public_id")
    duplicate = serializers.UUIDField(
        source="duplicate.public_id", help_text="Now answers 409 `record_merged`, naming the survivor."
    )
    reason = serializers.CharField()
    merged_by = PersonReferenceSerializer()
    merged_at = serializers.DateTimeField()
    rows_moved = serializers.SerializerMethodField()
    reversible_until = serializers.SerializerMethodField()
    reversed_at = serializers.DateTimeField(allow_null=True)
    reversed_by = PersonReferenceSerializer(allow_null=True)
    reversal_reason = serializers.CharField()

    class Meta:
        ref_name = "Merge"

    def get_rows_moved(self, merge: ChildMerge) -> int:
        return sum(len(group["pks"]) for group in merge.moved)

    @extend_schema_field(OpenApiTypes.DATE)
    def get_reversible_until(self, merge: ChildMerge) -> str:
        return merge_reversible_until(merge).isoformat()


class DuplicateInputSerializer(serializers.Serializer):
    duplicate = serializers.UUIDField(help_text="The public id of the other record of the same child.")

    class Meta:
        ref_name = "MergeDuplicateInput"


def _duplicate(request, duplicate_id: uuid.UUID) -> Child:
    return access_child(request.user, duplicate_id, perm=CHANGE, audit=False)


class ChildMergePreviewApi(APIView):
    """What merging another record into this one would move, settle and refuse."""

    @extend_schema(
        operation_id="children_merges_preview",
        summary="Preview a merge of a duplicate record",
        description=(
            "Both records must be ones you can change (404 if one is not shared with you, 403 if you cannot "
            "change it). Nothing is written."
        ),
        tags=TAGS,
        parameters=[CHILD_PUBLIC_ID],
        request=DuplicateInputSerializer,
        responses={200: MergePreviewOutputSerializer},
    )
    def post(self, request, public_id: str):
        survivor = access_child(request.user, public_id, perm=CHANGE, audit=False)
        serializer = DuplicateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        duplicate = _duplicate(request, serializer.validated_data["duplicate"])
        if duplicate.pk == survivor.pk:
            raise serializers.ValidationError(
                {
                    "duplicate": [
                        "A record cannot be merged into itself. Choose the other record of this child."
                    ]
                }
            )
        preview = child_merge_preview(survivor=survivor, duplicate=duplicate)
        return Response(MergePreviewOutputSerializer(preview).data)


@extend_validation_errors(["invalid"], field_name="non_field_errors")
class ChildMergeCreateApi(APIView):
    """Merge a duplicate record into this one (R2)."""

    class InputSerializer(DuplicateInputSerializer):
        reason = serializers.CharField(
            help_text="How you know these are the same child. Recorded and audited."
        )

        class Meta:
            ref_name = "MergeInput"

    @extend_schema(
        operation_id="children_merges_create",
        summary="Merge a duplicate record into this one",
        description=(
            "Every row of the duplicate moves to this record in one transaction; the duplicate's id then "
            "answers 409 `record_merged` naming this record. Refused (400, nothing saved) for a record "
            "merged into itself, an already merged record, or anything the preview lists as a refusal. "
            f"Reversible for {REVERSIBLE_DAYS} days."
        ),
        tags=TAGS,
        parameters=[CHILD_PUBLIC_ID],
        request=InputSerializer,
        responses={201: MergeOutputSerializer},
    )
    def post(self, request, public_id: str):
        survivor = access_child(request.user, public_id, perm=CHANGE, audit=False)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        duplicate = _duplicate(request, serializer.validated_data["duplicate"])
        merge = child_merge(
            actor=request.user,
            survivor=survivor,
            duplicate=duplicate,
            reason=serializer.validated_data["reason"],
        )
        return Response(MergeOutputSerializer(merge).data, status=status.HTTP_201_CREATED)


@extend_validation_errors(["invalid"], field_name="non_field_errors")
class ChildMergeReverseApi(APIView):
    """Reverse a merge into this record, within the days allowed."""

    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(help_text="Why the merge was wrong. Recorded and audited.")

        class Meta:
            ref_name = "MergeReverseInput"

    @extend_schema(
        operation_id="children_merges_reverse",
        summary="Reverse a merge",
        description=(
            f"Within {REVERSIBLE_DAYS} days and once: everything the merge changed goes back (rows changed "
            "since are left as they are), and the duplicate is a record again. 400 after that, or twice."
        ),
        tags=TAGS,
        parameters=[CHILD_PUBLIC_ID, MERGE_ID],
        request=InputSerializer,
        responses={200: MergeOutputSerializer},
    )
    def post(self, request, public_id: str, merge_id: str):
        survivor = access_child(request.user, public_id, perm=CHANGE, audit=False)
        merge = cast(ChildMerge, child_owned(merges_of(child=survivor).filter(survivor=survivor), merge_id))
        merge.survivor = survivor  # With the access decision the service asks.
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        child_merge_reverse(actor=request.user, merge=merge, reason=serializer.validated_data["reason"])
        return Response(MergeOutputSerializer(merge).data)
