"""In a parallel run each pytest-xdist worker has its own Redis db, and a process a test starts keeps the
Redis it is given (config/settings/test.py)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def redis_url_in_test_settings(**env: str) -> str:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"PYTEST_XDIST_WORKER", "BEACON_TEST_REDIS_PER_WORKER", "REDIS_URL"}
    }
    environment |= {"DJANGO_SETTINGS_MODULE": "config.settings.test", **env}
    result = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.REDIS_URL)"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_each_xdist_worker_uses_the_given_redis_db_plus_its_number():
    given = "redis://127.0.0.1:6379/11"
    assert redis_url_in_test_settings(REDIS_URL=given, PYTEST_XDIST_WORKER="gw0") == given
    assert (
        redis_url_in_test_settings(REDIS_URL=given, PYTEST_XDIST_WORKER="gw1") == "redis://127.0.0.1:6379/12"
    )


def test_without_xdist_the_given_redis_db_is_used():
    assert redis_url_in_test_settings(REDIS_URL="redis://127.0.0.1:6379/11") == "redis://127.0.0.1:6379/11"


def test_a_process_started_by_a_worker_keeps_the_redis_it_is_given():
    # A Celery worker a reliability test starts inherits the environment, and is given a private Redis.
    private = "redis://127.0.0.1:40123/0"
    url = redis_url_in_test_settings(
        REDIS_URL=private, PYTEST_XDIST_WORKER="gw1", BEACON_TEST_REDIS_PER_WORKER="redis://127.0.0.1:6379/12"
    )
    assert url == private
