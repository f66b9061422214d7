"""The young person's passport over the REST API (R83-R89).

Two audiences:
- professionals and partner agencies (a token, as for the rest of the API), under
  ``/api/v1/children/<public_id>/passport/``: read the sections the young person shares with them, start
  a passport with the young person, and propose changes. A child they may not see and a passport they
  may not open are both 404; a section not shared with them comes back as ``shared: false`` with no text.
- the owner (the young person, or a parent or carer for a young child), under ``/api/v1/my/passports/``,
  signed in with their Beacon session (young people get no API tokens): read and write their own
  sections, accept or reject proposals, share and revoke, preview what someone will see, move the
  passport to a new team, see who read it, and delete it. Anyone else's passport is a 404.

Each view reads top to bottom: find (through the owner or the access check), parse, call one service or
selector, shape the answer. Every rule lives in ``apps.passport.services``.
"""

import uuid

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.models import Organisation, User
from apps.children.models import FamilyMember
from apps.children.serializers import OrganisationReferenceSerializer
from apps.core.api.fields import PersonReferenceSerializer, PublicIdRelatedField
from apps.passport import services
from apps.passport.models import SECTION_TEXT_MAX_LENGTH, Passport, PassportProposal, PassportShare, Section
from apps.passport.selectors import (
    SectionView,
    access_passport,
    passport_for_owner,
    passport_open,
    passport_owner_open,
    passport_owner_view,
    passport_preview,
    passport_proposal_is_outdated,
    passport_proposals,
    passport_proposals_by,
    passport_reads,
    passport_section_history,
    passport_shares,
    passports_owned_by,
    passports_shared_with,
)
from apps.sharing.selectors import access_child

TAGS = ["Passport"]
OWNER_TAGS = ["My passport"]
CHILD_PUBLIC_ID = OpenApiParameter(
    "public_id",
    OpenApiTypes.UUID,
    OpenApiParameter.PATH,
    description="The young person's public id. A passport you may not open is a 404, as if it did not exist.",
)
PASSPORT_ID = OpenApiParameter(
    "passport_id",
    OpenApiTypes.UUID,
    OpenApiParameter.PATH,
    description="The public id of a passport you own. Anyone else's passport is a 404.",
)
SECTION = OpenApiParameter(
    "section", OpenApiTypes.STR, OpenApiParameter.PATH, enum=Section.values, description="The section."
)
PROPOSAL_ID = OpenApiParameter("proposal_id", OpenApiTypes.UUID, OpenApiParameter.PATH)
SHARE_ID = OpenApiParameter("share_id", OpenApiTypes.UUID, OpenApiParameter.PATH)


class IsSignedIn(permissions.IsAuthenticated):
    """Anyone signed in: the owner's endpoints then find only passports the caller owns."""

    message = "Sign in to Beacon to see your passport."


def _one(queryset, value):
    """One record by public id; a malformed id and someone else's record are both 404."""
    try:
        value = uuid.UUID(str(value))
    except ValueError:
        raise Http404("Not found") from None
    found = queryset.filter(public_id=value).first()
    if found is None:
        raise Http404("Not found")
    return found


def _section_or_404(section: str) -> str:
    if section not in Section.values:
        raise Http404("No such section")
    return section


# --- Shapes ------------------------------------------------------------------------------------------


class ChildReferenceSerializer(serializers.Serializer):
    public_id = serializers.UUIDField()
    known_as = serializers.CharField()

    class Meta:
        ref_name = "PassportChildReference"


class SectionOutputSerializer(serializers.Serializer):
    section = serializers.ChoiceField(choices=Section.choices)
    label = serializers.CharField()
    shared = serializers.BooleanField(
        source="visible", help_text="Whether you may read it. False: no text is given, whatever it says."
    )
    text = serializers.CharField(allow_null=True, help_text="Null if not shared with you or not written yet.")
    version = serializers.IntegerField(allow_null=True)
    written_at = serializers.DateTimeField(allow_null=True)
    author = PersonReferenceSerializer(allow_null=True, help_text="Whose words: the owner, or the proposer.")

    class Meta:
        ref_name = "PassportSection"


