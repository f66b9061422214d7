"""`make run` on its embedded defaults (SQLite, filesystem broker) boots web, worker and scheduler, and
the pages the demo personas reach work on SQLite too (the suite itself runs on PostgreSQL)."""

import contextlib
import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.parse
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


DEMO_PASSWORD = "beacon-demo-2026"
DEMO_TOTP_SECRET = "BEACONDEMOTOTPSECRETFORDEMOSONLY"
# Links a crawl must not follow: they change something, sign out, or are not pages.
NOT_PAGES = re.compile(r"sign-out|/api/|/admin/|/static/|^#|^mailto:|^tel:|print|format/")


def _sign_in(base: str, username: str):
    """A urllib opener signed in as a demo persona through the real forms, with the demo code if asked."""
    from base64 import b32decode

    from django_otp.oath import totp

    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def post(url: str, fields: dict) -> str:
        page = opener.open(url, timeout=10).read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **fields}).encode()
        with opener.open(url, data=body, timeout=10) as response:
            return response.url

    landed = post(f"{base}/accounts/sign-in/", {"username": username, "password": DEMO_PASSWORD})
    if "/accounts/sign-in/code/" in landed:
        landed = post(landed, {"otp_code": f"{totp(b32decode(DEMO_TOTP_SECRET)):06d}"})
    assert "/accounts/sign-in" not in landed, f"{username} could not sign in"
    return opener, landed


def _crawl(base: str, opener, start: list[str], limit: int = 40) -> dict[str, int]:
    """GET each start page and the pages they link to, breadth first; the status of each."""
    seen: dict[str, int] = {}
    queue = list(start)
    while queue and len(seen) < limit:
        path = queue.pop(0)
        if path in seen:
            continue
        try:
            with opener.open(base + path, timeout=20) as response:
                seen[path] = response.status
                html = response.read().decode()
        except urllib.error.HTTPError as error:
            seen[path] = error.code
            continue
        for href in re.findall(r'href="(/[^"]*)"', html):
            href = href.replace("&amp;", "&")
            if not NOT_PAGES.search(href) and href not in seen:
                queue.append(href)
    return seen


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

        # What the personas see works on SQLite: no page they can reach is a server error.
        base = f"http://127.0.0.1:{port}"
        journeys = {
            "lead.sw": ["/caseload/", "/follow-ups/", "/referrals/queue/", "/children/"],
            "camhs.clinician": ["/referrals/queue/", "/referrals/waiting/", "/referrals/consultations/"],
            "young.person": [
                "/my/",
                "/my/passport/",
                "/my/team/",
                "/my/information/",
                "/my/what-has-happened/",
            ],
        }
        broken = {}
        for username, start in journeys.items():
            opener, _ = _sign_in(base, username)
            statuses = _crawl(base, opener, start)
            assert len(statuses) >= 10, statuses  # It really went round their pages.
            broken.update({f"{username} {path}": code for path, code in statuses.items() if code >= 500})
        assert not broken, f"server errors under make run: {broken}\n{log_path.read_text()[-3000:]}"
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
