"""The API's one error shape.

Every 4xx has the shape drf-standardized-errors gives (documented in the OpenAPI schema)::

    {"type": "validation_error",
     "errors": [{"code": "invalid", "detail": "This is not a valid NHS number ...", "attr": "nhs_number"}]}

``attr`` names the field to fix (``identifiers.0.value`` inside lists), or is ``non_field_errors`` for a
problem with the request as a whole; it is null for errors that are not about the input (401, 403, 404 ...).
"""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from drf_standardized_errors.handler import ExceptionHandler
from rest_framework import exceptions
from rest_framework.fields import get_error_detail
from rest_framework.settings import api_settings

from apps.core.exceptions import ApplicationError, NotPermitted, RecordMerged


class RecordMergedError(exceptions.APIException):
    """A child's id that names a record merged into another, which the caller may see: 409, naming the
    survivor's id (also as ``Location``). Never a redirect a client would follow with its write."""

    status_code = 409
    default_code = "record_merged"

    def __init__(self, merged: RecordMerged) -> None:
        super().__init__(
            f"This child's record was merged into the record {merged.survivor_public_id}: use that id.",
            code="record_merged",
        )
        self.survivor_public_id = merged.survivor_public_id


def _field_name(key: str) -> str:
    """Django's key for errors about the whole object (``__all__``) is DRF's ``non_field_errors``."""
    return api_settings.NON_FIELD_ERRORS_KEY if key == NON_FIELD_ERRORS else key


class BeaconExceptionHandler(ExceptionHandler):
    """Turn the services' errors into the API's one error shape, naming the field to fix."""

    def convert_known_exceptions(self, exc: Exception) -> Exception:
        if isinstance(exc, RecordMerged):
            return RecordMergedError(exc)
        if isinstance(exc, NotPermitted):
            return exceptions.PermissionDenied(exc.message, code=exc.code)
        if isinstance(exc, ApplicationError):
            detail = exceptions.ErrorDetail(exc.message, code=exc.code)
            return exceptions.ValidationError({_field_name(exc.field or NON_FIELD_ERRORS): [detail]})
        if isinstance(exc, DjangoValidationError):
            detail = get_error_detail(exc)
            if isinstance(detail, dict):
                # Services key errors by the input's path ("identifiers.0.value"); the formatter keeps a
                # flat dotted key as it is, so the path reaches the client unchanged.
                detail = {_field_name(key): messages for key, messages in detail.items()}
            return exceptions.ValidationError(detail)
        return super().convert_known_exceptions(exc)

    def get_response(self, exc, data):
        response = super().get_response(exc, data)
        if isinstance(exc, RecordMergedError):
            response["Location"] = reverse(
                "children-api:detail", kwargs={"public_id": exc.survivor_public_id}
            )
        return response