def _section_out(view: SectionView) -> dict:
    version = view.version if view.visible else None
    return SectionOutputSerializer(
        {
            "section": view.section,
            "label": view.label,
            "visible": view.visible,
            "text": version.text if version else None,
            "version": version.number if version else None,
            "written_at": version.accepted_at if version else None,
            "author": version.author if version else None,
        }
    ).data


class PassportOutputSerializer(serializers.Serializer):
    public_id = serializers.UUIDField()
    child = ChildReferenceSerializer()
    held_by_parent_or_carer = serializers.BooleanField()
    created_at = serializers.DateTimeField()
    sections = SectionOutputSerializer(many=True)

    class Meta:
        ref_name = "Passport"


def _passport_out(passport: Passport, views: list[SectionView]) -> dict:
    return {
        "public_id": str(passport.public_id),
        "child": ChildReferenceSerializer(passport.child).data,
        "held_by_parent_or_carer": passport.owner_family_member_id is not None,
        "created_at": serializers.DateTimeField().to_representation(passport.created_at),
        "sections": [_section_out(view) for view in views],
    }


class ProposalOutputSerializer(serializers.Serializer):
    public_id = serializers.UUIDField()
    section = serializers.ChoiceField(choices=Section.choices)
    text = serializers.CharField()
    reason = serializers.CharField()
    proposed_by = PersonReferenceSerializer()
    proposed_at = serializers.DateTimeField()
    status = serializers.ChoiceField(choices=PassportProposal.Status.choices)
    is_outdated = serializers.BooleanField(help_text="The section has changed since this was proposed.")
    decided_at = serializers.DateTimeField(allow_null=True)
    decision_note = serializers.CharField()

    class Meta:
        ref_name = "PassportProposal"


def _proposal_out(proposal: PassportProposal) -> dict:
    proposal.is_outdated = (
        proposal.status == PassportProposal.Status.PENDING
        and passport_proposal_is_outdated(proposal=proposal)
    )
    return ProposalOutputSerializer(proposal).data


class VersionOutputSerializer(serializers.Serializer):
    public_id = serializers.UUIDField()
    number = serializers.IntegerField()
    text = serializers.CharField()
    author = PersonReferenceSerializer()
    accepted_at = serializers.DateTimeField()
    from_proposal = serializers.UUIDField(source="from_proposal.public_id", allow_null=True)

    class Meta:
        ref_name = "PassportVersion"


class ShareOutputSerializer(serializers.Serializer):
    public_id = serializers.UUIDField()
    section = serializers.ChoiceField(choices=Section.choices)
    recipient_user = PersonReferenceSerializer(allow_null=True)
    recipient_organisation = OrganisationReferenceSerializer(allow_null=True)
    reason = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_on = serializers.DateField(allow_null=True, help_text="The last day it applies; null: no end date.")
    revoked_at = serializers.DateTimeField(allow_null=True)

    class Meta:
        ref_name = "PassportShare"


class ReadOutputSerializer(serializers.Serializer):
    occurred_at = serializers.DateTimeField()
    viewer = PersonReferenceSerializer()
    viewer_organisation = OrganisationReferenceSerializer(allow_null=True)
    sections = serializers.ListField(child=serializers.ChoiceField(choices=Section.choices))
    printed = serializers.BooleanField()

    class Meta:
        ref_name = "PassportRead"


# --- Professionals ------------------------------------------------------------------------------------


