"""The single point of access and the waiting list over the API: the triage queue, the waiting list,
and contacts while waiting.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.referrals import selectors, services
from apps.referrals.api.common import CHILD_PUBLIC_ID, ENTRY_ID, TAGS
from apps.referrals.api.serializers import (
    ReferralOutputSerializer,
    WaitingContactOutputSerializer,
    WaitingEntryOutputSerializer,
)
from apps.referrals.models import WaitingContact

# --- The single point of access and the waiting list ----------------------------------------------------


class TriageQueueApi(GenericAPIView):
    @extend_schema(
        operation_id="referrals_queue",
        summary="The triage queue of the services you work at, risk first (R34, R38)",
        description="Paged; each child on the page returned is recorded in the audit log.",
        tags=TAGS,
        responses={200: ReferralOutputSerializer(many=True)},
    )
    def get(self, request):
        page = self.paginate_queryset(selectors.triage_queue(user=request.user, whole=True)) or []
        selectors.work_list_audit(
            user=request.user,
            children=[referral.child for referral in page],
            basis="single point of access queue",
        )
        return self.get_paginated_response(ReferralOutputSerializer(page, many=True).data)


class WaitingListApi(GenericAPIView):
    @extend_schema(
        operation_id="referrals_waiting_list",
        summary="Children waiting at the services you work at, next contact due first (R63-R65)",
        description="Paged; each child on the page returned is recorded in the audit log.",
        tags=TAGS,
        parameters=[
            OpenApiParameter(
                "due", OpenApiTypes.BOOL, description="true: only contacts due today or overdue."
            )
        ],
        responses={200: WaitingEntryOutputSerializer(many=True)},
    )
    def get(self, request):
        only_due = request.query_params.get("due", "").lower() in {"true", "1", "yes"}
        page = self.paginate_queryset(selectors.waiting_list(user=request.user, only_due=only_due)) or []
        rows = selectors.waiting_list_rows(user=request.user, entries=page)
        return self.get_paginated_response(
            WaitingEntryOutputSerializer([row.entry for row in rows], many=True).data
        )


class WaitingContactListCreateApi(APIView):
    class InputSerializer(serializers.Serializer):
        method = serializers.ChoiceField(choices=WaitingContact.Method.choices)
        spoke_with = serializers.CharField(allow_blank=True)
        contacted_at = serializers.DateTimeField()
        explained_service = serializers.BooleanField(
            help_text="Explained what the service offers, its role and what it will ask (the first contact)."
        )
        risk_check = serializers.ChoiceField(choices=WaitingContact.RiskCheck.choices)
        signposting = serializers.CharField(allow_blank=True)
        note = serializers.CharField(required=False, allow_blank=True, default="")

        class Meta:
            ref_name = "WaitingContactInput"

    @extend_schema(
        operation_id="children_waiting_contacts_list",
        summary="Contacts with the child while they wait",
        tags=TAGS,
        parameters=[CHILD_PUBLIC_ID, ENTRY_ID],
        responses={200: WaitingContactOutputSerializer(many=True)},
    )
    def get(self, request, public_id: str, entry_id: str):
        _, entry = selectors.access_waiting_entry(request.user, public_id, entry_id)
        return Response(
            WaitingContactOutputSerializer(selectors.waiting_contacts(entry=entry), many=True).data
        )

    @extend_schema(
        operation_id="children_waiting_contacts_create",
        summary="Record a waiting contact with its risk check and signposting (R64, R65)",
        description="'worse' flags the referral for urgent re-triage and tells the lead professional.",
        tags=TAGS,
        parameters=[CHILD_PUBLIC_ID, ENTRY_ID],
        request=InputSerializer,
        responses={201: WaitingContactOutputSerializer},
    )
    def post(self, request, public_id: str, entry_id: str):
        _, entry = selectors.access_waiting_entry(request.user, public_id, entry_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        contact = services.waiting_contact_record(
            actor=request.user, entry=entry, **serializer.validated_data
        )
        return Response(WaitingContactOutputSerializer(contact).data, status=status.HTTP_201_CREATED)
