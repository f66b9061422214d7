"""Appointments, outcomes and missed-appointment follow-ups over the REST API (under /api/v1/).

Each view reads top to bottom: ``access_child`` (404 for a child not shared with the caller; 403 for a
write by someone who may only look, or a read without consent for the appointments category), then
anything named in the path is looked up *through that child*. Every rule (no outcome before the
appointment, a correction needs its reason, a follow-up needs its answers) is the services'.
"""

from typing import cast

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.models import User
from apps.appointments.models import Appointment, FollowUpAttempt, MissedAppointmentFollowUp
from apps.appointments.selectors import appointments_visible, follow_ups_assigned, follow_ups_visible
from apps.appointments.services import (
    appointment_book,
    appointment_check_may_record,
    appointment_outcome_record,
    follow_up_attempt_record,
    follow_up_check_may_complete,
    follow_up_complete,
)
from apps.audit.models import AuditEvent
from apps.audit.services import audit_record_reads
from apps.children.categories import RECORD_APPOINTMENTS, Category
from apps.children.selectors import VIEW
from apps.core.api.fields import (
    ChildScopedPublicIdField,
    EventDateTimeField,
    NameField,
    PersonReferenceSerializer,
    PublicIdRelatedField,
)
from apps.sharing.selectors import access_child, child_owned

TAGS = ["Appointments"]
FollowUp = MissedAppointmentFollowUp
CHILD_PUBLIC_ID = OpenApiParameter(
    "public_id",
    OpenApiTypes.UUID,
    OpenApiParameter.PATH,
    description="The child's public id. A child not shared with you is a 404, as if it did not exist.",
)
APPOINTMENT_ID = OpenApiParameter("appointment_id", OpenApiTypes.UUID, OpenApiParameter.PATH)
FOLLOW_UP_ID = OpenApiParameter("follow_up_id", OpenApiTypes.UUID, OpenApiParameter.PATH)


class FollowUpAttemptOutputSerializer(serializers.Serializer):
    public_id = serializers.UUIDField()
    number = serializers.IntegerField(help_text="1 for the first try, 2 for the second.")
    method = serializers.ChoiceField(choices=FollowUpAttempt.Method.choices)
    what_was_tried = serializers.CharField()
    tried_at = serializers.DateTimeField()
    due_again_on = serializers.DateField(help_text="The follow-up's new due date, in working days.")
    recorded_by = PersonReferenceSerializer()

    class Meta:
        ref_name = "FollowUpAttempt"


class FollowUpOutputSerializer(serializers.Serializer):
    public_id = serializers.UUIDField()
    child = serializers.UUIDField(source="child.public_id")
    appointment = serializers.UUIDField(source="appointment.public_id")
    assigned_to = PersonReferenceSerializer()
    assigned_as = serializers.ChoiceField(choices=FollowUp.AssignedAs.choices)
    due_on = serializers.DateField(help_text="In working days from the missed appointment's recording.")
    status = serializers.ChoiceField(choices=FollowUp.Status.choices)
    is_overdue = serializers.BooleanField(help_text="Still to do, and due before today (Europe/London).")
    missed_in_a_row = serializers.IntegerField()
    escalated_at = serializers.DateTimeField(
        allow_null=True, help_text="When the safeguarding lead was told."
    )
    escalation_reason = serializers.CharField()
    reason = serializers.CharField(help_text="Why it was missed (a code), once completed.")
    reason_detail = serializers.CharField()
    child_safe = serializers.BooleanField(allow_null=True)
    safety_check = serializers.CharField()
    safety_note = serializers.CharField()
    alternative = serializers.CharField()
    alternative_detail = serializers.CharField()
    completed_at = serializers.DateTimeField(allow_null=True)
    attempts = FollowUpAttemptOutputSerializer(
        source="attempts.all", many=True, help_text="Tries that did not reach the young person or family."
    )

    class Meta:
        ref_name = "MissedAppointmentFollowUp"