class ChildPassportApi(APIView):
    """The young person's passport as you may see it; or start one with them."""

    class StartInputSerializer(serializers.Serializer):
        owner = PublicIdRelatedField(
            what="parent or carer account",
            queryset=User.objects.filter(kind=User.Kind.PARENT_CARER),
            required=False,
            allow_null=True,
            help_text="Only for a young child: the parent or carer who holds it. Default: the young person.",
        )
        owner_family_member = PublicIdRelatedField(
            what="family member", queryset=FamilyMember.objects.all(), required=False, allow_null=True
        )

        class Meta:
            ref_name = "PassportStartInput"

    @extend_schema(
        operation_id="children_passport_retrieve",
        summary="Read the young person's passport",
        description=(
            "Every section in order. Sections the young person does not share with you (or your "
            "organisation) come back with `shared: false` and no text: consent to the case record does not "
            "open them. Each read is logged for the young person to see."
        ),
        tags=TAGS,
        parameters=[CHILD_PUBLIC_ID],
        responses={200: PassportOutputSerializer},
    )
    def get(self, request, public_id: str):
        passport = access_passport(viewer=request.user, child_public_id=public_id)
        return Response(_passport_out(passport, passport_open(viewer=request.user, passport=passport)))

    @extend_schema(
        operation_id="children_passport_create",
        summary="Start the young person's passport with them",
        description=(
            "For a professional in the young person's team. The passport belongs to the young person (their "
            "Beacon account) or, for a young child who cannot yet decide, to a parent or carer named here."
        ),
        tags=TAGS,
        parameters=[CHILD_PUBLIC_ID],
        request=StartInputSerializer,
        responses={201: PassportOutputSerializer},
    )
    def post(self, request, public_id: str):
        child = access_child(request.user, public_id, audit=False)
        serializer = self.StartInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        passport = services.passport_create(actor=request.user, child=child, **serializer.validated_data)
        return Response(
            _passport_out(passport, passport_open(viewer=request.user, passport=passport)),
            status=status.HTTP_201_CREATED,
        )


