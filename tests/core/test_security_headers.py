"""The headers every page and API response carries (issue 5 point 3), seen on representative ones."""

import pytest
from django.test import override_settings

from tests.auth import sign_in

pytestmark = pytest.mark.django_db


def _csp(response) -> dict[str, str]:
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, _, value = part.strip().partition(" ")
        directives[name] = value
    return directives


def test_a_page_about_a_child_forbids_inline_script_framing_and_caching(signed_in_client, child):
    response = signed_in_client.get(f"/children/{child.public_id}/")

    assert response.status_code == 200
    csp = _csp(response)
    assert csp["default-src"] == "'self'"
    assert csp["script-src"] == "'self'"  # No 'unsafe-inline', no nonce, no other origin.
    assert csp["style-src"] == "'self'"
    assert csp["frame-ancestors"] == "'none'"
    assert csp["object-src"] == "'none'"
    assert "http" not in response["Content-Security-Policy"]  # No third-party origin anywhere.
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Permissions-Policy"] == "camera=(), microphone=(), geolocation=()"
    assert "no-store" in response["Cache-Control"]


def test_the_pages_themselves_carry_no_inline_script(signed_in_client, child):
    html = signed_in_client.get(f"/children/{child.public_id}/").content.decode()

    assert "<script>" not in html
    assert " onclick=" not in html
    assert 'style="' not in html


def test_an_api_response_with_personal_data_is_not_stored(api_client, lead_professional, child):
    sign_in(api_client, lead_professional)

    response = api_client.get(f"/api/v1/children/{child.public_id}/")

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert "Content-Security-Policy" in response


@override_settings(
    SECURE_HSTS_SECONDS=31536000,
    SECURE_HSTS_INCLUDE_SUBDOMAINS=True,
    SECURE_SSL_REDIRECT=True,
    SESSION_COOKIE_SECURE=True,
    CSRF_COOKIE_SECURE=True,
)
def test_over_https_as_in_production_hsts_and_secure_cookies(client, lead_professional, password):
    response = client.post("/accounts/sign-in/", {"username": "lead", "password": password}, secure=True)

    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    cookie = response.cookies["sessionid"]
    assert cookie["secure"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert client.get("/accounts/sign-in/")["Location"].startswith("https://")  # Plain HTTP goes to HTTPS.


def test_production_settings_turn_on_hsts_and_secure_cookies():
    import pathlib

    production = (pathlib.Path(__file__).parents[2] / "config" / "settings" / "production.py").read_text()
    for setting in ("SECURE_HSTS_SECONDS", "SESSION_COOKIE_SECURE = True", "CSRF_COOKIE_SECURE = True"):
        assert setting in production


def test_an_oversized_body_is_refused_and_changes_nothing(signed_in_client, child, settings):
    from apps.children.models import Child

    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    before = Child.objects.count()

    response = signed_in_client.post(
        "/children/new/details/", {"given_name": "x" * 2048}, headers={"Accept": "text/html"}
    )

    assert response.status_code == 400
    assert Child.objects.count() == before


def test_the_csrf_cookie_is_not_readable_by_script(client):
    response = client.get("/accounts/sign-in/")

    assert response.cookies["csrftoken"]["httponly"]
