"""Bad input is a 400 that names the field to fix, in the one error shape; never a server error.

Each test here is a probe that once ended in a 500 or was accepted (issue 11).
"""

import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from rest_framework.test import APIClient

from apps.appointments.models import Appointment
from apps.children.models import Child
from apps.core.nhs_number import validate_nhs_number
from apps.core.validation import validate_date_of_birth, validate_event_date, validate_printable_name
from apps.teams.models import Meeting
from tests.auth import sign_in
from tests.factories import share_with
from tests.teams.factories import lead_for

pytestmark = pytest.mark.django_db

CHILDREN_URL = "/api/v1/children/"


@pytest.fixture
def api(lead_professional, child):
    lead_for(child, lead_professional)
    share_with(child, lead_professional, "appointments")
    client = APIClient()
    client.force_authenticate(lead_professional)
    return client


def _errors(response) -> list[tuple[str, str]]:
    return [(error["attr"], error["code"]) for error in response.json()["errors"]]


def _new_child(**overrides) -> dict:
    return {"given_name": "Jay", "family_name": "Mensah", "date_of_birth": "2011-05-01", **overrides}


# --- NUL bytes and control characters -------------------------------------------------------------


@pytest.mark.parametrize("url", [CHILDREN_URL, "/api/v1/organisations/", "/api/v1/caseload/"])
def test_a_nul_byte_in_a_search_or_filter_parameter_is_a_400_naming_the_parameter(api, url):
    response = api.get(url, {"search": "Sam\x00", "only": "\x00"})

    assert response.status_code == 400
    body = response.json()
    assert body["type"] == "validation_error"
    assert body["errors"][0]["attr"] in {"search", "only"}
    assert body["errors"][0]["code"] == "control_characters"
    assert "U+0000 (NUL)" in body["errors"][0]["detail"]


def test_a_nul_byte_in_a_browser_search_is_a_page_saying_which_field_to_fix(signed_in_client):
    response = signed_in_client.get("/children/", {"q": "Sam\x00"})

    assert response.status_code == 400
    page = response.content.decode()
    assert "<strong>q</strong>" in page
    assert "U+0000 (NUL)" in page


def test_a_control_character_in_a_posted_form_is_a_400_and_nothing_is_saved(signed_in_client):
    response = signed_in_client.post(
        "/children/new/details/", {"given_name": "Jay\x1b[31m", "family_name": "M"}
    )

    assert response.status_code == 400
    assert Child.objects.filter(family_name="M").count() == 0


def test_tabs_and_line_breaks_in_a_query_are_allowed(api):
    assert api.get(CHILDREN_URL, {"search": "Sam\tOkafor\r\n"}).status_code == 200


def test_a_control_character_in_a_name_is_a_400_naming_the_field(api):
    response = api.post(CHILDREN_URL, _new_child(given_name="Jay\x07"), format="json")

    assert response.status_code == 400
    assert _errors(response) == [("given_name", "control_characters")]
    assert not Child.objects.filter(family_name="Mensah").exists()


def test_a_line_break_or_a_direction_override_in_a_name_is_a_400_naming_the_field(api):
    for name in ("Jay\nMensah", "Jay\u202eMensah"):
        response = api.post(CHILDREN_URL, _new_child(family_name=name), format="json")

        assert response.status_code == 400, name
        assert _errors(response) == [("family_name", "not_printable")]
    assert not Child.objects.filter(given_name="Jay").exists()


def test_a_control_character_deep_in_a_body_names_the_dotted_path(api):
    body = _new_child(identifiers=[{"kind": "local", "value": "A\x00B"}])
    response = api.post(CHILDREN_URL, body, format="json")

    assert response.status_code == 400
    assert _errors(response) == [("identifiers.0.value", "control_characters")]


def test_names_in_every_script_with_apostrophes_and_hyphens_are_printable():
    for name in ("Siobhán O'Neill-Ó Briain", "Zoë", "محمد", "Nguyễn", "李小龍", "Łucja"):
        validate_printable_name(name)


# --- JSON nested too deep ---------------------------------------------------------------------------