class AppointmentOutputSerializer(serializers.Serializer):
    public_id = serializers.UUIDField()
    professional = PersonReferenceSerializer()
    purpose = serializers.CharField()
    starts_at = serializers.DateTimeField()
    duration_minutes = serializers.IntegerField()
    location = serializers.ChoiceField(choices=Appointment.Location.choices)
    location_detail = serializers.CharField()
    chosen_by_young_person = serializers.BooleanField()
    companion = serializers.CharField(help_text="Who the young person wants with them (a code), or empty.")
    companion_name = serializers.CharField()
    companion_wish_met = serializers.BooleanField(allow_null=True)
    companion_wish_not_met_reason = serializers.CharField()
    practical_support = serializers.ListField(child=serializers.CharField())
    practical_support_taken_up = serializers.BooleanField(allow_null=True)
    referral = serializers.UUIDField(source="referral.public_id", allow_null=True)
    outcome = serializers.CharField(help_text="Empty until recorded.")
    outcome_note = serializers.CharField()
    outcome_recorded_at = serializers.DateTimeField(allow_null=True)
    previous_outcome = serializers.CharField(help_text="What a correction replaced.")
    outcome_correction_reason = serializers.CharField()
    did_not_attend_reason = serializers.CharField(
        help_text="For a child under the 'was not brought' age: why 'did not attend' was their own choice."
    )
    direct_contact_acknowledged = serializers.BooleanField(
        help_text="A supporting member of a team around the worker was booked to see the young person."
    )
    direct_contact_reason = serializers.CharField()

    class Meta:
        ref_name = "Appointment"


def _appointment_out(appointment: Appointment) -> dict:
    return AppointmentOutputSerializer(appointment).data


class AppointmentListCreateApi(GenericAPIView):
    """The child's appointments (the appointments category), and booking a new one."""

    class InputSerializer(serializers.Serializer):
        professional = PublicIdRelatedField(
            what="professional",
            queryset=User.objects.filter(kind=User.Kind.PROFESSIONAL, is_active=True),
            help_text="The user id of the professional the young person will see.",
        )
        purpose = serializers.CharField(allow_blank=True)
        starts_at = EventDateTimeField()
        duration_minutes = serializers.IntegerField(required=False, default=50)
        location = serializers.ChoiceField(choices=Appointment.Location.choices)
        location_detail = serializers.CharField(required=False, allow_blank=True, default="")
        chosen_by_young_person = serializers.BooleanField(required=False, default=False)
        companion = serializers.ChoiceField(
            choices=Appointment.Companion.choices, required=False, allow_blank=True, default=""
        )
        companion_name = NameField(required=False, allow_blank=True, default="")
        practical_support = serializers.ListField(
            child=serializers.ChoiceField(choices=Appointment.PracticalSupport.choices),
            required=False,
            default=list,
        )
        referral = ChildScopedPublicIdField(
            what="referral",
            scope=lambda child: child.referrals.all(),
            required=False,
            allow_null=True,
            default=None,
            help_text="One of this child's referrals, if the appointment is part of one.",
        )
        direct_contact_acknowledged = serializers.BooleanField(
            required=False,
            default=False,
            help_text=(
                "Required (true) when the professional is a supporting member of a team around the worker "
                "(R20): the young person named a trusted worker, and this books another worker to see them. "
                "A booking without it is refused with the warning, naming this field."
            ),
        )
        direct_contact_reason = serializers.CharField(
            required=False,
            allow_blank=True,
            default="",
            help_text="Required with `direct_contact_acknowledged`: why this member sees the young person.",
        )

        class Meta:
            ref_name = "AppointmentInput"

    @extend_schema(
        operation_id="children_appointments_list",
        summary="List the child's appointments",
        description=(
            "All the child's appointments for those who see the appointments category (the lead "
            "professional, a service that accepted a referral, consent or an override); for another "
            "professional who may see "
            "the child, only the appointments they hold or booked."
        ),
        tags=TAGS,
        parameters=[CHILD_PUBLIC_ID],
        responses={200: AppointmentOutputSerializer(many=True)},
    )
    def get(self, request, public_id: str):
        child = access_child(request.user, public_id, perm=VIEW)
        if not request.user.is_professional:
            child.access.require(Category.APPOINTMENTS)
        page = self.paginate_queryset(appointments_visible(child=child, access=child.access))
        return self.get_paginated_response(AppointmentOutputSerializer(page, many=True).data)

    @extend_schema(
        operation_id="children_appointments_create",
        summary="Book an appointment",
        description="Where the young person chooses, with who they want there and any practical help.",
        tags=TAGS,
        parameters=[CHILD_PUBLIC_ID],
        request=InputSerializer,
        responses={201: AppointmentOutputSerializer},
    )
    def post(self, request, public_id: str):
        child = access_child(request.user, public_id, perm=RECORD_APPOINTMENTS, audit=False)
        serializer = self.InputSerializer(data=request.data, context={"child": child})
        serializer.is_valid(raise_exception=True)
        appointment = appointment_book(actor=request.user, child=child, **serializer.validated_data)
        headers = {
            "Location": reverse("appointments-api:appointment", args=[child.public_id, appointment.public_id])
        }
        return Response(_appointment_out(appointment), status=status.HTTP_201_CREATED, headers=headers)


