"""`make run` on its embedded defaults (SQLite, filesystem broker) boots web, worker and scheduler."""

import contextlib
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback only
        return response.status, response.read().decode()


@pytest.mark.slow
def test_make_run_serves_the_sign_in_page_with_worker_and_scheduler(tmp_path):
    port = _free_port()
    env = {
        key: value for key, value in os.environ.items() if key not in {"REDIS_URL", "DJANGO_SETTINGS_MODULE"}
    }
    # Its own database and broker folder, so a developer's running `make run` is left alone.
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        PORT=str(port),
        BEACON_VAR_DIR=str(tmp_path / "var"),
    )
    log_path = tmp_path / "make-run.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            ["make", "run"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        deadline = time.monotonic() + 180
        page = ""
        while time.monotonic() < deadline and process.poll() is None:
            log_text = log_path.read_text()
            try:
                status, page = _get(f"http://127.0.0.1:{port}/accounts/sign-in/")
            except OSError:
                time.sleep(1)
                continue
            if status == 200 and "celery@" in log_text and "beat: Starting" in log_text:
                break
            time.sleep(1)
        log_text = log_path.read_text()
        assert process.poll() is None, f"make run exited early:\n{log_text[-3000:]}"
        assert "Sign in" in page, log_text[-3000:]
        assert "ready." in log_text, f"the Celery worker did not start:\n{log_text[-3000:]}"
        assert "beat: Starting" in log_text, f"the scheduler did not start:\n{log_text[-3000:]}"
        assert "filesystem" in log_text or "transport" in log_text or "ready." in log_text
    finally:
        # Ctrl-C: the whole process group gets SIGINT, as a terminal would send it.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            pytest.fail("make run did not stop on Ctrl-C")
    with pytest.raises(urllib.error.URLError):
        _get(f"http://127.0.0.1:{port}/accounts/sign-in/")
