"""Requests for access to a record over the API (R2): asking, one's own asks, and answering as the
professional responsible for the record. The record asked about is found from the details given, never named
to the asker.
"""

from typing import cast

from django.db import transaction
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.audit.models import AuditEvent
from apps.audit.services import audit_record
from apps.children.throttling import PossibleMatchThrottle
from apps.core.api.fields import PersonReferenceSerializer
from apps.sharing.access import child_access_if_visible
from apps.sharing.selectors import child_owned
from apps.teams.models import AccessRequest
from apps.teams.selectors import access_asks_of, access_request_responders, access_requests_to_answer
from apps.teams.services import access_request_answer, access_request_create

TAGS = ["Requests for access"]
REQUEST_ID = OpenApiParameter(
    "request_id",
    OpenApiTypes.UUID,
    OpenApiParameter.PATH,
    description="A request for access to a record you answer for (404 for anyone else).",
)


class AskOutputSerializer(serializers.Serializer):
    ask_id = serializers.UUIDField()
    requested_at = serializers.DateTimeField()
    searched = serializers.CharField(help_text="What you gave to find the record.")
    reason = serializers.CharField()
    status = serializers.CharField(
        help_text="Waiting for an answer, access given, declined or a different child: never how many "
        "records the ask reached, or whose."
    )
    granted = serializers.SerializerMethodField(help_text="The records you were given access to.")

    class Meta:
        ref_name = "AccessAsk"

    def get_granted(self, ask) -> list[str]:
        return [str(child.public_id) for child in ask.granted]


class AccessRequestOutputSerializer(serializers.Serializer):
    """A request as the professional answering it sees it: who asks, why, and what they gave."""

    public_id = serializers.UUIDField()
    requested_by = PersonReferenceSerializer()
    requested_at = serializers.DateTimeField()
    reason = serializers.CharField()
    given_name = serializers.CharField()
    family_name = serializers.CharField()
    preferred_name = serializers.CharField()
    date_of_birth = serializers.DateField(allow_null=True)
    nhs_number = serializers.CharField()
    matched_on = serializers.CharField()
    child = serializers.SerializerMethodField(
        help_text="The record's public id, for someone who may see it; null for a safeguarding lead "
        "answering for a record their organisation holds without sight of it."
    )
    status = serializers.ChoiceField(choices=AccessRequest.Status.choices)
    answered_at = serializers.DateTimeField(allow_null=True)

    class Meta:
        ref_name = "AccessRequest"

    def get_child(self, access_request: AccessRequest) -> str | None:
        visible = child_access_if_visible(user=self.context["viewer"], child=access_request.child)
        return str(access_request.child.public_id) if visible is not None else None


@extend_validation_errors(
    ["nothing_to_ask", "already_asked"], field_name="non_field_errors", methods=["post"]
)
class AccessRequestListCreateApi(APIView):
    """Your asks for access, and asking for access to a record the possible-match check found hidden."""

    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(
            help_text="Why you need access: who you are to the child, what you do."
        )
        nhs_number = serializers.CharField(required=False, allow_blank=True)
        given_name = serializers.CharField(required=False, allow_blank=True)
        family_name = serializers.CharField(required=False, allow_blank=True)
        preferred_name = serializers.CharField(required=False, allow_blank=True)
        date_of_birth = serializers.DateField(required=False, allow_null=True)

        class Meta:
            ref_name = "AccessRequestInput"

    def get_throttles(self):
        # Asking runs the possible-match check again: one allowance with it (BEACON_POSSIBLE_MATCH_RATE).
        if self.request.method == "POST":
            return [*super().get_throttles(), PossibleMatchThrottle()]
        return super().get_throttles()

    @extend_schema(
        operation_id="access_requests_list",
        summary="List your requests for access",
        tags=TAGS,
        responses={200: AskOutputSerializer(many=True)},
    )
    def get(self, request):
        return Response(AskOutputSerializer(access_asks_of(user=request.user), many=True).data)

    @extend_schema(
        operation_id="access_requests_create",
        summary="Ask for access to a record that may be the child's",
        description=(
            "Give the details you searched for (as for `possible-matches`) and your reason. The check runs "
            "again; each matching record not shared with you gets a request, sent to its lead professional "
            "(or, without one, the safeguarding leads of the organisation holding it). 400 `nothing_to_ask` "
            "if no such record matches now, `already_asked` if you are waiting for an answer. Counts "
            "against the possible-match allowance (429 beyond it)."
        ),
        tags=TAGS,
        request=InputSerializer,
        responses={201: AskOutputSerializer},
    )
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        requests = access_request_create(actor=request.user, **serializer.validated_data)
        ask = next(ask for ask in access_asks_of(user=request.user) if ask.ask_id == requests[0].ask_id)
        return Response(AskOutputSerializer(ask).data, status=status.HTTP_201_CREATED)