class AppointmentDetailApi(APIView):
    @extend_schema(
        operation_id="children_appointments_retrieve",
        summary="Read an appointment",
        tags=TAGS,
        parameters=[CHILD_PUBLIC_ID, APPOINTMENT_ID],
        responses={200: AppointmentOutputSerializer},
    )
    def get(self, request, public_id: str, appointment_id: str):
        child = access_child(request.user, public_id, perm=VIEW)
        appointment = child_owned(appointments_visible(child=child, access=child.access), appointment_id)
        return Response(_appointment_out(appointment))


class AppointmentOutcomeApi(APIView):
    """Record what happened. A missed appointment creates its follow-up in the same transaction."""

    class InputSerializer(serializers.Serializer):
        outcome = serializers.ChoiceField(
            choices=Appointment.Outcome.choices,
            help_text=(
                "`did_not_attend`: a young person deciding for themselves; `was_not_brought`: a child who "
                "depends on an adult to bring them. Only a cancellation may be recorded before the start."
            ),
        )
        note = serializers.CharField(required=False, allow_blank=True, default="")
        correction_reason = serializers.CharField(
            required=False,
            allow_blank=True,
            default="",
            help_text="Required when an outcome is already recorded: why that one was wrong.",
        )
        companion_wish_met = serializers.BooleanField(required=False, allow_null=True, default=None)
        companion_wish_not_met_reason = serializers.CharField(required=False, allow_blank=True, default="")
        practical_support_taken_up = serializers.BooleanField(required=False, allow_null=True, default=None)
        did_not_attend_reason = serializers.CharField(
            required=False,
            allow_blank=True,
            default="",
            help_text=(
                "Required for `did_not_attend` when the child was under the 'was not brought' age "
                "(BEACON_WAS_NOT_BROUGHT_UNDER_AGE, 12 by default) on the appointment's day: why missing "
                "it was their own choice and not an adult not bringing them."
            ),
        )

        class Meta:
            ref_name = "AppointmentOutcomeInput"

    class OutputSerializer(AppointmentOutputSerializer):
        follow_up = FollowUpOutputSerializer(allow_null=True, help_text="The follow-up, for a missed one.")

        class Meta:
            ref_name = "AppointmentWithFollowUp"

    @extend_schema(
        operation_id="children_appointments_outcome",
        summary="Record the outcome of an appointment",
        tags=TAGS,
        parameters=[CHILD_PUBLIC_ID, APPOINTMENT_ID],
        request=InputSerializer,
        responses={200: OutputSerializer},
    )
    def post(self, request, public_id: str, appointment_id: str):
        # The professional the young person was to see, or someone who may change the record.
        child = access_child(request.user, public_id, perm=VIEW, audit=False)
        appointment = child_owned(appointments_visible(child=child, access=child.access), appointment_id)
        appointment_check_may_record(actor=request.user, appointment=appointment)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        appointment = appointment_outcome_record(
            actor=request.user, appointment=appointment, **serializer.validated_data
        )
        appointment.follow_up = (
            appointment.follow_ups.exclude(status=FollowUp.Status.WITHDRAWN)
            .select_related("assigned_to", "child", "appointment")
            .first()
        )
        return Response(self.OutputSerializer(appointment).data)


class FollowUpListApi(GenericAPIView):
    """The child's missed-appointment follow-ups (the appointments category)."""

    @extend_schema(
        operation_id="children_follow_ups_list",
        summary="List the child's missed-appointment follow-ups",
        tags=TAGS,
        parameters=[CHILD_PUBLIC_ID],
        responses={200: FollowUpOutputSerializer(many=True)},
    )
    def get(self, request, public_id: str):
        child = access_child(request.user, public_id, perm=VIEW)
        if not request.user.is_professional:
            child.access.require(Category.APPOINTMENTS)
        page = self.paginate_queryset(follow_ups_visible(child=child, access=child.access))
        return self.get_paginated_response(FollowUpOutputSerializer(page, many=True).data)


