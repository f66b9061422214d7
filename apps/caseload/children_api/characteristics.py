"""Recording a young person's protected characteristics (R7) over the API: for a professional who may change
the record. Reading them is part of the child's record (``protected_characteristics`` in its detail)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.caseload.children_api.common import CHILD_PUBLIC_ID, TAGS
from apps.caseload.children_api.serializers import (
    ProtectedCharacteristicsOutputSerializer,
    protected_characteristics_data,
)
from apps.children.categories import Category
from apps.children.characteristics import protected_characteristics_record
from apps.children.models import (
    SEXUALITY_GENDER_FIELDS,
    DeclaredBy,
    Disability,
    Ethnicity,
    GenderIdentity,
    Religion,
    Sex,
    SexualOrientation,
)
from apps.children.selectors import CHANGE
from apps.sharing.selectors import access_child


def _answer(choices, help_text: str = "") -> serializers.ChoiceField:
    return serializers.ChoiceField(
        choices=choices.choices,
        required=False,
        allow_blank=True,
        help_text=help_text or "Empty: not recorded.",
    )


def _own_words(help_text: str) -> serializers.CharField:
    return serializers.CharField(required=False, allow_blank=True, max_length=100, help_text=help_text)


class ChildProtectedCharacteristicsApi(APIView):
    """Record or change what the young person told about their protected characteristics (R7)."""

    class InputSerializer(serializers.Serializer):
        declared_by = serializers.ChoiceField(
            choices=DeclaredBy.choices,
            help_text="Who told you these answers. Sexual orientation and gender identity are the young "
            "person's alone to tell: never `parent_carer`.",
        )
        ethnicity = _answer(
            Ethnicity, "The 2021 census ethnic groups of England and Wales. Empty: not recorded."
        )
        ethnicity_own_words = _own_words("With an `*_other` or `other_any` ethnic group only.")
        sex = _answer(Sex)
        gender_identity = _answer(
            GenderIdentity,
            "Is the gender they identify with the same as their sex registered at birth? Needs the "
            "`sexuality_gender` category.",
        )
        gender_identity_own_words = _own_words(
            "With `different` only. Needs the `sexuality_gender` category."
        )
        sexual_orientation = _answer(SexualOrientation, "Needs the `sexuality_gender` category.")
        sexual_orientation_own_words = _own_words("With `other` only. Needs the `sexuality_gender` category.")
        disability = _answer(Disability, "In the Equality Act 2010's sense, as the 2021 census asks it.")
        religion = _answer(Religion)
        religion_own_words = _own_words("With `other` only.")
        first_language = serializers.CharField(
            required=False, allow_blank=True, max_length=60, help_text="Sets the record's `first_language`."
        )
        first_language_prefer_not_to_say = serializers.BooleanField(
            required=False, help_text="True clears the record's `first_language`."
        )
        interpreter_needed = serializers.BooleanField(
            required=False, help_text="Sets the record's `interpreter_needed`."
        )

        class Meta:
            ref_name = "ProtectedCharacteristicsInput"

    @extend_schema(
        operation_id="children_protected_characteristics_partial_update",
        summary="Record the young person's protected characteristics",
        description=(
            "All optional and self-declared; only the answers sent change. `prefer_not_to_say` is an answer, "
            "an empty one means not recorded. A 403 means you may see the record but not change it, or you "
            "sent sexual orientation or gender identity without consent to see that category. Problems are "
            "reported against the answer to fix; nothing is saved unless everything is valid."
        ),
        tags=TAGS,
        parameters=[CHILD_PUBLIC_ID],
        request=InputSerializer,
        responses={200: ProtectedCharacteristicsOutputSerializer},
    )
    def patch(self, request, public_id: str):
        child = access_child(request.user, public_id, perm=CHANGE)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        answers = serializer.validated_data
        if any(field in answers for field in SEXUALITY_GENDER_FIELDS):
            # Writing what one may not read is refused: say why, and what would open it.
            child.access.require(Category.SEXUALITY_GENDER)
        row = protected_characteristics_record(actor=request.user, child=child, **answers)
        return Response(protected_characteristics_data(row, access=child.access))
