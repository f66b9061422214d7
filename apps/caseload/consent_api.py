"""Consent, competence, the safeguarding override and the disclosure log over the REST API (R71-R82).

Each view reads top to bottom: ``access_child`` (404 for a child not shared with the caller, 403 for a
write by someone who may only look), parse, call one service or selector, shape the answer. Every rule
(whose consent is valid, what a lawful basis is, who may review an override) is the services'; their
errors come back in the API's one error shape, naming the field to fix.

Moved up from apps/consent (URL names kept), as the pages were: the API asks the access decision, which
reads consent, so it sits above both.

``information/`` is the category-scoped read: every category is either the data or a "withheld" marker,
decided by the caller's permissions on the child, which follow consent (R72).
"""

import uuid

from django.db.models import Q, QuerySet
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.models import Organisation, OrganisationMembership, ProfessionalRole, User
from apps.children.categories import COORDINATED, Category
from apps.children.selectors import CHANGE
from apps.children.serializers import OrganisationReferenceSerializer
from apps.consent.models import CompetenceAssessment, Consent, ConsentReview, Disclosure, SafeguardingOverride
from apps.consent.selectors import (
    consent_detail_visible,
    consent_history,
    coordination_objections,
    disclosure_log,
)
from apps.consent.services import (
    SAFEGUARDING_LEAD_ROLE,
    competence_assess,
    consent_record,
    consent_review_complete,
    consent_withdraw,
    coordination_objection_end,
    coordination_objection_record,
    parent_withholding_end,
    parent_withholding_record,
    safeguarding_override_check_may_record_told,
    safeguarding_override_open,
    safeguarding_override_review,
    safeguarding_override_young_person_told,
)
from apps.core.api.fields import ChildScopedPublicIdField, PersonReferenceSerializer, PublicIdRelatedField
from apps.core.exceptions import NotPermitted
from apps.sharing.access import child_access
from apps.sharing.selectors import access_child

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


# --- Output shapes ---------------------------------------------------------------------------------


class FamilyMemberReferenceSerializer(serializers.Serializer):
    public_id = serializers.UUIDField()
    name = serializers.CharField()

    class Meta:
        ref_name = "FamilyMemberReference"


class ConsentOutputSerializer(serializers.Serializer):
    public_id = serializers.UUIDField()
    status = serializers.ChoiceField(
        choices=Consent.Status.choices,
        source="status_on",
        help_text="`in_force`, `not_started`, `expired` (its end date has passed) or `withdrawn`, today.",
    )
    grantor = serializers.ChoiceField(choices=Consent.Grantor.choices)
    grantor_name = serializers.CharField(source="get_grantor_display")
    parent = FamilyMemberReferenceSerializer(allow_null=True)
    categories = serializers.SerializerMethodField()
    recipient_kind = serializers.ChoiceField(choices=Consent.RecipientKind.choices)
    recipient = serializers.CharField(source="recipient_label", help_text="Who it is shared with, in words.")
    recipient_organisation = OrganisationReferenceSerializer(allow_null=True)
    recipient_role = serializers.CharField(
        source="recipient_role.code", allow_null=True, help_text="The role's code, for a role recipient."
    )
    recipient_user = PersonReferenceSerializer(allow_null=True)
    purpose = serializers.CharField()
    valid_from = serializers.DateField()
    valid_until = serializers.DateField(allow_null=True)
    form = serializers.ChoiceField(choices=Consent.Form.choices)
    evidence = serializers.CharField()
    recorded_by = PersonReferenceSerializer()
    recorded_at = serializers.DateTimeField()
    withdrawn_at = serializers.DateTimeField(allow_null=True)
    withdrawn_reason = serializers.CharField()
    detail_withheld = serializers.SerializerMethodField(
        help_text="True when the consent covers a sensitive category you may not see: its purpose, evidence "
        "and withdrawal reason describe that category, so they are returned empty."
    )

    class Meta:
        ref_name = "Consent"

    def get_detail_withheld(self, consent: Consent) -> bool:
        access = self.context.get("access")
        return access is None or not consent_detail_visible(consent=consent, access=access)

    def to_representation(self, consent: Consent) -> dict:
        data = super().to_representation(consent)
        if data["detail_withheld"]:
            data.update(purpose="", evidence="", withdrawn_reason="")
        return data

    def get_categories(self, consent: Consent) -> list[str]:
        return [row.category for row in consent.categories.all()]


