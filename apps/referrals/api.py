"""Consultations, referrals, the single point of access and the waiting list over the REST API.

The same rules as the browser: a child comes through ``access_child`` (404 when not shared; 403
"withheld" when shared without the referrals category), and every rule is the services'. Errors come
out in the API's one shape, naming the field to fix (``alternatives``, ``risk_check`` ...).
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.models import Organisation
from apps.children.models import Child
from apps.children.selectors import VIEW
from apps.children.serializers import OrganisationReferenceSerializer
from apps.core.api.fields import PublicIdRelatedField
from apps.core.exceptions import NotPermitted
from apps.referrals import selectors, services
from apps.referrals.models import (
    ConcernLevel,
    Consultation,
    DeclineAlternative,
    PreferredSupport,
    Referral,
    Route,
    WaitingContact,
)
from apps.sharing.selectors import access_child

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


class ChildReferenceSerializer(serializers.Serializer):
    public_id = serializers.UUIDField()
    known_as = serializers.CharField()


class PersonSerializer(serializers.Serializer):
    public_id = serializers.UUIDField()
    name = serializers.CharField(source="__str__")


# --- Output ----------------------------------------------------------------------------------------


class AlternativeOutputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=DeclineAlternative.Kind.choices)
    organisation = OrganisationReferenceSerializer(allow_null=True)
    service_name = serializers.CharField()
    detail = serializers.CharField()


class ReferralOutputSerializer(serializers.Serializer):
    public_id = serializers.UUIDField()
    child = ChildReferenceSerializer()
    receiving_organisation = OrganisationReferenceSerializer()
    consultation = serializers.UUIDField(source="consultation.public_id", allow_null=True)
    status = serializers.ChoiceField(choices=Referral.Status.choices)
    route = serializers.ChoiceField(choices=Route.choices)
    made_by = PersonSerializer()
    referrer_name = serializers.CharField()
    presenting_needs = serializers.CharField()
    professional_concern = serializers.ChoiceField(choices=ConcernLevel.choices)
    family_concern = serializers.ChoiceField(choices=ConcernLevel.choices)
    what_has_been_tried = serializers.CharField()
    young_person_views = serializers.CharField()
    preferred_support = serializers.CharField()
    consent_to_refer = serializers.ChoiceField(choices=Referral.ConsentToRefer.choices)
    diagnosis = serializers.CharField()
    social_work_status_at_referral = serializers.CharField()
    deprivation_decile_at_referral = serializers.IntegerField(allow_null=True)
    urgency = serializers.CharField()
    target_at = serializers.DateTimeField(allow_null=True)
    needs_retriage = serializers.BooleanField()
    decline_reason = serializers.CharField()
    decline_explanation = serializers.CharField()
    is_equity_risk_decline = serializers.BooleanField(help_text="Declined for an instability reason (R40).")
    senior_review_outcome = serializers.CharField()
    alternatives = AlternativeOutputSerializer(many=True, source="alternatives.all")
    received_at = serializers.DateTimeField()
    triaged_at = serializers.DateTimeField(allow_null=True)
    first_contact_at = serializers.DateTimeField(allow_null=True)
    first_appointment_at = serializers.DateTimeField(allow_null=True)
    treatment_started_at = serializers.DateTimeField(allow_null=True)
    family_message = serializers.SerializerMethodField(help_text="What the young person and family are told.")

    def get_family_message(self, referral) -> str:
        return services.family_message(referral=referral)


class ConsultationOutputSerializer(serializers.Serializer):
    public_id = serializers.UUIDField()
    child = ChildReferenceSerializer(allow_null=True)
    child_description = serializers.CharField()
    receiving_organisation = OrganisationReferenceSerializer()
    route = serializers.ChoiceField(choices=Route.choices)
    channel = serializers.ChoiceField(choices=Consultation.Channel.choices)
    requested_by = PersonSerializer()
    concern = serializers.CharField()
    what_has_been_tried = serializers.CharField()
    preferred_support = serializers.CharField()
    requested_at = serializers.DateTimeField()
    advice = serializers.CharField()
    outcome = serializers.CharField()
    advised_at = serializers.DateTimeField(allow_null=True)


class WaitingEntryOutputSerializer(serializers.Serializer):
    public_id = serializers.UUIDField()
    child = ChildReferenceSerializer()
    referral = serializers.UUIDField(source="referral.public_id")
    started_at = serializers.DateTimeField()
    is_priority = serializers.BooleanField()
    priority_reasons = serializers.CharField()
    first_contact_due_on = serializers.DateField()
    next_contact_due_on = serializers.DateField()
    last_risk_check = serializers.CharField(allow_null=True)
    trust_built = serializers.BooleanField(help_text="The first, trust-building contact has happened.")


class WaitingContactOutputSerializer(serializers.Serializer):
    public_id = serializers.UUIDField()
    kind = serializers.ChoiceField(choices=WaitingContact.Kind.choices)
    method = serializers.ChoiceField(choices=WaitingContact.Method.choices)
    spoke_with = serializers.CharField()
    contacted_at = serializers.DateTimeField()
    explained_service = serializers.BooleanField()
    risk_check = serializers.ChoiceField(choices=WaitingContact.RiskCheck.choices)
    signposting = serializers.CharField()
    note = serializers.CharField()


# --- Consultations ----------------------------------------------------------------------------------


class ConsultationListCreateApi(GenericAPIView):
    class InputSerializer(serializers.Serializer):
        receiving_organisation = PublicIdRelatedField(what="organisation", queryset=_organisations())
        route = serializers.ChoiceField(choices=Route.choices)
        channel = serializers.ChoiceField(
            choices=Consultation.Channel.choices, default=Consultation.Channel.API
        )
        concern = serializers.CharField(allow_blank=True)
        child = serializers.UUIDField(
            required=False, allow_null=True, default=None, help_text="A child you can see."
        )
        child_description = serializers.CharField(required=False, allow_blank=True, default="")
        requester_name = serializers.CharField(required=False, allow_blank=True, default="")
        requester_contact = serializers.CharField(required=False, allow_blank=True, default="")
        what_has_been_tried = serializers.CharField(required=False, allow_blank=True, default="")
        preferred_support = serializers.ChoiceField(
            choices=PreferredSupport.choices, required=False, default=""
        )

        class Meta:
            ref_name = "ConsultationInput"

    @extend_schema(
        operation_id="consultations_list",
        summary="Consultations you asked for or your service received",
        tags=TAGS,
        responses={200: ConsultationOutputSerializer(many=True)},
    )
    def get(self, request):
        consultations = self.paginate_queryset(
            selectors.consultation_list(user=request.user).order_by("-requested_at")
        )
        selectors.consultation_list_audit(user=request.user, consultations=consultations)
        return self.get_paginated_response(ConsultationOutputSerializer(consultations, many=True).data)

    @extend_schema(
        operation_id="consultations_create",
        summary="Ask for a consultation without making a referral (R32)",
        tags=TAGS,
        request=InputSerializer,
        responses={201: ConsultationOutputSerializer},
    )
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        child_id = data.pop("child")
        child = access_child(request.user, child_id, perm=VIEW) if child_id else None
        consultation = services.consultation_request(actor=request.user, child=child, **data)
        return Response(ConsultationOutputSerializer(consultation).data, status=status.HTTP_201_CREATED)


class ConsultationDetailApi(APIView):
    @extend_schema(
        operation_id="consultations_retrieve",
        summary="One consultation",
        tags=TAGS,
        parameters=[CONSULTATION_ID],
        responses={200: ConsultationOutputSerializer},
    )
    def get(self, request, consultation_id: str):
        consultation = selectors.access_consultation(request.user, consultation_id)
        return Response(ConsultationOutputSerializer(consultation).data)


class ConsultationAdviceApi(APIView):
    class InputSerializer(serializers.Serializer):
        advice = serializers.CharField(allow_blank=True)
        outcome = serializers.ChoiceField(choices=Consultation.Outcome.choices)

        class Meta:
            ref_name = "ConsultationAdviceInput"

    @extend_schema(
        operation_id="consultations_advise",
        summary="Record the advice and outcome (receiving service staff)",
        tags=TAGS,
        parameters=[CONSULTATION_ID],
        request=InputSerializer,
        responses={200: ConsultationOutputSerializer},
    )
    def post(self, request, consultation_id: str):
        consultation = selectors.access_consultation(request.user, consultation_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.consultation_advise(
            actor=request.user, consultation=consultation, **serializer.validated_data
        )
        return Response(ConsultationOutputSerializer(consultation).data)


# --- Referrals ------------------------------------------------------------------------------------


def _referral(request, public_id: str, referral_id: str) -> tuple[Child, Referral]:
    return selectors.access_referral(request.user, public_id, referral_id)


def _decider_only(request, referral: Referral) -> None:
    if not selectors.can_decide(user=request.user, referral=referral):
        raise NotPermitted("Only staff of the service receiving this referral can do this.")


def _fresh(referral: Referral) -> Referral:
    return selectors.referral_refetch(referral=referral)


class ChildReferralListCreateApi(GenericAPIView):
    class InputSerializer(serializers.Serializer):
        receiving_organisation = PublicIdRelatedField(what="organisation", queryset=_organisations())
        route = serializers.ChoiceField(choices=Route.choices)
        presenting_needs = serializers.CharField(allow_blank=True)
        professional_concern = serializers.ChoiceField(choices=ConcernLevel.choices)
        family_concern = serializers.ChoiceField(choices=ConcernLevel.choices)
        consent_to_refer = serializers.ChoiceField(choices=Referral.ConsentToRefer.choices)
        consent_note = serializers.CharField(required=False, allow_blank=True, default="")
        what_has_been_tried = serializers.CharField(required=False, allow_blank=True, default="")
        young_person_views = serializers.CharField(required=False, allow_blank=True, default="")
        preferred_support = serializers.ChoiceField(
            choices=PreferredSupport.choices, required=False, default=""
        )
        diagnosis = serializers.CharField(required=False, allow_blank=True, default="")
        referrer_name = serializers.CharField(required=False, allow_blank=True, default="")
        referrer_contact = serializers.CharField(required=False, allow_blank=True, default="")
        consultation = serializers.UUIDField(
            required=False,
            allow_null=True,
            default=None,
            help_text="The consultation this referral comes from.",
        )
        received_at = serializers.DateTimeField(
            required=False,
            allow_null=True,
            default=None,
            help_text="When it was received, if earlier than now (a referral by phone or letter): the wait "
            "clock starts then.",
        )

        class Meta:
            ref_name = "ReferralInput"

    @extend_schema(
        operation_id="children_referrals_list",
        summary="The child's referrals, newest first (the referrals category)",
        tags=TAGS,
        parameters=[CHILD_PUBLIC_ID],
        responses={200: ReferralOutputSerializer(many=True)},
    )
    def get(self, request, public_id: str):
        child = access_child(request.user, public_id, perm=selectors.VIEW_REFERRALS)
        page = self.paginate_queryset(selectors.child_referrals(child=child))
        return self.get_paginated_response(ReferralOutputSerializer(page, many=True).data)

    @extend_schema(
        operation_id="children_referrals_create",
        summary="Make a referral through the single point of access (R34-R36)",
        description="Anyone who can see the child may refer; a diagnosis is never required.",
        tags=TAGS,
        parameters=[CHILD_PUBLIC_ID],
        request=InputSerializer,
        responses={201: ReferralOutputSerializer},
    )
    def post(self, request, public_id: str):
        child = access_child(request.user, public_id, perm=VIEW)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        consultation_id = data.pop("consultation")
        consultation = (
            selectors.access_consultation(request.user, consultation_id) if consultation_id else None
        )
        referral = services.referral_create(
            actor=request.user, child=child, consultation=consultation, **data
        )
        return Response(ReferralOutputSerializer(_fresh(referral)).data, status=status.HTTP_201_CREATED)


class ReferralDetailApi(APIView):
    @extend_schema(
        operation_id="children_referrals_retrieve",
        summary="One referral, with its decision, alternatives and wait clocks",
        tags=TAGS,
        parameters=[CHILD_PUBLIC_ID, REFERRAL_ID],
        responses={200: ReferralOutputSerializer},
    )
    def get(self, request, public_id: str, referral_id: str):
        _, referral = _referral(request, public_id, referral_id)
        return Response(ReferralOutputSerializer(referral).data)


class ReferralTriageApi(APIView):
    class InputSerializer(serializers.Serializer):
        urgency = serializers.ChoiceField(choices=Referral.Urgency.choices)
        triage_note = serializers.CharField(required=False, allow_blank=True, default="")

        class Meta:
            ref_name = "ReferralTriageInput"

    @extend_schema(
        operation_id="children_referrals_triage",
        summary="Triage: urgency and the target that goes with it (R38)",
        tags=TAGS,
        parameters=[CHILD_PUBLIC_ID, REFERRAL_ID],
        request=InputSerializer,
        responses={200: ReferralOutputSerializer},
    )
    def post(self, request, public_id: str, referral_id: str):
        _, referral = _referral(request, public_id, referral_id)
        _decider_only(request, referral)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.referral_triage(actor=request.user, referral=referral, **serializer.validated_data)
        return Response(ReferralOutputSerializer(_fresh(referral)).data)


class ReferralAcceptApi(APIView):
    class InputSerializer(serializers.Serializer):
        unstable_situation = serializers.BooleanField(required=False, default=False)

        class Meta:
            ref_name = "ReferralAcceptInput"

    @extend_schema(
        operation_id="children_referrals_accept",
        summary="Accept: the child goes on the waiting list (R63, R64)",
        tags=TAGS,
        parameters=[CHILD_PUBLIC_ID, REFERRAL_ID],
        request=InputSerializer,
        responses={200: ReferralOutputSerializer},
    )
    def post(self, request, public_id: str, referral_id: str):
        _, referral = _referral(request, public_id, referral_id)
        _decider_only(request, referral)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.referral_accept(actor=request.user, referral=referral, **serializer.validated_data)
        return Response(ReferralOutputSerializer(_fresh(referral)).data)


class ReferralDeclineApi(APIView):
    class AlternativeSerializer(serializers.Serializer):
        kind = serializers.ChoiceField(choices=DeclineAlternative.Kind.choices)
        organisation = PublicIdRelatedField(
            what="organisation", queryset=_organisations(), required=False, allow_null=True, default=None
        )
        service_name = serializers.CharField(required=False, allow_blank=True, default="")
        detail = serializers.CharField(allow_blank=True, help_text="In plain English: the family reads it.")

        class Meta:
            ref_name = "DeclineAlternativeInput"

    class InputSerializer(serializers.Serializer):
        reason = serializers.ChoiceField(choices=Referral.DeclineReason.choices)
        explanation = serializers.CharField(allow_blank=True)
        alternatives = serializers.ListField(child=serializers.DictField(), allow_empty=True)

        class Meta:
            ref_name = "ReferralDeclineInput"

    @extend_schema(
        operation_id="children_referrals_decline",
        summary="Do not accept: a reason code and at least one alternative (R39, R40)",
        description="Instability reasons wait for a senior reviewer's agreement before anyone is told.",
        tags=TAGS,
        parameters=[CHILD_PUBLIC_ID, REFERRAL_ID],
        request=InputSerializer,
        responses={200: ReferralOutputSerializer},
    )
    def post(self, request, public_id: str, referral_id: str):
        _, referral = _referral(request, public_id, referral_id)
        _decider_only(request, referral)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        alternatives = self.AlternativeSerializer(data=serializer.validated_data["alternatives"], many=True)
        if not alternatives.is_valid():
            raise serializers.ValidationError({"alternatives": alternatives.errors})
        services.referral_decline(
            actor=request.user,
            referral=referral,
            reason=serializer.validated_data["reason"],
            explanation=serializer.validated_data["explanation"],
            alternatives=alternatives.validated_data,
        )
        return Response(ReferralOutputSerializer(_fresh(referral)).data)


class ReferralSeniorReviewApi(APIView):
    class InputSerializer(serializers.Serializer):
        outcome = serializers.ChoiceField(choices=Referral.SeniorReviewOutcome.choices)
        note = serializers.CharField(allow_blank=True)

        class Meta:
            ref_name = "ReferralSeniorReviewInput"

    @extend_schema(
        operation_id="children_referrals_senior_review",
        summary="A team manager or clinical lead agrees with, or overturns, an instability decline",
        tags=TAGS,
        parameters=[CHILD_PUBLIC_ID, REFERRAL_ID],
        request=InputSerializer,
        responses={200: ReferralOutputSerializer},
    )
    def post(self, request, public_id: str, referral_id: str):
        _, referral = _referral(request, public_id, referral_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.referral_senior_review(actor=request.user, referral=referral, **serializer.validated_data)
        return Response(ReferralOutputSerializer(_fresh(referral)).data)


class ReferralClockApi(APIView):
    class InputSerializer(serializers.Serializer):
        clock = serializers.ChoiceField(
            choices=[("first_appointment", "First appointment"), ("treatment_started", "Treatment started")]
        )
        at = serializers.DateTimeField()

        class Meta:
            ref_name = "ReferralClockInput"

    @extend_schema(
        operation_id="children_referrals_clock",
        summary="Record the first appointment or the start of treatment (R66)",
        tags=TAGS,
        parameters=[CHILD_PUBLIC_ID, REFERRAL_ID],
        request=InputSerializer,
        responses={200: ReferralOutputSerializer},
    )
    def post(self, request, public_id: str, referral_id: str):
        _, referral = _referral(request, public_id, referral_id)
        _decider_only(request, referral)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.referral_clock_record(actor=request.user, referral=referral, **serializer.validated_data)
        return Response(ReferralOutputSerializer(_fresh(referral)).data)


# --- The single point of access and the waiting list ----------------------------------------------------


class TriageQueueApi(APIView):
    @extend_schema(
        operation_id="referrals_queue",
        summary="The triage queue of the services you work at, risk first (R34, R38)",
        tags=TAGS,
        responses={200: ReferralOutputSerializer(many=True)},
    )
    def get(self, request):
        return Response(ReferralOutputSerializer(selectors.triage_queue(user=request.user), many=True).data)


class WaitingListApi(APIView):
    @extend_schema(
        operation_id="referrals_waiting_list",
        summary="Children waiting at the services you work at, next contact due first (R63-R65)",
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
        rows = selectors.waiting_list(user=request.user, only_due=only_due)
        return Response(WaitingEntryOutputSerializer([row.entry for row in rows], many=True).data)


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
