"""The Procfile's web process (gunicorn with config/gunicorn.py) serves, and answers every request through a
SIGHUP, which replaces its workers with forks of the preloaded master (README, "Releases")."""

import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

from tests.core.test_make_run_smoke import ROOT, _free_port, _get

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

PROCFILE_WEB = (ROOT / "Procfile").read_text().split("web:", 1)[1].splitlines()[0].split()


def _status(url: str) -> int:
    # A generous timeout: during the worker swap a request can wait seconds on this shared machine (README).
    with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 - loopback only
        return response.status


def _log(tmp_path: Path) -> str:
    return (tmp_path / "gunicorn.log").read_text()


def _wait_for_sign_in_page(base: str, process: subprocess.Popen) -> int:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, "gunicorn exited"
        try:
            return _get(f"{base}/accounts/sign-in/")[0]
        except urllib.error.HTTPError as error:
            return error.code
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.2)
    pytest.fail("gave up waiting for gunicorn to serve the sign-in page")


def test_web_process_serves_the_sign_in_page_before_and_after_a_hang_up(tmp_path: Path):
    port = _free_port()
    database = connection.settings_dict
    env = {
        **os.environ,
        "PORT": str(port),
        "WEB_CONCURRENCY": "2",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
    }
    log = (tmp_path / "gunicorn.log").open("w")
    process = subprocess.Popen(  # The Procfile's own web command line.
        [str(ROOT / ".venv/bin/gunicorn"), *PROCFILE_WEB[1:]], cwd=ROOT, env=env, stdout=log, stderr=log
    )
    try:
        base = f"http://127.0.0.1:{port}"
        assert _wait_for_sign_in_page(base, process) == 200, _log(tmp_path)[-3000:]

        process.send_signal(signal.SIGHUP)

        # Ask for the page throughout, until the master has replaced both workers.
        statuses, deadline = [], time.monotonic() + 60
        while _log(tmp_path).count("Booting worker") < 4:
            assert time.monotonic() < deadline, "gave up waiting for the new workers"
            statuses.append(_status(f"{base}/accounts/sign-in/"))
        statuses.append(_status(f"{base}/accounts/sign-in/"))
        assert set(statuses) == {200}
    finally:
        process.terminate()
        process.wait(timeout=60)
        log.close()
    assert "Hang up: Master" in _log(tmp_path)
