"""Production refuses to start without an audit key of its own."""

import os
import subprocess
import sys

import pytest

from apps.audit.checks import audit_key_check


@pytest.mark.parametrize(
    "key",
    ["", "too-short", "test-only-not-a-secret-audit-key", "local-development-only-not-a-secret-audit-key"],
)
def test_a_missing_short_or_published_audit_key_fails_the_check(settings, key):
    settings.BEACON_AUDIT_KEY = key

    assert [error.id for error in audit_key_check(None)] == ["audit.E001"]


def test_a_long_secret_audit_key_passes_the_check(settings):
    settings.BEACON_AUDIT_KEY = "kR3v9-synthetic-but-long-enough-for-the-check-4f2a"

    assert audit_key_check(None) == []


def test_production_settings_without_an_audit_key_stop_with_its_name():
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"BEACON_AUDIT_KEY", "DJANGO_SETTINGS_MODULE"}
    }
    environment |= {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "synthetic-secret-key-for-this-test-only-0123456789",
        "DJANGO_ALLOWED_HOSTS": "beacon.example.invalid",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/beacon_unused",
        "REDIS_URL": "redis://127.0.0.1:6379/15",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode != 0
    assert "Set the BEACON_AUDIT_KEY environment variable" in result.stderr