class FollowUpCompleteApi(APIView):
    class InputSerializer(serializers.Serializer):
        reason = serializers.ChoiceField(
            choices=FollowUp.Reason.choices, help_text="Why it was missed (R60)."
        )
        reason_detail = serializers.CharField(
            required=False, allow_blank=True, default="", help_text="Required for `other`."
        )
        child_safe = serializers.BooleanField(
            allow_null=True, help_text="Whether you have checked that the child is safe."
        )
        safety_check = serializers.ChoiceField(choices=FollowUp.SafetyCheck.choices)
        safety_note = serializers.CharField(
            required=False, allow_blank=True, default="", help_text="Required when `child_safe` is false."
        )
        alternative = serializers.ChoiceField(choices=FollowUp.Alternative.choices)
        alternative_detail = serializers.CharField(required=False, allow_blank=True, default="")

        class Meta:
            ref_name = "FollowUpCompleteInput"

    @extend_schema(
        operation_id="children_follow_ups_complete",
        summary="Complete a missed-appointment follow-up",
        description=(
            "By the person it is assigned to, or someone who may change the record. A child found not to be "
            "safe is escalated to the safeguarding lead at once."
        ),
        tags=TAGS,
        parameters=[CHILD_PUBLIC_ID, FOLLOW_UP_ID],
        request=InputSerializer,
        responses={200: FollowUpOutputSerializer},
    )
    def post(self, request, public_id: str, follow_up_id: str):
        # Anyone who can see the child may ask; the service lets the assignee or a changer do it.
        child = access_child(request.user, public_id, perm=VIEW, audit=False)
        follow_up = child_owned(follow_ups_visible(child=child, access=child.access), follow_up_id)
        follow_up_check_may_complete(actor=request.user, follow_up=follow_up)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        follow_up = follow_up_complete(actor=request.user, follow_up=follow_up, **serializer.validated_data)
        return Response(FollowUpOutputSerializer(follow_up).data)


class FollowUpAttemptApi(APIView):
    """Tried, could not reach them: the follow-up stays open and is due again."""

    class InputSerializer(serializers.Serializer):
        method = serializers.ChoiceField(choices=FollowUpAttempt.Method.choices)
        what_was_tried = serializers.CharField(allow_blank=True, help_text="What was tried, in words.")
        tried_at = EventDateTimeField(required=False, help_text="When; now if not given. Not in the future.")

        class Meta:
            ref_name = "FollowUpAttemptInput"

    @extend_schema(
        operation_id="children_follow_ups_attempt",
        summary="Record a try that did not reach the young person or family",
        description=(
            "By the person the follow-up is assigned to, or someone who may change the record. The follow-up "
            "stays open and is due again in working days, with a reminder; after the configured number of "
            "unsuccessful tries the safeguarding lead is told. A follow-up no longer open is refused (400)."
        ),
        tags=TAGS,
        parameters=[CHILD_PUBLIC_ID, FOLLOW_UP_ID],
        request=InputSerializer,
        responses={201: FollowUpAttemptOutputSerializer},
    )
    def post(self, request, public_id: str, follow_up_id: str):
        child = access_child(request.user, public_id, perm=VIEW, audit=False)
        follow_up = cast(
            FollowUp, child_owned(follow_ups_visible(child=child, access=child.access), follow_up_id)
        )
        follow_up_check_may_complete(actor=request.user, follow_up=follow_up)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        attempt = follow_up_attempt_record(
            actor=request.user, follow_up=follow_up, **serializer.validated_data
        )
        return Response(FollowUpAttemptOutputSerializer(attempt).data, status=status.HTTP_201_CREATED)


class MyFollowUpListApi(GenericAPIView):
    """The missed-appointment follow-ups assigned to the caller, soonest due first."""

    @extend_schema(
        operation_id="follow_ups_mine",
        summary="List the follow-ups you must do",
        tags=TAGS,
        responses={200: FollowUpOutputSerializer(many=True)},
    )
    def get(self, request):
        follow_ups = follow_ups_assigned(user=request.user).select_related("assigned_to")
        page = self.paginate_queryset(follow_ups)
        audit_record_reads(
            actor=request.user,
            action=AuditEvent.Action.LIST,
            children=[follow_up.child for follow_up in page],
            detail={"list": "missed-appointment follow-ups"},
        )
        return self.get_paginated_response(FollowUpOutputSerializer(page, many=True).data)
