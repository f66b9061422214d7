"""API sign-in with expiring tokens, and the organisations a client needs to name identifier issuers.

Partner agencies' systems sign in as a professional and send ``Authorization: Token <token>`` with
every request. Tokens are stored hashed (django-rest-knox), expire, and can all be revoked at once.
"""

from django.contrib.auth import user_logged_out
from drf_spectacular.utils import OpenApiParameter, extend_schema
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from knox.auth import TokenAuthentication
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny, IsAdminUser, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from apps.accounts.models import OrganisationType
from apps.accounts.selectors import organisation_list
from apps.accounts.services import api_token_issue, organisation_create, user_sign_out_everywhere


@extend_validation_errors(["invalid_credentials"], field_name="non_field_errors")
class TokenSignInApi(APIView):
    """Exchange a professional's username, password and one-time code for an API token."""

    # A client without a token is the whole point here; the throttle slows password guessing.
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"

    class InputSerializer(serializers.Serializer):
        username = serializers.CharField()
        password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"})
        otp_code = serializers.CharField(
            max_length=20,
            help_text="The current 6-digit code from the person's authenticator app, or one of their "
            "single-use backup codes. Each code is accepted once.",
            error_messages={"required": "Enter the 6-digit code from your authenticator app."},
        )

        class Meta:
            ref_name = "TokenSignInInput"

    class OutputSerializer(serializers.Serializer):
        token = serializers.CharField(help_text="Send as the header `Authorization: Token <token>`.")
        expiry = serializers.DateTimeField(
            help_text="When the token stops working unless used. Each use extends it, but never past "
            "`BEACON_API_TOKEN_MAX_AGE_HOURS` (12 by default) after it was issued: then sign in again."
        )

        class Meta:
            ref_name = "Token"

    @extend_schema(
        operation_id="auth_token_create",
        summary="Sign in and get an API token",
        description=(
            "Only active professionals with two-factor sign-in set up get tokens. A wrong username, "
            "password or code, and a correct password for any other account, give the same 400, without "
            "saying which was wrong. Limited to a few "
            "attempts a minute (429); repeated failures for one username from one address pause "
            "sign-in for that pair (429, code `locked_out`)."
        ),
        tags=["Authentication"],
        auth=[],
        request=InputSerializer,
        responses={200: OutputSerializer},
    )
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        # Every refusal is the service's one ApplicationError, which the API answers as a 400.
        instance, token = api_token_issue(
            request=request._request,
            username=data["username"],
            password=data["password"],
            otp_code=data["otp_code"],
        )
        return Response(self.OutputSerializer({"token": token, "expiry": instance.expiry}).data)


class TokenSignOutApi(APIView):
    """Revoke the token this request was made with."""

    authentication_classes = [TokenAuthentication]
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="auth_sign_out",
        summary="Revoke this token",
        tags=["Authentication"],
        request=None,
        responses={204: None},
    )
    def post(self, request):
        request.auth.delete()
        user_logged_out.send(sender=request.user.__class__, request=request._request, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TokenSignOutEverywhereApi(APIView):
    """End every browser session and revoke every token the person holds, for example after a device is
    lost."""

    authentication_classes = [TokenAuthentication]
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="auth_sign_out_everywhere",
        summary="Revoke all of this person's tokens and end their browser sessions",
        tags=["Authentication"],
        request=None,
        responses={204: None},
    )
    def post(self, request):
        # The browser's service, so that browser sessions end too, not only tokens.
        user_sign_out_everywhere(user=request.user)
        user_logged_out.send(sender=request.user.__class__, request=request._request, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class OrganisationTypeOutputSerializer(serializers.Serializer):
    code = serializers.SlugField()
    name = serializers.CharField()

    class Meta:
        ref_name = "OrganisationType"


class OrganisationListApi(GenericAPIView):
    """Active organisations, so that a client can name the issuer of a local identifier by its id.

    Also found by the part of its name or its ODS / local authority code (``?search=``), or by type.
    """

    class OutputSerializer(serializers.Serializer):
        public_id = serializers.UUIDField()
        name = serializers.CharField()
        type = OrganisationTypeOutputSerializer()

        class Meta:
            ref_name = "Organisation"

    class InputSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=200)
        type = serializers.SlugRelatedField(
            slug_field="code",
            queryset=OrganisationType.objects.filter(is_active=True),
            error_messages={
                "does_not_exist": "There is no organisation type “{value}”. "
                "Use a code from /api/v1/organisation-types/."
            },
        )
        external_code = serializers.CharField(max_length=20, required=False, default="", allow_blank=True)

        class Meta:
            ref_name = "OrganisationInput"

    def get_permissions(self):
        # Every professional may look organisations up; only administrators add them.
        if self.request.method == "POST":
            return [*super().get_permissions(), IsAdminUser()]
        return super().get_permissions()

    def get_queryset(self):
        return organisation_list(
            search=self.request.query_params.get("search", ""),
            type_code=self.request.query_params.get("type", ""),
        )

    @extend_schema(
        operation_id="organisations_list",
        summary="List active organisations",
        tags=["Organisations"],
        parameters=[
            OpenApiParameter("search", str, description="Part of the name, or the exact ODS or local code."),
            OpenApiParameter(
                "type", str, description="An organisation type code, from /organisation-types/."
            ),
        ],
        responses={200: OutputSerializer(many=True)},
    )
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.OutputSerializer(page, many=True).data)

    @extend_schema(
        operation_id="organisations_create",
        summary="Add an organisation (administrators only)",
        tags=["Organisations"],
        request=InputSerializer,
        responses={201: OutputSerializer},
    )
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        organisation = organisation_create(**serializer.validated_data)
        return Response(self.OutputSerializer(organisation).data, status=status.HTTP_201_CREATED)


class OrganisationTypeListApi(APIView):
    """The active kinds of organisation (NHS CAMHS, local authority social care, school ...)."""

    @extend_schema(
        operation_id="organisation_types_list",
        summary="List organisation types",
        tags=["Organisations"],
        responses={200: OrganisationTypeOutputSerializer(many=True)},
    )
    def get(self, request):
        types = OrganisationType.objects.filter(is_active=True).order_by("name")
        return Response(OrganisationTypeOutputSerializer(types, many=True).data)
