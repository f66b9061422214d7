"""Refused reads (404 not shared, 403 withheld) are audited, and limited per person with a 429."""

import logging

import pytest
from django.core.cache import cache

from apps.audit.chain import chain_verify
from apps.audit.models import AuditEvent
from tests.auth import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_counts(settings):
    settings.BEACON_REFUSED_LIMIT = 3
    settings.BEACON_REFUSED_WINDOW = 300
    cache.clear()
    yield
    cache.clear()


def _refusals(user) -> list[dict]:
    return list(
        AuditEvent.objects.filter(actor=user, action=AuditEvent.Action.REFUSED)
        .order_by("sequence")
        .values("interface", "target_type", "detail", "child")
    )


def test_an_outsider_asking_for_a_child_not_shared_gets_404_and_an_audit_row(client, outsider, child):
    sign_in(client, outsider)

    response = client.get(f"/children/{child.public_id}/?q=9990000018&tab=team")

    assert response.status_code == 404
    assert _refusals(outsider) == [
        {
            "interface": "browser",
            "target_type": "request",
            # The path without its query string: no search terms, no NHS numbers.
            "detail": {"method": "GET", "path": f"/children/{child.public_id}/", "status": 404},
            "child": None,
        }
    ]
    assert chain_verify(AuditEvent).first_break is None  # Chained like any other row.


def test_the_api_refusal_is_audited_as_the_api(api_client, outsider, child):
    api_client.force_authenticate(outsider)

    assert api_client.get(f"/api/v1/children/{child.public_id}/").status_code == 404
    assert [row["interface"] for row in _refusals(outsider)] == ["api"]


def test_a_withheld_category_is_a_403_and_audited(api_client, read_only_professional, child):
    # Seen on the core record, but no consent for plans and meetings: withheld.
    api_client.force_authenticate(read_only_professional)
    url = f"/api/v1/children/{child.public_id}/meetings/"

    assert api_client.get(url).status_code == 403
    assert _refusals(read_only_professional) == [
        {
            "interface": "api",
            "target_type": "request",
            "detail": {"method": "GET", "path": url, "status": 403},
            "child": None,
        }
    ]


def test_past_the_limit_the_browser_gets_a_429_page_and_a_warning_is_logged(client, outsider, child, caplog):
    sign_in(client, outsider)
    for _ in range(3):
        assert client.get(f"/children/{child.public_id}/").status_code == 404

    with caplog.at_level(logging.WARNING, logger="apps.audit.middleware"):
        response = client.get("/children/")  # Even a page they may see, until the window ends.

    assert response.status_code == 429
    assert response["Retry-After"] == "300"
    assert "Too many requests" in response.content.decode()
    assert "Wait 5 minutes" in response.content.decode()
    warnings = [record for record in caplog.records if record.name == "apps.audit.middleware"]
    assert [record.message for record in warnings] == ["refused requests over the limit: answering 429"]
    assert warnings[0].user_id == outsider.pk
    assert len(_refusals(outsider)) == 3  # The 429s are not refusals: the trail stays bounded.


def test_past_the_limit_the_api_gets_429_in_its_one_error_shape(api_client, outsider, child):
    api_client.force_authenticate(outsider)  # As a token user: the view authenticates them.
    for _ in range(3):
        assert api_client.get(f"/api/v1/children/{child.public_id}/").status_code == 404

    response = api_client.get("/api/v1/children/")

    assert response.status_code == 429
    body = response.json()
    assert body["type"] == "client_error"
    assert [(error["code"], error["attr"]) for error in body["errors"]] == [("throttled", None)]
    assert body["errors"][0]["detail"].startswith("Too many requests for pages or records")


def test_a_session_api_caller_past_the_limit_gets_the_same_shape(client, outsider, child):
    sign_in(client, outsider)
    for _ in range(3):
        client.get(f"/children/{child.public_id}/")

    response = client.get("/api/v1/children/")

    assert response.status_code == 429
    assert response.json()["errors"][0]["code"] == "throttled"


def test_the_limit_is_per_person(client, outsider, lead_professional, child):
    sign_in(client, outsider)
    for _ in range(3):
        client.get(f"/children/{child.public_id}/")
    client.logout()

    sign_in(client, lead_professional)
    assert client.get(f"/children/{child.public_id}/").status_code == 200


def test_the_window_ends(client, outsider, child, settings):
    settings.BEACON_REFUSED_WINDOW = 1
    sign_in(client, outsider)
    for _ in range(3):
        client.get(f"/children/{child.public_id}/")
    assert client.get("/children/").status_code == 429

    cache.clear()  # As the window's expiry would: the count lives only in the cache.
    assert client.get("/children/").status_code == 200


def test_anonymous_requests_are_neither_audited_nor_limited_this_way(client, child):
    for _ in range(5):
        response = client.get(f"/api/v1/children/{child.public_id}/")
        assert response.status_code in {401, 403}
        assert client.get("/no-such-page/").status_code == 404

    assert not AuditEvent.objects.filter(action=AuditEvent.Action.REFUSED).exists()
