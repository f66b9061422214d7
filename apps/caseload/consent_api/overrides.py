"""The safeguarding override (R76): opening one, the safeguarding lead's review, and recording that the
young person was told.
"""

import uuid

from django.db.models import Q, QuerySet
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.models import OrganisationMembership, User
from apps.caseload.consent_api.common import (
    CHILD_PUBLIC_ID,
    OVERRIDE_ID,
    TAGS,
    _get_through_child,
)
from apps.caseload.consent_api.serializers import (
    SafeguardingOverrideOpenedOutputSerializer,
    SafeguardingOverrideOutputSerializer,
)
from apps.children.categories import Category
from apps.consent.models import SafeguardingOverride
from apps.consent.services import (
    SAFEGUARDING_LEAD_ROLE,
    override_review_task_key,
    safeguarding_override_check_may_record_told,
    safeguarding_override_open,
    safeguarding_override_review,
    safeguarding_override_young_person_told,
)
from apps.core.exceptions import NotPermitted
from apps.notifications.models import Notification
from apps.notifications.selectors import task_alerted
from apps.sharing.access import child_access
from apps.sharing.selectors import access_child, task_access_held

OVERRIDE_CATEGORIES_REQUIRED = (
    "Choose the information you need to see: an override covers only what you choose"
)


class SafeguardingOverrideCreateApi(APIView):
    """Break-glass: see a child's information without consent, to protect them (R76)."""

    class InputSerializer(serializers.Serializer):
        lawful_basis = serializers.ChoiceField(choices=SafeguardingOverride.LawfulBasis.choices)
        justification = serializers.CharField(
            help_text="Why this cannot wait for consent: a sentence or two."
        )
        categories = serializers.ListField(
            child=serializers.ChoiceField(choices=Category.choices),
            allow_empty=False,
            error_messages={
                "required": OVERRIDE_CATEGORIES_REQUIRED,
                "empty": OVERRIDE_CATEGORIES_REQUIRED,
            },
            help_text="The categories needed, at least one: the override covers only these.",
        )

        class Meta:
            ref_name = "SafeguardingOverrideInput"

    @extend_schema(
        operation_id="children_safeguarding_overrides_create",
        summary="Open a safeguarding override",
        description=(
            "Time-limited (72 hours unless configured). Its review is sent to your organisation's "
            "safeguarding leads, else its team managers, else the safeguarding leads of the organisation "
            "that holds the record, else Beacon's administrators; `review_requested_from` names who was "
            "actually alerted. Every read under it is logged as a disclosure."
        ),
        tags=TAGS,
        parameters=[CHILD_PUBLIC_ID],
        request=InputSerializer,
        responses={201: SafeguardingOverrideOpenedOutputSerializer},
    )
    def post(self, request, public_id: str):
        child = access_child(request.user, public_id, audit=False)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        override = safeguarding_override_open(actor=request.user, child=child, **serializer.validated_data)
        told = task_alerted(task_key=override_review_task_key(override), kind=Notification.Kind.OVERRIDE)
        return Response(
            SafeguardingOverrideOpenedOutputSerializer(
                override, context={"review_requested_from": told}
            ).data,
            status=status.HTTP_201_CREATED,
        )


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


def _override_routed_to(user: User, public_id: str, override_id: str) -> SafeguardingOverride | None:
    """The override, if its review was routed to ``user`` and is still open (a team manager or administrator
    where no safeguarding lead could be found): the task grant is the recorded basis. Else None."""
    try:
        child_id, public = uuid.UUID(str(public_id)), uuid.UUID(str(override_id))
    except ValueError:
        return None
    override = (
        SafeguardingOverride.objects.filter(child__public_id=child_id, public_id=public)
        .select_related("child", "opened_by", "reviewed_by")
        .first()
    )
    if override is None or not task_access_held(user=user, task_key=override_review_task_key(override)):
        return None
    return override


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
        asked = _override_routed_to(request.user, public_id, override_id)
        if asked is not None:
            serializer = self.InputSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            override = safeguarding_override_review(
                actor=request.user, override=asked, **serializer.validated_data
            )
            return Response(SafeguardingOverrideOutputSerializer(override).data)
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
