"""The children's input and output shapes more than one endpoint uses, and the record's detail answer."""

from django.urls import reverse
from drf_spectacular.utils import (
    extend_schema_field,
)
from rest_framework import serializers, status
from rest_framework.response import Response

from apps.accounts.models import Organisation
from apps.caseload.consent_gaps import GapKind, consent_gaps_for
from apps.children.categories import Category
from apps.children.characteristics import protected_characteristics_of
from apps.children.models import (
    SEXUALITY_GENDER_FIELDS,
    Child,
    ChildIdentifier,
    DeclaredBy,
    Disability,
    Ethnicity,
    FamilyMember,
    GenderIdentity,
    NhsNumberStatus,
    ProtectedCharacteristics,
    Religion,
    Sex,
    SexualOrientation,
    SocialWorkInvolvement,
)
from apps.children.selectors import child_detail
from apps.children.serializers import OrganisationReferenceSerializer
from apps.core.api.fields import PersonReferenceSerializer, PublicIdRelatedField
from apps.sharing.access import child_access

# --- Output shapes shared by several endpoints -------------------------------------------------


class ConsentGapOutputSerializer(serializers.Serializer):
    """One gap in a child's consent (``apps.caseload.consent_gaps``), with where it is put right."""

    kind = serializers.ChoiceField(choices=GapKind.choices)
    message = serializers.CharField(help_text="What the gap is, in words.")
    on = serializers.DateField(
        allow_null=True, help_text="The day the consent ends, was withdrawn, or the review fell due."
    )
    consent = serializers.UUIDField(allow_null=True, help_text="The consent it is about, if one.")
    review = serializers.UUIDField(allow_null=True, help_text="The consent review it is about, if one.")
    organisation = serializers.UUIDField(
        allow_null=True, help_text="The team member's organisation without consent, if that is the gap."
    )
    fix_url = serializers.CharField(help_text="The part of the child's consent page where it is put right.")

    class Meta:
        ref_name = "ConsentGap"


class ChildIdentifierOutputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ChildIdentifier.Kind.choices)
    kind_name = serializers.CharField(source="get_kind_display")
    value = serializers.CharField()
    issuer = OrganisationReferenceSerializer()


class SocialWorkPeriodOutputSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=SocialWorkInvolvement.Status.choices)
    status_name = serializers.CharField(source="get_status_display")
    legal_status = serializers.ChoiceField(
        choices=SocialWorkInvolvement.LegalStatus.choices, allow_blank=True
    )
    placement_type = serializers.ChoiceField(
        choices=SocialWorkInvolvement.PlacementType.choices, allow_blank=True
    )
    responsible_authority = OrganisationReferenceSerializer(allow_null=True)
    started_on = serializers.DateField()
    ended_on = serializers.DateField(allow_null=True, help_text="Empty for the current period.")


class VulnerabilityTypeOutputSerializer(serializers.Serializer):
    code = serializers.SlugField()
    name = serializers.CharField()


class VulnerabilityOutputSerializer(serializers.Serializer):
    type = VulnerabilityTypeOutputSerializer()
    source = serializers.CharField(help_text="Who identified it.")
    identified_on = serializers.DateField()
    ended_on = serializers.DateField(allow_null=True)
    note = serializers.CharField()


class FamilyMemberOutputSerializer(serializers.Serializer):
    public_id = serializers.UUIDField()
    name = serializers.CharField()
    relationship = serializers.ChoiceField(choices=FamilyMember.Relationship.choices)
    has_parental_responsibility = serializers.BooleanField()
    lives_in_household = serializers.BooleanField()
    phone = serializers.CharField()
    services_received = serializers.CharField()
    notes = serializers.CharField()


