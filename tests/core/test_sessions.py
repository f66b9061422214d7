"""Sessions end after inactivity with a warning first and a fixed time after sign-in; API tokens too;
and "sign out everywhere" ends them all."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from knox.models import AuthToken

from tests.auth import sign_in

pytestmark = pytest.mark.django_db

CHILDREN = reverse("children:list")


def test_a_session_idle_longer_than_the_limit_is_signed_out_with_the_reason(
    client, lead_professional, settings
):
    settings.BEACON_SESSION_IDLE_MINUTES = 30
    with time_machine.travel("2026-11-23 09:00 +00:00", tick=False) as clock:
        sign_in(client, lead_professional)
        assert client.get(CHILDREN).status_code == 200

        clock.shift(29 * 60)  # Still active: each request moves the clock on.
        assert client.get(CHILDREN).status_code == 200
        clock.shift(29 * 60)
        assert client.get(CHILDREN).status_code == 200

        clock.shift(31 * 60)
        response = client.get(CHILDREN, follow=True)

    assert response.redirect_chain[0][0].startswith(reverse("accounts:sign-in"))
    assert "signed out after 30 minutes without activity" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_session_ends_a_fixed_time_after_sign_in_however_active(client, lead_professional, settings):
    settings.BEACON_SESSION_IDLE_MINUTES = 30
    settings.BEACON_SESSION_MAX_AGE_HOURS = 12
    with time_machine.travel("2026-11-23 08:00 +00:00", tick=False) as clock:
        sign_in(client, lead_professional)
        for _ in range(12 * 3):  # A request every 20 minutes all day: never idle.
            assert client.get(CHILDREN).status_code == 200
            clock.shift(20 * 60)
        clock.shift(-19 * 60)  # 11 hours 41 minutes after signing in: still in.
        assert client.get(CHILDREN).status_code == 200

        clock.shift(20 * 60)  # 12 hours 1 minute.
        response = client.get(CHILDREN, follow=True)

    assert response.redirect_chain[0][0].startswith(reverse("accounts:sign-in"))
    assert "because you signed in more than 12 hours ago" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_signing_in_again_starts_a_new_absolute_lifetime(client, lead_professional, settings):
    settings.BEACON_SESSION_MAX_AGE_HOURS = 1
    settings.BEACON_SESSION_IDLE_MINUTES = 30
    with time_machine.travel("2026-11-23 08:00 +00:00", tick=False) as clock:
        sign_in(client, lead_professional)
        clock.shift(25 * 60)
        client.get(CHILDREN)
        clock.shift(25 * 60)
        client.get(CHILDREN)
        clock.shift(25 * 60)
        assert client.get(CHILDREN).status_code == 302  # 75 minutes: signed out.

        sign_in(client, lead_professional)
        assert client.get(CHILDREN).status_code == 200


def test_an_api_token_ends_a_fixed_time_after_it_was_issued_however_often_used(
    api_client, lead_professional, settings
):
    settings.REST_KNOX = {**settings.REST_KNOX, "TOKEN_TTL": timedelta(hours=1)}
    with time_machine.travel("2026-11-23 08:00 +00:00", tick=False) as clock:
        _instance, token = AuthToken.objects.create(lead_professional, expiry=timedelta(hours=1))
        api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        for _ in range(23):  # Used every 30 minutes: each use would extend it by an hour.
            clock.shift(30 * 60)
            assert api_client.get("/api/v1/children/").status_code == 200
        clock.shift(29 * 60)  # 11 hours 59 minutes after it was issued.
        assert api_client.get("/api/v1/children/").status_code == 200

        clock.shift(2 * 60)
        response = api_client.get("/api/v1/children/")

    assert response.status_code == 401
    assert not AuthToken.objects.filter(user=lead_professional).exists()


def test_an_unused_api_token_still_ends_after_its_idle_time(api_client, lead_professional, settings):
    settings.REST_KNOX = {**settings.REST_KNOX, "TOKEN_TTL": timedelta(hours=1)}
    with time_machine.travel("2026-11-23 08:00 +00:00", tick=False) as clock:
        _instance, token = AuthToken.objects.create(lead_professional, expiry=timedelta(hours=1))
        api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        clock.shift(61 * 60)
        assert api_client.get("/api/v1/children/").status_code == 401


def test_pages_carry_the_idle_limit_and_keep_alive_for_the_warning(signed_in_client, settings):
    settings.BEACON_SESSION_IDLE_MINUTES = 20

    html = signed_in_client.get(CHILDREN).content.decode()

    assert 'data-session-idle-seconds="1200"' in html
    assert f'data-session-keep-alive-url="{reverse("accounts:session-keep-alive")}"' in html
    assert 'id="session-timeout-warning"' in html


def test_keep_alive_answers_204_signed_in_and_401_signed_out(signed_in_client, client):
    assert signed_in_client.post(reverse("accounts:session-keep-alive")).status_code == 204
    assert Client().post(reverse("accounts:session-keep-alive")).status_code == 401


def test_sign_out_everywhere_ends_every_session_and_token(lead_professional, outsider):
    laptop, phone, someone_else = Client(), Client(), Client()
    for browser in (laptop, phone):
        sign_in(browser, lead_professional)
    sign_in(someone_else, outsider)
    AuthToken.objects.create(lead_professional)

    response = laptop.post(reverse("accounts:sign-out-everywhere"))

    assert response["Location"] == reverse("accounts:sign-in")
    assert phone.get(CHILDREN).status_code == 302
    assert laptop.get(CHILDREN).status_code == 302
    assert someone_else.get(CHILDREN).status_code == 200
    assert not AuthToken.objects.filter(user=lead_professional).exists()


def test_an_htmx_request_on_an_ended_session_reloads_the_whole_page(client, lead_professional, settings):
    settings.BEACON_SESSION_IDLE_MINUTES = 1
    with time_machine.travel("2026-11-23 09:00 +00:00", tick=False) as clock:
        sign_in(client, lead_professional)
        client.get(CHILDREN)
        clock.shift(120)
        response = client.get(CHILDREN, headers={"HX-Request": "true"})

    assert response["HX-Redirect"].startswith(reverse("accounts:sign-in"))


def test_sign_out_everywhere_through_the_api_ends_browser_sessions_too(api_client, lead_professional):
    laptop = sign_in(Client(), lead_professional)
    assert laptop.get(CHILDREN).status_code == 200
    _instance, token = AuthToken.objects.create(lead_professional)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    assert api_client.post("/api/v1/auth/sign-out-everywhere/").status_code == 204

    response = laptop.get(CHILDREN)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign-in"))
    assert "_auth_user_id" not in laptop.session
    assert not AuthToken.objects.filter(user=lead_professional).exists()