class AccessRequestToAnswerListApi(APIView):
    """The requests for access waiting for your answer."""

    @extend_schema(
        operation_id="access_requests_to_answer",
        summary="List the requests for access waiting for your answer",
        tags=TAGS,
        responses={200: AccessRequestOutputSerializer(many=True)},
    )
    def get(self, request):
        requests = access_requests_to_answer(user=request.user)
        return Response(
            AccessRequestOutputSerializer(requests, many=True, context={"viewer": request.user}).data
        )


def _request_to_answer(request, request_id: str) -> AccessRequest:
    access_request = cast(
        AccessRequest,
        child_owned(AccessRequest.objects.select_related("child__created_by", "requested_by"), request_id),
    )
    if request.user not in access_request_responders(child=access_request.child):
        raise Http404("Not found")
    return access_request


class AccessRequestDetailApi(APIView):
    """One request for access, for the professional responsible for the record."""

    @extend_schema(
        operation_id="access_requests_retrieve",
        summary="Read a request for access",
        tags=TAGS,
        parameters=[REQUEST_ID],
        responses={200: AccessRequestOutputSerializer},
    )
    def get(self, request, request_id: str):
        access_request = _request_to_answer(request, request_id)
        with transaction.atomic():
            audit_record(
                actor=request.user,
                action=AuditEvent.Action.VIEW,
                target=access_request,
                child=access_request.child,
                basis="answering a request for access to the record",
            )
        return Response(AccessRequestOutputSerializer(access_request, context={"viewer": request.user}).data)


@extend_validation_errors(["already_answered"], field_name="non_field_errors")
class AccessRequestAnswerApi(APIView):
    """Answer a request for access, once."""

    class InputSerializer(serializers.Serializer):
        outcome = serializers.ChoiceField(
            choices=[(status, status.label) for status in AccessRequest.ANSWERS]
        )
        note = serializers.CharField(
            required=False,
            allow_blank=True,
            help_text="Needed to decline or to say it is a different child. Never shown to the asker.",
        )

        class Meta:
            ref_name = "AccessRequestAnswerInput"

    @extend_schema(
        operation_id="access_requests_answer",
        summary="Answer a request for access",
        description=(
            "`granted`: the lead professional adds the asker to the team around the child; a safeguarding "
            "lead gives them sight of the core record under the duty to share. `declined` and "
            "`different_child` need a `note`. The asker is told only the outcome. The first answer stands: "
            "a second is 400 `already_answered`."
        ),
        tags=TAGS,
        parameters=[REQUEST_ID],
        request=InputSerializer,
        responses={200: AccessRequestOutputSerializer},
    )
    def post(self, request, request_id: str):
        access_request = _request_to_answer(request, request_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        access_request_answer(actor=request.user, access_request=access_request, **serializer.validated_data)
        return Response(AccessRequestOutputSerializer(access_request, context={"viewer": request.user}).data)