class CompetenceAssessmentOutputSerializer(serializers.Serializer):
    public_id = serializers.UUIDField()
    assessor = PersonReferenceSerializer()
    assessed_on = serializers.DateField()
    scope = serializers.ChoiceField(choices=CompetenceAssessment.Scope.choices)
    decision = serializers.CharField(help_text="The decision it covers.")
    outcome = serializers.ChoiceField(choices=CompetenceAssessment.Outcome.choices)
    notes = serializers.CharField()
    recorded_at = serializers.DateTimeField()

    class Meta:
        ref_name = "CompetenceAssessment"


class SafeguardingOverrideOutputSerializer(serializers.Serializer):
    public_id = serializers.UUIDField()
    opened_by = PersonReferenceSerializer()
    lawful_basis = serializers.ChoiceField(choices=SafeguardingOverride.LawfulBasis.choices)
    lawful_basis_name = serializers.CharField(source="get_lawful_basis_display")
    justification = serializers.CharField()
    categories = serializers.ListField(child=serializers.ChoiceField(choices=Category.choices))
    starts_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    ended_at = serializers.DateTimeField(allow_null=True)
    is_in_force = serializers.BooleanField(
        help_text="Started, not yet run out and not ended: it gives access."
    )
    reviewed_by = PersonReferenceSerializer(allow_null=True)
    reviewed_at = serializers.DateTimeField(allow_null=True)
    review_outcome = serializers.ChoiceField(
        choices=SafeguardingOverride.ReviewOutcome.choices, allow_blank=True
    )
    review_note = serializers.CharField()

    class Meta:
        ref_name = "SafeguardingOverride"


class DisclosureOutputSerializer(serializers.Serializer):
    occurred_at = serializers.DateTimeField()
    viewer = PersonReferenceSerializer()
    viewer_organisation = OrganisationReferenceSerializer(allow_null=True)
    categories = serializers.ListField(
        child=serializers.ChoiceField(choices=Category.choices), help_text="What they could see."
    )
    interface = serializers.CharField(help_text="`web` or `api`.")
    basis = serializers.ChoiceField(choices=Disclosure.Basis.choices)
    basis_name = serializers.CharField(source="get_basis_display")
    consent = serializers.UUIDField(source="consent.public_id", allow_null=True)
    override = serializers.UUIDField(source="override.public_id", allow_null=True)

    class Meta:
        ref_name = "Disclosure"


# --- The consent register ------------------------------------------------------------------------------