class ProtectedCharacteristicsOutputSerializer(serializers.Serializer):
    """The young person's protected characteristics (R7), self-declared: an empty answer is not recorded,
    ``prefer_not_to_say`` an answer of its own. Sexual orientation and gender identity are the sensitive
    category ``sexuality_gender``: null, with ``sexuality_gender_withheld``, unless you may see it (never
    for a parent or carer, who is not told either that it is withheld)."""

    ethnicity = serializers.ChoiceField(choices=Ethnicity.choices, allow_blank=True)
    ethnicity_own_words = serializers.CharField()
    sex = serializers.ChoiceField(choices=Sex.choices, allow_blank=True)
    disability = serializers.ChoiceField(choices=Disability.choices, allow_blank=True)
    religion = serializers.ChoiceField(choices=Religion.choices, allow_blank=True)
    religion_own_words = serializers.CharField()
    first_language_prefer_not_to_say = serializers.BooleanField(
        help_text="The first language itself is `first_language` on the record."
    )
    declared_by = serializers.ChoiceField(
        choices=DeclaredBy.choices, allow_blank=True, help_text="Who told us the answers above."
    )
    declared_at = serializers.DateTimeField(allow_null=True)
    sexuality_gender_withheld = serializers.BooleanField(
        help_text="True: sexual orientation and gender identity are withheld from you (no consent to share)."
    )
    gender_identity = serializers.ChoiceField(
        choices=GenderIdentity.choices,
        allow_blank=True,
        allow_null=True,
        help_text="Is the gender they identify with the same as their sex registered at birth?",
    )
    gender_identity_own_words = serializers.CharField(allow_null=True)
    sexual_orientation = serializers.ChoiceField(
        choices=SexualOrientation.choices, allow_blank=True, allow_null=True
    )
    sexual_orientation_own_words = serializers.CharField(allow_null=True)
    sexuality_gender_declared_by = serializers.ChoiceField(
        choices=DeclaredBy.choices, allow_blank=True, allow_null=True
    )
    sexuality_gender_declared_at = serializers.DateTimeField(allow_null=True)

    class Meta:
        ref_name = "ProtectedCharacteristics"


SEXUALITY_GENDER_OUTPUT = (
    *SEXUALITY_GENDER_FIELDS,
    "sexuality_gender_declared_by",
    "sexuality_gender_declared_at",
)


def protected_characteristics_data(row: ProtectedCharacteristics | None, *, access) -> dict:
    """The answers as ``access`` (the viewer's access decision) lets them be seen: sexual orientation and
    gender identity only with the sensitive category (``sees_text``: never a parent or carer)."""
    empty = ProtectedCharacteristics()
    source = row or empty
    fields: list[str] = [
        str(name)
        for name in ProtectedCharacteristicsOutputSerializer().fields
        if name != "sexuality_gender_withheld"
    ]
    data: dict[str, object] = {name: getattr(source, name) for name in fields}
    sees = access is not None and access.sees_text(Category.SEXUALITY_GENDER)
    if not sees:
        data.update(dict.fromkeys(SEXUALITY_GENDER_OUTPUT))
    data["sexuality_gender_withheld"] = (
        not sees and access is not None and access.may_know_withheld(Category.SEXUALITY_GENDER)
    )
    return ProtectedCharacteristicsOutputSerializer(data).data


