"""The OpenAPI schema documents every error an operation can answer with, in the one error shape.

drf-standardized-errors adds error responses where it can see they apply; these are the ones it cannot
see, added to every operation in one place rather than view by view:

- 400 on every operation: any query parameter or body field holding a control character is refused
  (apps.core.middleware, apps.core.api.parsers), and services report errors against fields the input
  serializer does not declare (``identifiers.0.value``) or about the request as a whole. So a 400's
  ``attr`` names any field and its ``code`` says why, rather than enumerating codes field by field.
- 403 on every operation, with Beacon's own codes: ``withheld`` when the caller may see the child but
  not this category of their information, ``permission_denied`` otherwise (including a young person
  using an API for professionals, or a missing CSRF token on a browser session).
- 404 on every operation: any child-scoped lookup answers 404 for "not shared with you".
- 429 on every operation: refused reads and sign-in attempts are rate-limited per person.
- 409 on every operation about one child (a ``{public_id}`` in its path): code ``record_merged`` when the id
  names a record merged into another that the caller may see, naming the record that survived (R2).
"""

from drf_spectacular.utils import PolymorphicProxySerializer
from drf_standardized_errors import openapi
from drf_standardized_errors.handler import exception_handler as standardized_errors_handler
from drf_standardized_errors.openapi_serializers import (
    ClientErrorEnum,
    ParseErrorResponseSerializer,
    ValidationErrorEnum,
)
from rest_framework import serializers

# Every code a 403 can carry (apps.core.exceptions.NotPermitted and its callers, DRF's own).
PERMISSION_ERROR_CODES = {
    "permission_denied": "The caller may not do this (or may see it but not change it).",
    "withheld": "The caller may see the child, but not this category of their information.",
    "two_factor_not_set_up": "A professional signing in has not set up their second factor yet.",
}
ALWAYS_DOCUMENTED = {"400", "403", "404", "405", "429"}


class FieldErrorSerializer(serializers.Serializer):
    code = serializers.CharField(
        help_text="Why the input was refused, for example `required` or `duplicate`."
    )
    detail = serializers.CharField(help_text="What to change, in words to show the person.")
    attr = serializers.CharField(
        allow_null=True,
        help_text="The field to fix, dotted inside lists (`identifiers.0.value`); `non_field_errors` for "
        "the request as a whole.",
    )

    class Meta:
        ref_name = "FieldError"


class ValidationErrorResponseSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=ValidationErrorEnum.choices)
    errors = FieldErrorSerializer(many=True)

    class Meta:
        ref_name = "ValidationErrorResponse"


class PermissionErrorSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=list(PERMISSION_ERROR_CODES.items()))
    detail = serializers.CharField()
    attr = serializers.CharField(allow_null=True)

    class Meta:
        ref_name = "Error403"


class PermissionErrorResponseSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=ClientErrorEnum.choices)
    errors = PermissionErrorSerializer(many=True)

    class Meta:
        ref_name = "ErrorResponse403"


class RecordMergedErrorSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=[("record_merged", "The record was merged into another.")])
    detail = serializers.CharField(help_text="Names the id of the record that survived, to use instead.")
    attr = serializers.CharField(allow_null=True)

    class Meta:
        ref_name = "Error409Merged"


class RecordMergedResponseSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=ClientErrorEnum.choices)

    class Meta:
        ref_name = "ErrorResponse409Merged"

    def get_fields(self) -> dict:
        # Declared here: a class attribute named ``errors`` would shadow the serializer's own ``errors``.
        return {**super().get_fields(), "errors": RecordMergedErrorSerializer(many=True)}


BAD_REQUEST = PolymorphicProxySerializer(
    component_name="ErrorResponse400",
    serializers={
        "validation_error": ValidationErrorResponseSerializer,
        ClientErrorEnum.CLIENT_ERROR.value: ParseErrorResponseSerializer,
    },
    resource_type_field_name="type",
)


class AutoSchema(openapi.AutoSchema):
    def _get_allowed_error_status_codes(self) -> list[str]:
        return [*super()._get_allowed_error_status_codes(), "409"]

    def _should_add_error_response(self, responses: dict, status_code: str) -> bool:
        if status_code in responses or self.view.get_exception_handler() is not standardized_errors_handler:
            return False  # Documented by the view itself, or the view answers errors its own way.
        if status_code == "409":
            return "{public_id}" in self.path  # A child's id may name a merged record.
        if status_code in ALWAYS_DOCUMENTED:
            return True
        return super()._should_add_error_response(responses, status_code)

    def _get_error_response_serializer(self, status_code: str):
        if status_code == "400":
            return BAD_REQUEST
        if status_code == "403":
            return PermissionErrorResponseSerializer
        if status_code == "409":
            return RecordMergedResponseSerializer
        return super()._get_error_response_serializer(status_code)