class ChildPassportProposalsApi(APIView):
    """Changes you proposed to the young person's passport; propose another."""

    class InputSerializer(serializers.Serializer):
        section = serializers.ChoiceField(choices=Section.choices)
        text = serializers.CharField(max_length=SECTION_TEXT_MAX_LENGTH, allow_blank=True)
        reason = serializers.CharField(allow_blank=True, help_text="Why: the young person reads this.")

        class Meta:
            ref_name = "PassportProposalInput"

    @extend_schema(
        operation_id="children_passport_proposals_list",
        summary="List the changes you proposed",
        tags=TAGS,
        parameters=[CHILD_PUBLIC_ID],
        responses={200: ProposalOutputSerializer(many=True)},
    )
    def get(self, request, public_id: str):
        passport = access_passport(viewer=request.user, child_public_id=public_id)
        return Response(
            [_proposal_out(p) for p in passport_proposals_by(passport=passport, user=request.user)]
        )

    @extend_schema(
        operation_id="children_passport_proposals_create",
        summary="Propose a change to a section",
        description="Nothing changes until the young person accepts it. You may propose to any section.",
        tags=TAGS,
        parameters=[CHILD_PUBLIC_ID],
        request=InputSerializer,
        responses={201: ProposalOutputSerializer},
    )
    def post(self, request, public_id: str):
        passport = access_passport(viewer=request.user, child_public_id=public_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        proposal = services.passport_change_propose(
            actor=request.user, passport=passport, **serializer.validated_data
        )
        return Response(_proposal_out(proposal), status=status.HTTP_201_CREATED)


class ChildPassportProposalWithdrawApi(APIView):
    @extend_schema(
        operation_id="children_passport_proposals_withdraw",
        summary="Withdraw a change you proposed, before the young person decides",
        tags=TAGS,
        parameters=[CHILD_PUBLIC_ID, PROPOSAL_ID],
        request=None,
        responses={200: ProposalOutputSerializer},
    )
    def post(self, request, public_id: str, proposal_id: str):
        passport = access_passport(viewer=request.user, child_public_id=public_id)
        proposal = _one(passport_proposals_by(passport=passport, user=request.user), proposal_id)
        return Response(
            _proposal_out(services.passport_proposal_withdraw(actor=request.user, proposal=proposal))
        )


class SharedPassportOutputSerializer(serializers.Serializer):
    child = ChildReferenceSerializer()
    sections = serializers.ListField(child=serializers.ChoiceField(choices=Section.choices))

    class Meta:
        ref_name = "SharedPassport"


class PassportsSharedWithMeApi(APIView):
    @extend_schema(
        operation_id="passports_shared_with_me_list",
        summary="List the passports shared with you or your organisation",
        description="How a new team finds a young person's passport before joining their team in Beacon.",
        tags=TAGS,
        responses={200: SharedPassportOutputSerializer(many=True)},
    )
    def get(self, request):
        return Response(
            [
                {"child": ChildReferenceSerializer(passport.child).data, "sections": sorted(visible)}
                for passport, visible in passports_shared_with(viewer=request.user)
            ]
        )


# --- The owner ------------------------------------------------------------------------------------------


class OwnerApi(APIView):
    permission_classes = [IsSignedIn]

    def passport(self, request, passport_id) -> Passport:
        return passport_for_owner(user=request.user, public_id=passport_id)


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


class MyPassportProposalListApi(OwnerApi):
    @extend_schema(
        operation_id="my_passports_proposals_list",
        summary="Changes professionals proposed to your passport",
        tags=OWNER_TAGS,
        parameters=[
            PASSPORT_ID,
            OpenApiParameter("status", OpenApiTypes.STR, enum=PassportProposal.Status.values),
        ],
        responses={200: ProposalOutputSerializer(many=True)},
    )
    def get(self, request, passport_id: str):
        passport = self.passport(request, passport_id)
        wanted = request.query_params.get("status") or None
        if wanted is not None and wanted not in PassportProposal.Status.values:
            raise serializers.ValidationError(
                {"status": [f"Choose one of: {', '.join(PassportProposal.Status.values)}"]}
            )
        return Response([_proposal_out(p) for p in passport_proposals(passport=passport, status=wanted)])


class MyPassportProposalAcceptApi(OwnerApi):
    class InputSerializer(serializers.Serializer):
        confirm_outdated = serializers.BooleanField(
            default=False,
            help_text="Needed if the section changed after the proposal was made (`is_outdated`).",
        )

        class Meta:
            ref_name = "PassportProposalAcceptInput"

    @extend_schema(
        operation_id="my_passports_proposals_accept",
        summary="Accept a proposed change: it becomes the section's new version",
        tags=OWNER_TAGS,
        parameters=[PASSPORT_ID, PROPOSAL_ID],
        request=InputSerializer,
        responses={200: VersionOutputSerializer},
    )
    def post(self, request, passport_id: str, proposal_id: str):
        passport = self.passport(request, passport_id)
        proposal = _one(passport_proposals(passport=passport), proposal_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        version = services.passport_proposal_accept(
            actor=request.user, proposal=proposal, **serializer.validated_data
        )
        return Response(VersionOutputSerializer(version).data)


class MyPassportProposalRejectApi(OwnerApi):
    class InputSerializer(serializers.Serializer):
        note = serializers.CharField(required=False, allow_blank=True, help_text="Optional: why not.")

        class Meta:
            ref_name = "PassportProposalRejectInput"

    @extend_schema(
        operation_id="my_passports_proposals_reject",
        summary="Reject a proposed change: the section stays as it is",
        tags=OWNER_TAGS,
        parameters=[PASSPORT_ID, PROPOSAL_ID],
        request=InputSerializer,
        responses={200: ProposalOutputSerializer},
    )
    def post(self, request, passport_id: str, proposal_id: str):
        passport = self.passport(request, passport_id)
        proposal = _one(passport_proposals(passport=passport), proposal_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        proposal = services.passport_proposal_reject(
            actor=request.user, proposal=proposal, **serializer.validated_data
        )
        return Response(_proposal_out(proposal))


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
