"""Sign-in with Redis down: never a 500, and the sign-in limit still holds (apps/core/cache.py).

The cache is pointed at a port where nothing listens, with the production cache backend, as if Redis had
stopped.
"""

import logging

import pytest
from django.test import override_settings
from rest_framework.throttling import ScopedRateThrottle

from tests.auth import current_code, sign_in

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
REDIS_DOWN = {
    "default": {
        "BACKEND": "apps.core.cache.FailSafeRedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
}


@pytest.fixture(autouse=True)
def _redis_down():
    with override_settings(CACHES=REDIS_DOWN):
        yield


def _sign_in(api_client, username, password, otp_code=None):
    body = {"username": username, "password": password, "otp_code": otp_code or current_code()}
    return api_client.post(TOKEN_URL, body, format="json")


def test_api_sign_in_with_redis_down_gives_a_token(api_client, lead_professional, password, caplog):
    with caplog.at_level(logging.ERROR, logger="apps.core.cache"):
        response = _sign_in(api_client, "lead", password)

    assert response.status_code == 200, response.content
    assert "token" in response.json()
    # Not silent: the fall-back is logged as an error.
    assert any("Redis unreachable" in record.getMessage() for record in caplog.records)


def test_a_wrong_password_with_redis_down_is_the_usual_400_not_a_500(api_client, lead_professional):
    assert _sign_in(api_client, "lead", "guess").status_code == 400


def test_the_sign_in_limit_still_holds_with_redis_down(api_client, lead_professional, monkeypatch):
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"auth": "2/min"})
    for _ in range(2):
        assert _sign_in(api_client, "lead", "guess").status_code == 400

    response = _sign_in(api_client, "lead", "guess")

    assert response.status_code == 429
    assert response.json()["errors"][0]["code"] == "throttled"


def test_a_signed_in_person_s_pages_work_with_redis_down(client, lead_professional, child):
    """Every signed-in request asks the cache whether the person is over the refused-requests limit."""
    sign_in(client, lead_professional)

    assert client.get(f"/children/{child.public_id}/").status_code == 200
    assert client.get("/children/00000000-0000-4000-8000-000000000000/").status_code == 404