class ConsentListCreateApi(GenericAPIView):
    """The child's whole consent history, and recording a new consent (R71, R73)."""

    class InputSerializer(serializers.Serializer):
        grantor = serializers.ChoiceField(choices=Consent.Grantor.choices)
        parent = ChildScopedPublicIdField(
            what="family member",
            scope=lambda child: child.family_members.all(),
            required=False,
            allow_null=True,
            default=None,
            help_text="For consent by a parent (or both): the family member with parental responsibility.",
        )
        categories = serializers.ListField(
            child=serializers.ChoiceField(choices=Category.choices),
            required=False,
            default=list,
            help_text="The kinds of information to share. Sensitive ones only when named one by one.",
        )
        recipient_kind = serializers.ChoiceField(choices=Consent.RecipientKind.choices)
        recipient_organisation = PublicIdRelatedField(
            what="organisation",
            queryset=Organisation.objects.filter(is_active=True),
            required=False,
            allow_null=True,
            default=None,
        )
        recipient_role = serializers.SlugRelatedField(
            slug_field="code",
            queryset=ProfessionalRole.objects.filter(is_active=True),
            required=False,
            allow_null=True,
            default=None,
            help_text="For a role within the organisation: a role code such as `camhs-clinician`.",
            error_messages={"does_not_exist": "There is no professional role with the code {value}."},
        )
        recipient_user = PublicIdRelatedField(
            what="person",
            queryset=User.objects.filter(is_active=True),
            required=False,
            allow_null=True,
            default=None,
            help_text="For a named person: their user id.",
        )
        purpose = serializers.CharField()
        valid_from = serializers.DateField()
        valid_until = serializers.DateField(required=False, allow_null=True, default=None)
        form = serializers.ChoiceField(choices=Consent.Form.choices)
        evidence = serializers.CharField(
            help_text="Where the signed form is, or who heard the verbal consent."
        )

        class Meta:
            ref_name = "ConsentInput"

    @extend_schema(
        operation_id="children_consents_list",
        summary="List the child's consents",
        description="The whole history, newest first: withdrawn and expired consents included.",
        tags=TAGS,
        parameters=[CHILD_PUBLIC_ID],
        responses={200: ConsentOutputSerializer(many=True)},
    )
    def get(self, request, public_id: str):
        child = access_child(request.user, public_id)
        page = self.paginate_queryset(consent_history(child=child))
        return self.get_paginated_response(
            ConsentOutputSerializer(page, many=True, context={"access": child.access}).data
        )

    @extend_schema(
        operation_id="children_consents_create",
        summary="Record consent to share",
        description=(
            "Permissions follow at once. Problems are reported against the field to fix: `grantor` when the "
            "young person cannot yet decide for themselves, `parent` for someone without parental "
            "responsibility, `categories` when none is chosen. Nothing is saved unless everything is valid."
        ),
        tags=TAGS,
        parameters=[CHILD_PUBLIC_ID],
        request=InputSerializer,
        responses={201: ConsentOutputSerializer},
    )
    def post(self, request, public_id: str):
        child = access_child(request.user, public_id, perm=CHANGE, audit=False)
        serializer = self.InputSerializer(data=request.data, context={"child": child})
        serializer.is_valid(raise_exception=True)
        consent = consent_record(actor=request.user, child=child, **serializer.validated_data)
        consent = consent_history(child=child).get(pk=consent.pk)
        return Response(
            ConsentOutputSerializer(
                consent, context={"access": child_access(user=request.user, child=child)}
            ).data,
            status=status.HTTP_201_CREATED,
        )


