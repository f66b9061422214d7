"""The API's one error shape for the errors services raise, whichever kind they raise."""

import pytest
from django.core.exceptions import ValidationError
from rest_framework.views import APIView

from apps.core.api.errors import BeaconExceptionHandler
from apps.core.exceptions import ApplicationError, DuplicateRecord, NotPermitted


def _handle(exc):
    response = BeaconExceptionHandler(exc, {"view": APIView(), "request": None}).run()
    return response.status_code, response.data


def test_a_dotted_field_path_from_a_service_reaches_the_client_unchanged():
    status, body = _handle(ValidationError({"identifiers.0.value": ["Already issued to another child"]}))
    assert status == 400
    assert body == {
        "type": "validation_error",
        "errors": [
            {"code": "invalid", "detail": "Already issued to another child", "attr": "identifiers.0.value"}
        ],
    }


def test_a_django_error_code_and_its_parameters_are_kept():
    error = ValidationError("This one has %(length)s digits", code="length", params={"length": 8})
    _, body = _handle(ValidationError({"nhs_number": [error]}))
    assert body["errors"] == [{"code": "length", "detail": "This one has 8 digits", "attr": "nhs_number"}]


def test_an_error_about_the_whole_record_is_a_non_field_error():
    _, body = _handle(ValidationError({"__all__": ["Constraint violated"]}))
    assert body["errors"][0]["attr"] == "non_field_errors"
    _, body = _handle(ValidationError("Something about the whole request"))
    assert body["errors"][0]["attr"] is None


@pytest.mark.parametrize(
    ("exc", "attr", "code"),
    [
        (DuplicateRecord("Already used", field="nhs_number"), "nhs_number", "duplicate"),
        (ApplicationError("Say why"), "non_field_errors", "invalid"),
    ],
)
def test_an_application_error_names_its_field(exc, attr, code):
    status, body = _handle(exc)
    assert status == 400
    assert body["errors"] == [{"code": code, "detail": exc.message, "attr": attr}]


def test_not_permitted_is_a_403():
    status, body = _handle(NotPermitted("You can see this but not change it."))
    assert status == 403
    assert body == {
        "type": "client_error",
        "errors": [
            {"code": "permission_denied", "detail": "You can see this but not change it.", "attr": None}
        ],
    }
