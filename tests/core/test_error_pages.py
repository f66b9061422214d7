"""The demo (`make run`, config/settings/local.py) shows Beacon's own 404, 403 and 500 pages, never Django's
technical page with the URL list, and still serves its styles and script (issue 14)."""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.test import Client
from django.urls import path

from config.urls import urlpatterns as beacon_urlpatterns
from tests.auth import sign_in

ROOT = Path(__file__).resolve().parents[2]

# Asks the demo's own settings, in a process of its own, for its DEBUG and a few answers.
DEMO_SCRIPT = """
import json
import django
django.setup()
from django.conf import settings
from django.test import Client
browser = Client(HTTP_HOST="127.0.0.1")
script = browser.get("/static/js/beacon.mjs")
styles = browser.get("/static/vendor/beacon.css")
missing = browser.get("/children/not-a-record/")
print(json.dumps({
    "debug": settings.DEBUG,
    "demo": settings.BEACON_DEMO_SITE,
    "script": script.status_code,
    "styles": styles.status_code,
    "missing": missing.status_code,
    "missing_page": missing.content.decode(),
}))
"""


def _demo_settings_answers(tmp_path, **env_overrides) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"REDIS_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_DEBUG", "DATABASE_URL"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        BEACON_VAR_DIR=str(tmp_path / "var"),
        **env_overrides,
    )
    result = subprocess.run(
        [sys.executable, "-c", DEMO_SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_demo_runs_with_debug_off_shows_beacons_404_and_serves_its_assets(tmp_path):
    answers = _demo_settings_answers(tmp_path)

    assert answers["debug"] is False
    assert answers["demo"] is True  # the demo data still loads (load_demo_data)
    assert (answers["script"], answers["styles"]) == (200, 200)  # WhiteNoise, from static/, no collectstatic
    assert answers["missing"] == 404
    assert "Page not found" in answers["missing_page"]
    assert "/static/vendor/beacon.css" in answers["missing_page"]
    assert "URLconf" not in answers["missing_page"]
    assert "DEBUG = True" not in answers["missing_page"]


def test_a_developer_can_still_ask_for_the_technical_pages(tmp_path):
    answers = _demo_settings_answers(tmp_path, DJANGO_DEBUG="true")
    assert answers["debug"] is True
    assert "URLconf" in answers["missing_page"]


# --- The pages themselves, with DEBUG off as the demo sets it -----------------------------------------


def _server_error(request):
    raise RuntimeError("something broke")


urlpatterns = [*beacon_urlpatterns, path("test-only/server-error/", _server_error)]


@pytest.mark.django_db
def test_a_record_not_shared_is_beacons_404_for_a_signed_in_professional(signed_in_client, settings):
    settings.DEBUG = False
    response = signed_in_client.get(f"/children/{uuid.uuid4()}/")

    assert response.status_code == 404
    page = response.content.decode()
    assert "Page not found" in page
    assert "the record may not have been shared with you" in page
    assert "Go to your list of children" in page


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_a_server_error_is_beacons_500_page(lead_professional, settings):
    settings.DEBUG = False
    browser = sign_in(Client(raise_request_exception=False), lead_professional)

    response = browser.get("/test-only/server-error/")

    assert response.status_code == 500
    page = response.content.decode()
    assert "Sorry, there is a problem with the service" in page
    assert "check whether your change was saved" in page
    assert "something broke" not in page
    assert "Traceback" not in page
