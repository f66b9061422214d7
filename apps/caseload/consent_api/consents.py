"""The consent register: the child's consent history, recording a consent and withdrawing one (R71, R73)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.models import Organisation, ProfessionalRole, User
from apps.caseload.consent_api.common import CHILD_PUBLIC_ID, CONSENT_ID, TAGS, _get_through_child
from apps.caseload.consent_api.serializers import ConsentOutputSerializer
from apps.children.categories import Category
from apps.children.selectors import CHANGE
from apps.consent.models import Consent
from apps.consent.selectors import (
    consent_history,
)
from apps.consent.services import (
    consent_record,
    consent_withdraw,
)
from apps.core.api.fields import ChildScopedPublicIdField, PublicIdRelatedField
from apps.sharing.access import child_access
from apps.sharing.selectors import access_child


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