class ConsentWithdrawApi(APIView):
    """Withdraw a consent: from the very next request nobody it named sees what it shared."""

    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(
            required=False, allow_blank=True, default="", help_text="Why, in the words used. Required."
        )

        class Meta:
            ref_name = "ConsentWithdrawInput"

    @extend_schema(
        operation_id="children_consents_withdraw",
        summary="Withdraw a consent",
        tags=TAGS,
        parameters=[CHILD_PUBLIC_ID, CONSENT_ID],
        request=InputSerializer,
        responses={200: ConsentOutputSerializer},
    )
    def post(self, request, public_id: str, consent_id: str):
        child = access_child(request.user, public_id, perm=CHANGE, audit=False)
        consent = _get_through_child(consent_history(child=child), consent_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        consent = consent_withdraw(actor=request.user, consent=consent, **serializer.validated_data)
        return Response(
            ConsentOutputSerializer(
                consent_history(child=child).get(pk=consent.pk),
                context={"access": child_access(user=request.user, child=child)},
            ).data
        )


# --- Competence ------------------------------------------------------------------------------------------


class CompetenceAssessmentListCreateApi(GenericAPIView):
    """Gillick competence assessments of a young person under 16 (R73)."""

    class InputSerializer(serializers.Serializer):
        assessed_on = serializers.DateField(help_text="Today or in the past.")
        decision = serializers.CharField(help_text="The decision it covers.")
        outcome = serializers.ChoiceField(choices=CompetenceAssessment.Outcome.choices)
        scope = serializers.ChoiceField(
            choices=CompetenceAssessment.Scope.choices,
            required=False,
            default=CompetenceAssessment.Scope.INFORMATION_SHARING,
        )
        notes = serializers.CharField(required=False, allow_blank=True, default="")

        class Meta:
            ref_name = "CompetenceAssessmentInput"

    @extend_schema(
        operation_id="children_competence_assessments_list",
        summary="List the competence assessments",
        tags=TAGS,
        parameters=[CHILD_PUBLIC_ID],
        responses={200: CompetenceAssessmentOutputSerializer(many=True)},
    )
    def get(self, request, public_id: str):
        child = access_child(request.user, public_id)
        assessments = child.competence_assessments.select_related("assessor")
        page = self.paginate_queryset(assessments)
        return self.get_paginated_response(CompetenceAssessmentOutputSerializer(page, many=True).data)

    @extend_schema(
        operation_id="children_competence_assessments_create",
        summary="Record a competence assessment",
        description="You are recorded as the assessor.",
        tags=TAGS,
        parameters=[CHILD_PUBLIC_ID],
        request=InputSerializer,
        responses={201: CompetenceAssessmentOutputSerializer},
    )
    def post(self, request, public_id: str):
        child = access_child(request.user, public_id, perm=CHANGE, audit=False)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        assessment = competence_assess(actor=request.user, child=child, **serializer.validated_data)
        return Response(CompetenceAssessmentOutputSerializer(assessment).data, status=status.HTTP_201_CREATED)


# --- The safeguarding override --------------------------------------------------------------------------


class SafeguardingOverrideCreateApi(APIView):
    """Break-glass: see a child's information without consent, to protect them (R76)."""

    class InputSerializer(serializers.Serializer):
        lawful_basis = serializers.ChoiceField(choices=SafeguardingOverride.LawfulBasis.choices)
        justification = serializers.CharField(
            help_text="Why this cannot wait for consent: a sentence or two."
        )
        categories = serializers.ListField(
            child=serializers.ChoiceField(choices=Category.choices),
            required=False,
            default=list,
            help_text="The categories needed; every category when empty.",
        )

        class Meta:
            ref_name = "SafeguardingOverrideInput"

    @extend_schema(
        operation_id="children_safeguarding_overrides_create",
        summary="Open a safeguarding override",
        description=(
            "Time-limited (72 hours unless configured). The safeguarding leads of your organisation and of "
            "the organisation that holds the record are alerted to review it, and every read under it is "
            "logged as a disclosure."
        ),
        tags=TAGS,
        parameters=[CHILD_PUBLIC_ID],
        request=InputSerializer,
        responses={201: SafeguardingOverrideOutputSerializer},
    )
    def post(self, request, public_id: str):
        child = access_child(request.user, public_id, audit=False)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        override = safeguarding_override_open(actor=request.user, child=child, **serializer.validated_data)
        return Response(SafeguardingOverrideOutputSerializer(override).data, status=status.HTTP_201_CREATED)


def _overrides_for_lead(user: User) -> QuerySet[SafeguardingOverride]:
    """The overrides ``user`` may review as a safeguarding lead: those of children whose record their
    organisation holds, or opened by someone who works there (the leads the service alerts).

    Raises NotPermitted (403) for anyone without a current safeguarding-lead membership.
    """
    organisations = list(
        OrganisationMembership.objects.current()
        .filter(user=user, role__code=SAFEGUARDING_LEAD_ROLE)
        .values_list("organisation", flat=True)
    )
    if not organisations:
        raise NotPermitted("Only a safeguarding lead can review a safeguarding override.")
    openers = OrganisationMembership.objects.current().filter(organisation__in=organisations).values("user")
    return SafeguardingOverride.objects.filter(
        Q(child__created_by_organisation__in=organisations) | Q(opened_by__in=openers)
    ).select_related("child", "opened_by", "reviewed_by")


class SafeguardingOverrideReviewApi(APIView):
    """The safeguarding lead reviews an override: justified or not, and may end it at once."""

    class InputSerializer(serializers.Serializer):
        outcome = serializers.ChoiceField(
            choices=SafeguardingOverride.ReviewOutcome.choices, required=False, allow_blank=True, default=""
        )
        note = serializers.CharField(
            required=False, allow_blank=True, default="", help_text="The reasons for the decision. Required."
        )
        end_now = serializers.BooleanField(required=False, default=False)

        class Meta:
            ref_name = "SafeguardingOverrideReviewInput"

    @extend_schema(
        operation_id="children_safeguarding_overrides_review",
        summary="Review a safeguarding override",
        description=(
            "Only a professional with a current safeguarding-lead membership (else 403), of the organisation "
            "that holds the record or of the one the override's opener works for (else 404), and not the "
            "person who opened it. An override found not justified ends at once."
        ),
        tags=TAGS,
        parameters=[CHILD_PUBLIC_ID, OVERRIDE_ID],
        request=InputSerializer,
        responses={200: SafeguardingOverrideOutputSerializer},
    )
    def post(self, request, public_id: str, override_id: str):
        try:
            overrides = _overrides_for_lead(request.user)
        except NotPermitted:
            # Someone the child is not shared with learns nothing, not even that the child exists: 404.
            access_child(request.user, public_id, audit=False)
            raise
        try:
            child_id = uuid.UUID(str(public_id))
        except ValueError:
            raise Http404("Not found") from None
        override = _get_through_child(overrides.filter(child__public_id=child_id), override_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        override = safeguarding_override_review(
            actor=request.user, override=override, **serializer.validated_data
        )
        return Response(SafeguardingOverrideOutputSerializer(override).data)


# --- The disclosure log -----------------------------------------------------------------------------------


class DisclosureListApi(GenericAPIView):
    """Who outside the record's organisation saw the child's information, and on what basis (R75)."""

    @extend_schema(
        operation_id="children_disclosures_list",
        summary="List who has seen the child's information",
        description="Newest first: what, who, when, through which interface, and on what basis.",
        tags=TAGS,
        parameters=[CHILD_PUBLIC_ID],
        responses={200: DisclosureOutputSerializer(many=True)},
    )
    def get(self, request, public_id: str):
        child = access_child(request.user, public_id)
        page = self.paginate_queryset(disclosure_log(child=child))
        return self.get_paginated_response(DisclosureOutputSerializer(page, many=True).data)


# --- Consent reviews, telling the young person, keeping things from parents -----------------------------

REVIEW_ID = OpenApiParameter("review_id", OpenApiTypes.UUID, OpenApiParameter.PATH)
WITHHOLDING_ID = OpenApiParameter("withholding_id", OpenApiTypes.UUID, OpenApiParameter.PATH)


class ConsentReviewOutputSerializer(serializers.Serializer):
    public_id = serializers.UUIDField()
    reason = serializers.ChoiceField(choices=ConsentReview.Reason.choices)
    due_on = serializers.DateField()
    completed_on = serializers.DateField(allow_null=True)
    outcome_note = serializers.CharField()

    class Meta:
        ref_name = "ConsentReview"


class ConsentReviewListApi(GenericAPIView):
    """Consent and competence reviews (R82), due ones first; until one is done, the safer setting holds."""

    # The whole list in one answer (a child has a handful); the schema must not promise pages.
    pagination_class = None

    @extend_schema(
        operation_id="children_consent_reviews_list",
        summary="List consent reviews",
        tags=TAGS,
        parameters=[CHILD_PUBLIC_ID],
        responses={200: ConsentReviewOutputSerializer(many=True)},
    )
    def get(self, request, public_id: str):
        child = access_child(request.user, public_id)
        reviews = child.consent_reviews.order_by("completed_on", "due_on", "pk")
        return Response(ConsentReviewOutputSerializer(reviews, many=True).data)


class ConsentReviewCompleteApi(APIView):
    """Record that consent and competence were reviewed with the young person."""

    class InputSerializer(serializers.Serializer):
        outcome_note = serializers.CharField(required=False, allow_blank=True, default="")

        class Meta:
            ref_name = "ConsentReviewCompleteInput"

    @extend_schema(
        operation_id="children_consent_reviews_complete",
        summary="Complete a consent review",
        tags=TAGS,
        parameters=[CHILD_PUBLIC_ID, REVIEW_ID],
        request=InputSerializer,
        responses={200: ConsentReviewOutputSerializer},
    )
    def post(self, request, public_id: str, review_id: str):
        child = access_child(request.user, public_id, perm=CHANGE, audit=False)
        review = _get_through_child(child.consent_reviews.all(), review_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        review = consent_review_complete(actor=request.user, review=review, **serializer.validated_data)
        return Response(ConsentReviewOutputSerializer(review).data)


class SafeguardingOverrideToldApi(APIView):
    """Record that the young person was told about an override, once it was judged safe to (R76)."""

    class InputSerializer(serializers.Serializer):
        told_on = serializers.DateField()

        class Meta:
            ref_name = "SafeguardingOverrideToldInput"

    @extend_schema(
        operation_id="children_safeguarding_overrides_told",
        summary="Record that the young person was told",
        description=(
            "By the person who opened the override, someone who may change the child's record, or a "
            "safeguarding lead (else 403), as on the website."
        ),
        tags=TAGS,
        parameters=[CHILD_PUBLIC_ID, OVERRIDE_ID],
        request=InputSerializer,
        responses={200: SafeguardingOverrideOutputSerializer},
    )
    def post(self, request, public_id: str, override_id: str):
        # Anyone who can see the child may ask; the service decides who may record it, for both interfaces.
        child = access_child(request.user, public_id, audit=False)
        override = _get_through_child(child.safeguarding_overrides.all(), override_id)
        may_change_record = child_access(user=request.user, child=child).can_change
        safeguarding_override_check_may_record_told(
            actor=request.user, override=override, may_change_record=may_change_record
        )
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        override = safeguarding_override_young_person_told(
            actor=request.user,
            override=override,
            may_change_record=may_change_record,
            **serializer.validated_data,
        )
        return Response(SafeguardingOverrideOutputSerializer(override).data)


class ParentWithholdingOutputSerializer(serializers.Serializer):
    public_id = serializers.UUIDField()
    category = serializers.ChoiceField(choices=Category.choices)
    judgement = serializers.CharField()
    recorded_on = serializers.DateField()
    ended_on = serializers.DateField(allow_null=True)

    class Meta:
        ref_name = "ParentWithholding"


class ParentWithholdingListCreateApi(GenericAPIView):
    """What a competent young person has asked to keep from their parents or carers (R74)."""

    # The whole list in one answer (a child has a handful); the schema must not promise pages.
    pagination_class = None

    class InputSerializer(serializers.Serializer):
        category = serializers.ChoiceField(choices=Category.choices)
        judgement = serializers.CharField(required=False, allow_blank=True, default="")

        class Meta:
            ref_name = "ParentWithholdingInput"

    @extend_schema(
        operation_id="children_parent_withholdings_list",
        summary="List what is kept from parents and carers",
        tags=TAGS,
        parameters=[CHILD_PUBLIC_ID],
        responses={200: ParentWithholdingOutputSerializer(many=True)},
    )
    def get(self, request, public_id: str):
        child = access_child(request.user, public_id)
        return Response(ParentWithholdingOutputSerializer(child.parent_withholdings.all(), many=True).data)

    @extend_schema(
        operation_id="children_parent_withholdings_create",
        summary="Keep a category from parents and carers",
        tags=TAGS,
        parameters=[CHILD_PUBLIC_ID],
        request=InputSerializer,
        responses={201: ParentWithholdingOutputSerializer},
    )
    def post(self, request, public_id: str):
        child = access_child(request.user, public_id, perm=CHANGE, audit=False)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        withholding = parent_withholding_record(actor=request.user, child=child, **serializer.validated_data)
        return Response(ParentWithholdingOutputSerializer(withholding).data, status=status.HTTP_201_CREATED)


class ParentWithholdingEndApi(APIView):
    """The young person lets their parents or carers see this category again, where consent allows."""

    @extend_schema(
        operation_id="children_parent_withholdings_end",
        summary="Share a category with parents and carers again",
        tags=TAGS,
        parameters=[CHILD_PUBLIC_ID, WITHHOLDING_ID],
        request=None,
        responses={200: ParentWithholdingOutputSerializer},
    )
    def post(self, request, public_id: str, withholding_id: str):
        child = access_child(request.user, public_id, perm=CHANGE, audit=False)
        withholding = _get_through_child(
            child.parent_withholdings.filter(ended_on__isnull=True), withholding_id
        )
        withholding = parent_withholding_end(actor=request.user, withholding=withholding)
        return Response(ParentWithholdingOutputSerializer(withholding).data)


OBJECTION_ID = OpenApiParameter("objection_id", OpenApiTypes.UUID, OpenApiParameter.PATH)


class CoordinationObjectionOutputSerializer(serializers.Serializer):
    public_id = serializers.UUIDField()
    category = serializers.ChoiceField(choices=Category.choices)
    in_their_words = serializers.CharField()
    judgement = serializers.CharField()
    recorded_by = PersonReferenceSerializer()
    recorded_on = serializers.DateField()
    ended_on = serializers.DateField(allow_null=True)

    class Meta:
        ref_name = "CoordinationObjection"


class CoordinationObjectionListCreateApi(APIView):
    """A competent young person's objections to their lead professional seeing a category without consent."""

    class InputSerializer(serializers.Serializer):
        category = serializers.ChoiceField(
            choices=[(c.value, c.label) for c in Category if c in COORDINATED],
            help_text="What the lead professional coordinates: team, appointments, referrals or plans.",
        )
        judgement = serializers.CharField(required=False, allow_blank=True, default="")
        in_their_words = serializers.CharField(required=False, allow_blank=True, default="")

        class Meta:
            ref_name = "CoordinationObjectionInput"

    @extend_schema(
        operation_id="children_coordination_objections_list",
        summary="List the young person's objections to the lead professional's coordination basis",
        tags=TAGS,
        parameters=[CHILD_PUBLIC_ID],
        responses={200: CoordinationObjectionOutputSerializer(many=True)},
    )
    def get(self, request, public_id: str):
        child = access_child(request.user, public_id)
        return Response(
            CoordinationObjectionOutputSerializer(coordination_objections(child=child), many=True).data
        )

    @extend_schema(
        operation_id="children_coordination_objections_create",
        summary="Record a competent young person's objection",
        description=(
            "Only for a young person who can decide (16 or over, or assessed as competent): otherwise a 400 "
            "saying so. From the next request the lead professional sees that category only with consent or "
            "a safeguarding override."
        ),
        tags=TAGS,
        parameters=[CHILD_PUBLIC_ID],
        request=InputSerializer,
        responses={201: CoordinationObjectionOutputSerializer},
    )
    def post(self, request, public_id: str):
        child = access_child(request.user, public_id, perm=CHANGE, audit=False)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        objection = coordination_objection_record(
            actor=request.user, child=child, **serializer.validated_data
        )
        return Response(CoordinationObjectionOutputSerializer(objection).data, status=status.HTTP_201_CREATED)


class CoordinationObjectionEndApi(APIView):
    """The young person lets their lead professional see this category again on a coordination basis."""

    @extend_schema(
        operation_id="children_coordination_objections_end",
        summary="End an objection",
        tags=TAGS,
        parameters=[CHILD_PUBLIC_ID, OBJECTION_ID],
        request=None,
        responses={200: CoordinationObjectionOutputSerializer},
    )
    def post(self, request, public_id: str, objection_id: str):
        child = access_child(request.user, public_id, perm=CHANGE, audit=False)
        objection = _get_through_child(
            child.coordination_objections.filter(ended_on__isnull=True), objection_id
        )
        objection = coordination_objection_end(actor=request.user, objection=objection)
        return Response(CoordinationObjectionOutputSerializer(objection).data)
