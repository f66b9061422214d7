"""The caseload endpoint (under /api/v1/): the children the caller leads, with what needs attention."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework import serializers
from rest_framework.generics import GenericAPIView

from apps.audit.models import AuditEvent
from apps.audit.services import audit_record_reads
from apps.caseload.children_api.serializers import ConsentGapOutputSerializer
from apps.caseload.selectors import CASELOAD_SORTS, caseload
from apps.children.models import SocialWorkInvolvement

# Listed under the same heading as before it moved here, so the API's documentation reads the same.
TAGS = ["Teams"]
CASELOAD_FILTERS = {
    "overdue": "with overdue actions",
    "flags": "with three or more current vulnerabilities",
    "meeting": "with a meeting planned",
    "missed": "with missed appointments in a row, or missed-appointment follow-ups for you to do",
    "waiting": "on a waiting list (where you may see their referrals)",
    "consent_gaps": "with a gap in their consent to look at (see `consent_gaps`)",
}


@extend_validation_errors(["invalid_choice"], field_name="sort", methods=["GET"])
@extend_validation_errors(["invalid_choice"], field_name="only", methods=["GET"])
class CaseloadListApi(GenericAPIView):
    """The children the caller is the lead professional for, with what needs their attention (R18)."""

    class QuerySerializer(serializers.Serializer):
        sort = serializers.ChoiceField(choices=list(CASELOAD_SORTS), required=False, default="name")
        only = serializers.ChoiceField(
            choices=list(CASELOAD_FILTERS), required=False, allow_blank=True, default=""
        )

        class Meta:
            ref_name = "CaseloadQuery"

    class OutputSerializer(serializers.Serializer):
        public_id = serializers.UUIDField(source="child.public_id")
        known_as = serializers.CharField(source="child.known_as")
        date_of_birth = serializers.DateField(source="child.date_of_birth")
        current_social_work_status = serializers.ChoiceField(
            source="child.current_social_work_status",
            choices=SocialWorkInvolvement.Status.choices,
            allow_null=True,
        )
        current_flag_count = serializers.IntegerField(
            source="child.current_flag_count", help_text="Current vulnerabilities."
        )
        overdue_action_count = serializers.IntegerField(source="child.overdue_action_count")
        next_meeting_at = serializers.DateTimeField(source="child.next_meeting_at", allow_null=True)
        turns_18_on = serializers.DateField(
            allow_null=True, help_text="The 18th birthday, when it is within two years: transition to plan."
        )
        missed_in_a_row = serializers.SerializerMethodField(
            help_text="Appointments missed since the last one attended; null without consent to see "
            "the appointments category."
        )
        open_follow_up_count = serializers.IntegerField(
            source="child.open_follow_up_count", help_text="Missed-appointment follow-ups for you to do."
        )
        overdue_follow_up_count = serializers.IntegerField(source="child.overdue_follow_up_count")
        waiting_since = serializers.SerializerMethodField(
            help_text="On a waiting list: when the referral was received, the start of the wait (R128); null "
            "when not waiting or without consent to see referrals."
        )
        needs_attention = serializers.BooleanField()
        consent_gaps = ConsentGapOutputSerializer(
            many=True,
            help_text="What in the child's consent needs looking at: ending soon, withdrawn, a parent's "
            "consent set aside until a review, a team member's organisation without consent, no competence "
            "assessment.",
        )

        class Meta:
            ref_name = "CaseloadRow"

        def get_missed_in_a_row(self, row) -> int | None:
            return (row.child.missed_in_a_row or 0) if row.child.can_see_appointments else None

        @extend_schema_field(serializers.DateTimeField(allow_null=True))
        def get_waiting_since(self, row):
            return row.child.waiting_since if row.child.can_see_referrals else None

    @extend_schema(
        operation_id="caseload_list",
        summary="List your caseload as lead professional",
        description="A fixed number of queries whatever the caseload size. Each child shown is recorded in "
        "the audit log.",
        tags=TAGS,
        parameters=[
            OpenApiParameter("sort", str, enum=list(CASELOAD_SORTS), description="Defaults to `name`."),
            OpenApiParameter(
                "only",
                str,
                enum=list(CASELOAD_FILTERS),
                description="Only children "
                + "; ".join(f"`{key}`: {words}" for key, words in CASELOAD_FILTERS.items()),
            ),
        ],
        responses={200: OutputSerializer(many=True)},
    )
    def get(self, request):
        query = self.QuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        rows = caseload(user=request.user, **query.validated_data)
        page = self.paginate_queryset(rows)
        audit_record_reads(
            actor=request.user,
            action=AuditEvent.Action.LIST,
            children=[row.child for row in page],
            detail={"list": "caseload"},
        )
        return self.get_paginated_response(self.OutputSerializer(page, many=True).data)