def test_json_nested_a_thousand_deep_on_the_token_endpoint_is_a_400_parse_error():
    body = "[" * 1000 + "]" * 1000
    response = APIClient().post("/api/v1/auth/token/", body, content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {
        "type": "client_error",
        "errors": [
            {"code": "parse_error", "detail": "The JSON is nested more than 32 levels deep.", "attr": None}
        ],
    }


def test_json_nested_past_the_recursion_limit_is_a_400_too():
    body = '{"a":' * 100_000 + "1" + "}" * 100_000
    response = APIClient().post("/api/v1/auth/token/", body, content_type="application/json")
    assert response.status_code == 400


def test_json_with_nan_is_a_400_parse_error(api):
    response = api.post(CHILDREN_URL, '{"given_name": NaN}', content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "parse_error"


# --- NHS numbers --------------------------------------------------------------------------------------


def test_a_superscript_digit_in_an_nhs_number_is_a_400_with_a_message(api):
    response = api.post(CHILDREN_URL, _new_child(nhs_number="999000001²"), format="json")

    assert response.status_code == 400
    body = response.json()
    assert _errors(response) == [("nhs_number", "not_digits")]
    assert "numbers only" in body["errors"][0]["detail"]


@pytest.mark.parametrize("value", ["999000001²", "\uff19" * 10, "999000001٨"])
def test_digits_that_are_not_ascii_are_not_an_nhs_number(value):
    with pytest.raises(ValidationError) as raised:
        validate_nhs_number(value)
    assert raised.value.code == "not_digits"


# --- Plausible dates --------------------------------------------------------------------------------------


def test_a_date_of_birth_in_1800_is_a_400_naming_the_field(api):
    response = api.post(CHILDREN_URL, _new_child(date_of_birth="1800-01-01"), format="json")

    assert response.status_code == 400
    assert _errors(response) == [("date_of_birth", "date_of_birth_too_early")]
    assert not Child.objects.filter(given_name="Jay").exists()


def test_dates_of_birth_from_1900_to_today_are_plausible():
    validate_date_of_birth(datetime.date(1900, 1, 1))
    validate_date_of_birth(timezone.localdate())
    with pytest.raises(ValidationError):
        validate_date_of_birth(timezone.localdate() + datetime.timedelta(days=1))


@pytest.mark.parametrize("year", [1273, 3000])
def test_a_meeting_in_1273_or_3000_is_a_400_naming_the_field(api, child, year):
    body = {
        "kind": "network",
        "held_at": f"{year}-06-01T10:00:00Z",
        "location": "School",
        "young_person_views": "I want to keep going to football.",
    }
    response = api.post(f"/api/v1/children/{child.public_id}/meetings/", body, format="json")

    assert response.status_code == 400
    # The meetings service reports its errors by message, so the code is the generic one.
    [error] = response.json()["errors"]
    assert error["attr"] == "held_at"
    assert "check the year" in error["detail"]
    assert not Meeting.objects.filter(child=child).exists()


@pytest.mark.parametrize("year", [1273, 3000])
def test_an_appointment_in_1273_or_3000_is_a_400_naming_the_field(api, child, lead_professional, year):
    body = {
        "professional": str(lead_professional.public_id),
        "purpose": "First session",
        "starts_at": f"{year}-06-01T10:00:00Z",
        "location": "clinic",
    }
    response = api.post(f"/api/v1/children/{child.public_id}/appointments/", body, format="json")

    assert response.status_code == 400
    assert _errors(response) == [("starts_at", "date_out_of_range")]
    assert not Appointment.objects.filter(child=child).exists()


def test_events_ten_years_back_to_five_years_ahead_are_plausible():
    today = timezone.localdate()
    validate_event_date(today.replace(year=today.year - 10) + datetime.timedelta(days=1))
    validate_event_date(timezone.now() + datetime.timedelta(days=4 * 365))
    for day in (today.replace(year=today.year - 11), today.replace(year=today.year + 6)):
        with pytest.raises(ValidationError):
            validate_event_date(day)


# --- OPTIONS ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "rest", ["meetings/", "actions/", "appointments/", "consents/", "referrals/", "competence-assessments/"]
)
def test_options_on_a_child_scoped_list_describes_the_endpoint(api, child, rest):
    response = api.options(f"/api/v1/children/{child.public_id}/{rest}")

    assert response.status_code == 200
    assert set(response.json()) == {"name", "description", "renders", "parses"}


@pytest.mark.parametrize("url", ["/api/v1/notifications/contact/", "/api/v1/referrals/consultations/"])
def test_options_on_endpoints_without_a_serializer_class_is_a_200(api, url):
    assert api.options(url).status_code == 200


def test_options_signed_in_with_a_session_is_a_200(client, lead_professional):
    sign_in(client, lead_professional)
    response = client.options("/api/v1/notifications/contact/")
    assert response.status_code == 200
    assert json.loads(response.content)["name"]
