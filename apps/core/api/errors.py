"""The API's one error shape.

Every 4xx has the shape drf-standardized-errors gives (documented in the OpenAPI schema)::

    {"type": "validation_error",
     "errors": [{"code": "check_digit", "detail": "This is not a valid NHS number ...", "attr": "nhs_number"}]}

``attr`` names the field to fix (``identifiers.0.value`` inside lists), or is null for the request as a whole.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_standardized_errors.handler import ExceptionHandler
from rest_framework import exceptions
from rest_framework.fields import get_error_detail

from apps.core.exceptions import ApplicationError, NotPermitted

class BeaconExceptionHandler(ExceptionHandler):
    """Turn the services' errors into the API's one error shape, naming the field to fix."""

    def convert_known_exceptions(self, exc: Exception) -> Exception:
        if isinstance(exc, NotPermitted):
            return exceptions.PermissionDenied(exc.message)
        if isinstance(exc, ApplicationError):
            detail = exceptions.ErrorDetail(exc.message, code=exc.code)
            return exceptions.ValidationError({exc.field or "non_field_errors": [detail]})
        if isinstance(exc, DjangoValidationError):
            return exceptions.ValidationError(get_error_detail(exc))
        return super().convert_known_exceptions(exc)

