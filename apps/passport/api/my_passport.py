"""The owner's own passport: listing and reading it, writing a section, previewing what someone will
see, who read it, and deleting it.
"""

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from apps.accounts.models import Organisation, User
from apps.passport import services
from apps.passport.api.common import OWNER_TAGS, PASSPORT_ID, SECTION, OwnerApi, _one, _section_or_404
from apps.passport.api.serializers import (
    PassportOutputSerializer,
    ReadOutputSerializer,
    SectionOutputSerializer,
    VersionOutputSerializer,
    _passport_out,
    _section_out,
)
from apps.passport.models import SECTION_TEXT_MAX_LENGTH
from apps.passport.selectors import (
    passport_owner_open,
    passport_owner_view,
    passport_preview,
    passport_reads,
    passport_section_history,
    passports_owned_by,
)


class MyPassportListApi(OwnerApi):
    @extend_schema(
        operation_id="my_passports_list",
        summary="List the passports you own",
        description="A young person's own; a parent or carer's, those they hold for young children.",
        tags=OWNER_TAGS,
        responses={200: PassportOutputSerializer(many=True)},
    )
    def get(self, request):
        return Response(
            [_passport_out(p, passport_owner_view(passport=p)) for p in passports_owned_by(user=request.user)]
        )


class MyPassportApi(OwnerApi):
    @extend_schema(
        operation_id="my_passports_retrieve",
        summary="Read your passport",
        tags=OWNER_TAGS,
        parameters=[PASSPORT_ID],
        responses={200: PassportOutputSerializer},
    )
    def get(self, request, passport_id: str):
        passport = self.passport(request, passport_id)
        return Response(_passport_out(passport, passport_owner_open(owner=request.user, passport=passport)))


class MyPassportSectionApi(OwnerApi):
    class InputSerializer(serializers.Serializer):
        text = serializers.CharField(max_length=SECTION_TEXT_MAX_LENGTH, allow_blank=True)

        class Meta:
            ref_name = "PassportSectionInput"

    @extend_schema(
        operation_id="my_passports_sections_versions",
        summary="Every version of one section, newest first",
        tags=OWNER_TAGS,
        parameters=[PASSPORT_ID, SECTION],
        responses={200: VersionOutputSerializer(many=True)},
    )
    def get(self, request, passport_id: str, section: str):
        passport = self.passport(request, passport_id)
        history = passport_section_history(passport=passport, section=_section_or_404(section))
        return Response(VersionOutputSerializer(history, many=True).data)

    @extend_schema(
        operation_id="my_passports_sections_write",
        summary="Write a section in your own words",
        description="Makes a new version; the earlier ones are kept.",
        tags=OWNER_TAGS,
        parameters=[PASSPORT_ID, SECTION],
        request=InputSerializer,
        responses={200: VersionOutputSerializer},
    )
    def put(self, request, passport_id: str, section: str):
        passport = self.passport(request, passport_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        version = services.passport_section_write(
            actor=request.user,
            passport=passport,
            section=_section_or_404(section),
            **serializer.validated_data,
        )
        return Response(VersionOutputSerializer(version).data)


class MyPassportPreviewApi(OwnerApi):
    @extend_schema(
        operation_id="my_passports_preview",
        summary="See what a person, or anyone at an organisation, will see",
        description="Computed by the same rule as a real read. Give `person` or `organisation`.",
        tags=OWNER_TAGS,
        parameters=[
            PASSPORT_ID,
            OpenApiParameter("person", OpenApiTypes.UUID),
            OpenApiParameter("organisation", OpenApiTypes.UUID),
        ],
        responses={200: SectionOutputSerializer(many=True)},
    )
    def get(self, request, passport_id: str):
        passport = self.passport(request, passport_id)
        person = request.query_params.get("person")
        organisation = request.query_params.get("organisation")
        if bool(person) == bool(organisation):
            raise serializers.ValidationError(
                {"person": ["Give the id of one person, or of one organisation (`organisation`)"]}
            )
        try:
            if person:
                views = passport_preview(
                    owner=request.user, passport=passport, viewer=_one(User.objects.all(), person)
                )
            else:
                views = passport_preview(
                    owner=request.user,
                    passport=passport,
                    organisation=_one(Organisation.objects.all(), organisation),
                )
        except Http404:
            field = "person" if person else "organisation"
            raise serializers.ValidationError({field: [f"There is no {field} with that id"]}) from None
        return Response([_section_out(view) for view in views])


class MyPassportReadsApi(OwnerApi):
    @extend_schema(
        operation_id="my_passports_reads_list",
        summary="Who opened your passport, which parts and when",
        tags=OWNER_TAGS,
        parameters=[PASSPORT_ID],
        responses={200: ReadOutputSerializer(many=True)},
    )
    def get(self, request, passport_id: str):
        passport = self.passport(request, passport_id)
        return Response(ReadOutputSerializer(passport_reads(passport=passport)[:500], many=True).data)


class MyPassportDeleteApi(OwnerApi):
    class InputSerializer(serializers.Serializer):
        confirm = serializers.BooleanField(default=False, help_text="Must be true: this cannot be undone.")

        class Meta:
            ref_name = "PassportDeleteInput"

    @extend_schema(
        operation_id="my_passports_delete",
        summary="Delete your passport: every section, version, proposal and share",
        tags=OWNER_TAGS,
        parameters=[PASSPORT_ID],
        request=InputSerializer,
        responses={204: None},
    )
    def post(self, request, passport_id: str):
        passport = self.passport(request, passport_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.passport_delete(actor=request.user, passport=passport, **serializer.validated_data)
        return Response(status=status.HTTP_204_NO_CONTENT)
