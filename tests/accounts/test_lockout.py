"""Brute-force lockout (django-axes), keyed on username and address together."""

import pytest
from axes.models import AccessAttempt
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from tests.auth import current_code
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

SIGN_IN = reverse("accounts:sign-in")
CODE = reverse("accounts:sign-in-code")
HERE = "10.0.0.5"
ELSEWHERE = "192.0.2.77"


@pytest.fixture(autouse=True)
def _fresh_throttles():
    cache.clear()
    yield
    cache.clear()


def _try(client, username, password, address=HERE):
    return client.post(SIGN_IN, {"username": username, "password": password}, REMOTE_ADDR=address)


@override_settings(AXES_FAILURE_LIMIT=3)
def test_wrong_passwords_from_one_address_lock_that_username_there(client, lead_professional):
    for _ in range(2):
        assert _try(client, "lead", "guess").status_code == 200  # The form again, with its error.

    response = _try(client, "lead", "guess")

    assert response.status_code == 429
    page = response.content.decode()
    assert "Signing in is paused" in page
    assert "wait 15 minutes" in page
    assert "ask your Beacon administrator to unlock your account" in page
    # Locked: even the right password gets the same page, and nobody is signed in.
    assert _try(client, "lead", PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session


@override_settings(AXES_FAILURE_LIMIT=3)
def test_a_lockout_from_elsewhere_does_not_lock_the_clinician_out_at_her_desk(client, lead_professional):
    for _ in range(3):
        _try(client, "lead", "guess", address=ELSEWHERE)
    assert _try(client, "lead", PASSWORD, address=ELSEWHERE).status_code == 429

    response = _try(client, "lead", PASSWORD, address=HERE)

    assert response.status_code == 302
    assert response["Location"].startswith(CODE)


@override_settings(AXES_FAILURE_LIMIT=3)
def test_one_address_guessing_other_usernames_does_not_lock_this_one(client, lead_professional, outsider):
    for _ in range(3):
        _try(client, "outsider", "guess")

    assert _try(client, "lead", PASSWORD).status_code == 302


@override_settings(AXES_FAILURE_LIMIT=3)
def test_wrong_codes_count_towards_the_lockout_and_end_the_half_signed_in_session(client, lead_professional):
    _try(client, "lead", PASSWORD)
    wrong = f"{(int(current_code()) + 1) % 1_000_000:06d}"
    for _ in range(2):
        assert client.post(CODE, {"otp_code": wrong}, REMOTE_ADDR=HERE).status_code == 200

    response = client.post(CODE, {"otp_code": wrong}, REMOTE_ADDR=HERE)

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert AccessAttempt.objects.get(username="lead", ip_address=HERE).failures_since_start == 3
    assert _try(client, "lead", PASSWORD).status_code == 429


@override_settings(AXES_FAILURE_LIMIT=2)
def test_the_api_says_locked_out_in_the_standard_error_shape(api_client, lead_professional):
    body = {"username": "lead", "password": "guess", "otp_code": "123456"}
    api_client.post("/api/v1/auth/token/", body, format="json")
    response = api_client.post("/api/v1/auth/token/", body, format="json")

    assert response.status_code == 429
    assert response.json()["type"] == "client_error"
    assert response.json()["errors"][0]["code"] == "locked_out"
    assert response["Retry-After"] == "900"
