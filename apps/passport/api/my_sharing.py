"""Who the owner's passport reaches: sharing and revoking, moving it to a new team, handing it over to
the young person.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from apps.accounts.models import Organisation, User
from apps.core.api.fields import PublicIdRelatedField
from apps.passport import services
from apps.passport.api.common import OWNER_TAGS, PASSPORT_ID, SHARE_ID, OwnerApi, _one
from apps.passport.api.serializers import PassportOutputSerializer, ShareOutputSerializer, _passport_out
from apps.passport.models import PassportShare
from apps.passport.selectors import passport_owner_view, passport_shares


class MyPassportShareListApi(OwnerApi):
    class InputSerializer(serializers.Serializer):
        sections = serializers.ListField(child=serializers.CharField(), allow_empty=True)
        recipient_user = PublicIdRelatedField(
            what="person",
            queryset=User.objects.all(),
            required=False,
            allow_null=True,
            help_text="A professional in your team. Give this or `recipient_organisation`, not both.",
        )
        recipient_organisation = PublicIdRelatedField(
            what="organisation", queryset=Organisation.objects.all(), required=False, allow_null=True
        )
        ends_on = serializers.DateField(required=False, allow_null=True, help_text="Optional last day.")
        reason = serializers.CharField(required=False, allow_blank=True, max_length=200)

        class Meta:
            ref_name = "PassportShareInput"

    @extend_schema(
        operation_id="my_passports_shares_list",
        summary="Who you share each section with",
        description="The shares in force now; with `include_ended=true`, every share you ever made.",
        tags=OWNER_TAGS,
        parameters=[PASSPORT_ID, OpenApiParameter("include_ended", OpenApiTypes.BOOL)],
        responses={200: ShareOutputSerializer(many=True)},
    )
    def get(self, request, passport_id: str):
        passport = self.passport(request, passport_id)
        include_ended = request.query_params.get("include_ended", "").lower() in {"1", "true", "yes"}
        return Response(
            ShareOutputSerializer(
                passport_shares(passport=passport, include_ended=include_ended), many=True
            ).data
        )

    @extend_schema(
        operation_id="my_passports_shares_create",
        summary="Share sections with a professional in your team, or an organisation",
        description="From now, optionally until an end date (today or later). Only professionals can be "
        "given a share; anyone else is a 400 naming `recipient_user`.",
        tags=OWNER_TAGS,
        parameters=[PASSPORT_ID],
        request=InputSerializer,
        responses={201: ShareOutputSerializer(many=True)},
    )
    def post(self, request, passport_id: str):
        passport = self.passport(request, passport_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        shares = services.passport_share(actor=request.user, passport=passport, **serializer.validated_data)
        return Response(ShareOutputSerializer(shares, many=True).data, status=status.HTTP_201_CREATED)


class MyPassportShareRevokeApi(OwnerApi):
    @extend_schema(
        operation_id="my_passports_shares_revoke",
        summary="Stop sharing: from the very next request",
        tags=OWNER_TAGS,
        parameters=[PASSPORT_ID, SHARE_ID],
        request=None,
        responses={200: ShareOutputSerializer},
    )
    def post(self, request, passport_id: str, share_id: str):
        passport = self.passport(request, passport_id)
        share = _one(PassportShare.objects.filter(passport=passport), share_id)
        return Response(
            ShareOutputSerializer(services.passport_share_revoke(actor=request.user, share=share)).data
        )


class MyPassportMoveApi(OwnerApi):
    class InputSerializer(serializers.Serializer):
        organisation = PublicIdRelatedField(what="organisation", queryset=Organisation.objects.all())
        sections = serializers.ListField(
            child=serializers.CharField(),
            required=False,
            allow_null=True,
            help_text="Default: every section you share with anyone now.",
        )
        ends_on = serializers.DateField(required=False, allow_null=True)
        reason = serializers.CharField(required=False, allow_blank=True, max_length=200)

        class Meta:
            ref_name = "PassportMoveInput"

    @extend_schema(
        operation_id="my_passports_move",
        summary="Share your passport with your new team in one step",
        description="A new placement, a new area, or adult services: everyone at that organisation can read "
        "the sections you choose.",
        tags=OWNER_TAGS,
        parameters=[PASSPORT_ID],
        request=InputSerializer,
        responses={201: ShareOutputSerializer(many=True)},
    )
    def post(self, request, passport_id: str):
        passport = self.passport(request, passport_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        shares = services.passport_share_with_new_team(
            actor=request.user, passport=passport, **serializer.validated_data
        )
        return Response(ShareOutputSerializer(shares, many=True).data, status=status.HTTP_201_CREATED)


class MyPassportHandOverApi(OwnerApi):
    @extend_schema(
        operation_id="my_passports_hand_over",
        summary="Hand a passport you hold for a young person over to them",
        description="For a parent or carer, once the young person has their own Beacon account: from then "
        "only the young person decides. Without an account it is a 400 naming `owner`.",
        tags=OWNER_TAGS,
        parameters=[PASSPORT_ID],
        request=None,
        responses={200: PassportOutputSerializer},
    )
    def post(self, request, passport_id: str):
        passport = services.passport_owner_hand_over(
            actor=request.user, passport=self.passport(request, passport_id)
        )
        return Response(_passport_out(passport, passport_owner_view(passport=passport)))
