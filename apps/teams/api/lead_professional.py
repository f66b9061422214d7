"""The lead professional and the trusted worker over the API: appointing a lead and handing either role
over.
"""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.children.selectors import CHANGE
from apps.core.exceptions import ApplicationError
from apps.sharing.access import ChildAccess
from apps.sharing.selectors import access_child
from apps.teams.api.common import CHILD_PUBLIC_ID, TAGS, _membership_field
from apps.teams.api.serializers import (
    HandoverOutputSerializer,
    LeadProfessionalOutputSerializer,
    free_text_context,
)
from apps.teams.models import Action, Handover, LeadProfessionalAppointment
from apps.teams.selectors import current_lead_appointment
from apps.teams.services import (
    lead_professional_appoint,
    lead_professional_hand_over,
    trusted_worker_hand_over,
)

# --- The lead professional and handovers -----------------------------------------------------------


class HandoverInputSerializer(serializers.Serializer):
    # Optional here so that the service, which checks all three together, gives its own clear messages.
    successor = _membership_field(
        required=False,
        allow_null=True,
        default=None,
        help_text="The membership id of the professional taking over. Required.",
    )
    note = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="What the successor needs to know. Required."
    )
    overlap_until = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="An optional overlap, ending today or later."
    )

    class Meta:
        ref_name = "HandoverInput"


def _handover_response(handover: Handover, access: ChildAccess) -> Response:
    handover = (
        Handover.objects.select_related("from_membership__user", "to_membership__user")
        .prefetch_related(
            Prefetch("actions", queryset=Action.objects.select_related("owner", "meeting", "handover"))
        )
        .get(pk=handover.pk)
    )
    data = HandoverOutputSerializer(handover, context=free_text_context(access)).data
    return Response(data, status=status.HTTP_201_CREATED)


class LeadProfessionalAppointApi(APIView):
    """Appoint the child's one lead professional, from any agency, with how they were appointed (R16, R17)."""

    class InputSerializer(serializers.Serializer):
        membership = _membership_field(help_text="The membership id of a professional in this child's team.")
        route = serializers.ChoiceField(choices=LeadProfessionalAppointment.Route.choices)
        started_on = serializers.DateField(required=False, allow_null=True, help_text="Defaults to today.")

        class Meta:
            ref_name = "LeadProfessionalAppointInput"

    @extend_schema(
        operation_id="children_lead_professional_appoint",
        summary="Appoint the lead professional",
        description=(
            "A child has exactly one lead professional. If they already have one, this is a 400 naming "
            "`membership`: keep them, or hand over. Offer the members in the team's `offered_first_as_lead` "
            "first."
        ),
        tags=TAGS,
        parameters=[CHILD_PUBLIC_ID],
        request=InputSerializer,
        responses={201: LeadProfessionalOutputSerializer},
    )
    def post(self, request, public_id: str):
        child = access_child(request.user, public_id, perm=CHANGE, audit=False)
        serializer = self.InputSerializer(data=request.data, context={"child": child})
        serializer.is_valid(raise_exception=True)
        appointment = lead_professional_appoint(actor=request.user, **serializer.validated_data)
        return Response(LeadProfessionalOutputSerializer(appointment).data, status=status.HTTP_201_CREATED)


@extend_validation_errors(["invalid"], field_name="non_field_errors")
class LeadProfessionalHandOverApi(APIView):
    """The lead professional hands over to a named successor with a note and an optional overlap (R24)."""

    @extend_schema(
        operation_id="children_lead_professional_hand_over",
        summary="Hand the lead professional role over",
        description=(
            "Needs a successor in the team, a handover note and optionally an overlap. The successor is "
            "given a task to tell the young person and family in person."
        ),
        tags=TAGS,
        parameters=[CHILD_PUBLIC_ID],
        request=HandoverInputSerializer,
        responses={201: HandoverOutputSerializer},
    )
    def post(self, request, public_id: str):
        child = access_child(request.user, public_id, perm=CHANGE, audit=False)
        serializer = HandoverInputSerializer(data=request.data, context={"child": child})
        serializer.is_valid(raise_exception=True)
        appointment = current_lead_appointment(child=child)
        if appointment is None:
            raise ApplicationError(
                "This child has no lead professional to hand over from: appoint one instead."
            )
        handover = lead_professional_hand_over(
            actor=request.user, appointment=appointment, **serializer.validated_data
        )
        return _handover_response(handover, child.access)


@extend_validation_errors(["invalid"], field_name="non_field_errors")
class TrustedWorkerHandOverApi(APIView):
    """The young person's trusted worker hands over to a named successor (R24)."""

    @extend_schema(
        operation_id="children_trusted_worker_hand_over",
        summary="Hand the trusted worker role over",
        description="The successor becomes the trusted worker, with direct contact, and a task to meet them.",
        tags=TAGS,
        parameters=[CHILD_PUBLIC_ID],
        request=HandoverInputSerializer,
        responses={201: HandoverOutputSerializer},
    )
    def post(self, request, public_id: str):
        child = access_child(request.user, public_id, perm=CHANGE, audit=False)
        serializer = HandoverInputSerializer(data=request.data, context={"child": child})
        serializer.is_valid(raise_exception=True)
        outgoing = (
            child.team_memberships.current().filter(is_trusted_worker=True).select_related("user").first()
        )
        if outgoing is None:
            raise ApplicationError("This child has no trusted worker to hand over from.")
        handover = trusted_worker_hand_over(
            actor=request.user, outgoing=outgoing, **serializer.validated_data
        )
        return _handover_response(handover, child.access)