class ChildDetailOutputSerializer(serializers.Serializer):
    """The whole record, strengths first, as ``child_detail`` fetched it (each list in one query)."""

    public_id = serializers.UUIDField()
    known_as = serializers.CharField(help_text="Preferred first name with family name: the name to use.")
    given_name = serializers.CharField()
    family_name = serializers.CharField()
    preferred_name = serializers.CharField()
    date_of_birth = serializers.DateField()
    nhs_number = serializers.CharField(allow_null=True, help_text="Ten digits, no spaces.")
    nhs_number_status = serializers.ChoiceField(
        choices=NhsNumberStatus.choices,
        help_text="Whether the NHS number was verified against the national register. A record is never "
        "matched silently by a number that is not verified.",
    )
    nhs_number_verified_on = serializers.DateField(allow_null=True)
    nhs_number_verified_by = PersonReferenceSerializer(allow_null=True)
    nhs_number_unavailable_reason = serializers.CharField(help_text="Why there is no NHS number, if none is.")
    strengths = serializers.CharField()
    interests = serializers.CharField()
    what_helps = serializers.CharField()
    what_does_not_help = serializers.CharField()
    communication_needs = serializers.CharField()
    first_language = serializers.CharField()
    interpreter_needed = serializers.BooleanField()
    prefers_easy_read = serializers.BooleanField()
    deprivation_decile = serializers.IntegerField(allow_null=True)
    identifiers = ChildIdentifierOutputSerializer(many=True)
    current_social_work_status = serializers.SerializerMethodField()
    social_work_history = SocialWorkPeriodOutputSerializer(many=True)
    current_vulnerability_count = serializers.SerializerMethodField(
        help_text="Current vulnerabilities you may see: flags of a withheld category are not counted."
    )
    current_vulnerabilities = serializers.SerializerMethodField()
    withheld_categories = serializers.SerializerMethodField(
        help_text=(
            "Sensitive categories (R80) of which this child has current vulnerabilities that are withheld "
            "from you: no consent to share. The flags themselves are left out."
        )
    )
    family_members = FamilyMemberOutputSerializer(many=True)
    protected_characteristics = serializers.SerializerMethodField()
    consent_gaps = serializers.SerializerMethodField(
        help_text="What in the child's consent needs looking at, each with where it is put right; null where "
        "you may not see the child's consent register (a parent or carer)."
    )
    created_by_organisation = OrganisationReferenceSerializer(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    # The open period or flag (no end date) is the current one; these read the lists already fetched.
    @extend_schema_field(
        serializers.ChoiceField(choices=SocialWorkInvolvement.Status.choices, allow_null=True)
    )
    def get_current_social_work_status(self, child: Child) -> str | None:
        current = [period for period in child.social_work_history.all() if period.ended_on is None]
        return current[0].status if current else None

    @extend_schema_field(ProtectedCharacteristicsOutputSerializer)
    def get_protected_characteristics(self, child: Child) -> dict:
        return protected_characteristics_data(
            protected_characteristics_of(child), access=self.context.get("access")
        )

    @extend_schema_field(ConsentGapOutputSerializer(many=True, allow_null=True))
    def get_consent_gaps(self, child: Child) -> list[dict] | None:
        access = self.context.get("access")
        if access is None or not access.sees_consent_register:
            return None
        gaps = consent_gaps_for(children=[child], accesses={child.pk: access})[child.pk]
        return list(ConsentGapOutputSerializer(gaps, many=True).data)

    def get_current_vulnerability_count(self, child: Child) -> int:
        return len(self._current_flags(child))

    @extend_schema_field(VulnerabilityOutputSerializer(many=True))
    def get_current_vulnerabilities(self, child: Child) -> list[dict]:
        return VulnerabilityOutputSerializer(self._current_flags(child), many=True).data

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=Category.choices)))
    def get_withheld_categories(self, child: Child) -> list[str]:
        access = self.context.get("access")
        withheld = {flag.type.category for flag in self._all_current_flags(child)} - {
            flag.type.category for flag in self._current_flags(child)
        }
        return sorted(category for category in withheld if access and access.may_know_withheld(category))

    def _current_flags(self, child: Child) -> list:
        """The current flags of categories the viewer may see (the access decision, ``access``, in context).

        Without it in the context nothing beyond the core record is shown: the safer default.
        """
        access = self.context.get("access")
        return [
            flag
            for flag in self._all_current_flags(child)
            if access is not None and access.sees(flag.type.category)
        ]

    @staticmethod
    def _all_current_flags(child: Child) -> list:
        return [flag for flag in child.vulnerability_flags.all() if flag.ended_on is None]


def child_detail_data(child: Child, *, viewer) -> dict:
    """The whole record as ``viewer`` may see it: flags of a category they lack are withheld."""
    return ChildDetailOutputSerializer(
        child_detail(child=child),
        context={"access": getattr(child, "access", None) or child_access(user=viewer, child=child)},
    ).data


def _detail_response(child: Child, *, viewer, status_code: int = status.HTTP_200_OK) -> Response:
    headers = {}
    if status_code == status.HTTP_201_CREATED:
        headers["Location"] = reverse("children-api:detail", kwargs={"public_id": child.public_id})
    return Response(child_detail_data(child, viewer=viewer), status=status_code, headers=headers)


# --- Input shapes --------------------------------------------------------------------------------


class ChildFieldsInputSerializer(serializers.Serializer):
    """The core record's fields. Length, NHS number and date checks are the service's, not repeated here."""

    given_name = serializers.CharField(help_text="Legal first name.")
    family_name = serializers.CharField(help_text="Legal last name.")
    preferred_name = serializers.CharField(required=False, allow_blank=True)
    date_of_birth = serializers.DateField(help_text="Today or in the past.")
    nhs_number = serializers.CharField(
        required=False,
        allow_blank=True,
        allow_null=True,
        help_text="Ten digits with a valid check digit; spaces and dashes are ignored (999 000 0018).",
    )
    strengths = serializers.CharField(required=False, allow_blank=True)
    interests = serializers.CharField(required=False, allow_blank=True)
    what_helps = serializers.CharField(required=False, allow_blank=True)
    what_does_not_help = serializers.CharField(required=False, allow_blank=True)
    communication_needs = serializers.CharField(required=False, allow_blank=True)
    first_language = serializers.CharField(required=False, allow_blank=True)
    interpreter_needed = serializers.BooleanField(required=False)
    prefers_easy_read = serializers.BooleanField(required=False)
    deprivation_decile = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="Index of Multiple Deprivation decile of the home postcode, 1 (most deprived) to 10.",
    )


class IdentifierInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ChildIdentifier.Kind.choices)
    value = serializers.CharField()
    issuer = PublicIdRelatedField(
        what="organisation",
        queryset=Organisation.objects.all(),
        help_text="The public id of the organisation that issued it (see /api/v1/organisations/).",
    )
