"""The reminder engine with a real Celery worker process against a real Redis server.

Each test starts its own ``redis-server`` on a free port (the machine's shared Redis on 6379 is never
stopped or shared, so tests running in parallel cannot take each other's tasks) and real
``celery -A config worker`` processes on the test database. The worker emails through
``tests/notifications/outbox_backend.py``, which appends each message to a file: the file is the
outside world, and each test counts what reached it.

What the tests do not pretend: where the tests stand in for the scheduler (beat), they publish the same
task message beat would publish; where they need time to pass (a claim older than the time limit),
they move the claim's timestamp back in the database rather than sleeping.

Where a test waits for the broker to hand a dead worker's task to another worker, it waits for the
condition kombu's Redis transport acts on (the message older than the visibility timeout), read from
Redis, and names the keys as the app's settings do (``_broker_keys``).
"""

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import quote

import pytest
import redis
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from apps.notifications.models import Delivery, Notification, Reminder
from apps.notifications.services import reminder_schedule
from tests.factories import ProfessionalFactory

ROOT = Path(__file__).resolve().parents[2]
# No snapshots and no append-only file: a stopped server comes back empty, the harshest case.
REDIS_SERVER = ["redis-server", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
# One process each (solo pool), so killing the worker kills the task it is running.
CELERY_WORKER = [str(ROOT / ".venv" / "bin" / "celery"), "-A", "config", "worker", "--pool=solo"]
CELERY_WORKER += ["--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat"]
# How long any one wait may take before the test fails with the worker's log (never an assertion on time).
PATIENCE = 20
# The visibility timeout (seconds) a test gives a worker that should take back a dead worker's task.
SHORT_VISIBILITY_TIMEOUT = 1

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _broker_keys() -> SimpleNamespace:
    """The Redis keys of the default queue and of kombu's unacknowledged messages, as the settings name them.

    Each test has its own redis-server, so tests running in parallel never share these keys.
    """
    from kombu.transport.redis import Channel

    from config.celery import app

    options = app.conf.broker_transport_options or {}
    prefix = options.get("global_keyprefix", "")
    return SimpleNamespace(
        queue=prefix + app.conf.task_default_queue,
        unacked=prefix + options.get("unacked_key", Channel.unacked_key),
        unacked_index=prefix + options.get("unacked_index_key", Channel.unacked_index_key),
    )


def _wait_for(condition, what: str, logs=()) -> None:
    deadline = time.monotonic() + PATIENCE
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    tails = "\n".join(f"--- {log.name}\n{log.read_text()[-3000:]}" for log in logs if log.exists())
    pytest.fail(f"gave up waiting for {what}\n{tails}")


class RedisServer:
    """A private redis-server that a test may stop and start again on the same port."""

    def __init__(self, tmp_path: Path) -> None:
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.log = tmp_path / "redis.log"
        self.process: subprocess.Popen | None = None
        self.started = False

    def start(self) -> None:
        """Start on this server's port.

        A port is only free when asked: if another test's server (tests run in parallel) took it first, the
        first start moves to another port, and a restart fails rather than share it.
        """
        for _attempt in range(3):
            with self.log.open("a") as log:
                self.process = subprocess.Popen(
                    [*REDIS_SERVER, "--port", str(self.port)],
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            process = self.process
            _wait_for(
                lambda process=process: self._answering_pid() == process.pid or process.poll() is not None,
                "redis-server to start",
                [self.log],
            )
            if process.poll() is None:
                self.started = True
                return
            if self.started:
                break
            self.port = _free_port()
            self.url = f"redis://127.0.0.1:{self.port}/0"
        pytest.fail(f"redis-server did not start\n{self.log.read_text()[-3000:]}")

    def is_up(self) -> bool:
        return self._answering_pid() is not None

    def _answering_pid(self) -> int | None:
        """The process id of the server answering on the port, if any (it may not be this test's)."""
        try:
            return redis.Redis(port=self.port, socket_connect_timeout=0.2).info("server")["process_id"]
        except redis.exceptions.ConnectionError:
            return None

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None

    def client(self) -> redis.Redis:
        return redis.Redis(port=self.port)


class Workers:
    """Real Celery workers on this test's database and Redis, and the outbox file they email into."""

    def __init__(self, tmp_path: Path, redis_server: RedisServer) -> None:
        self.tmp_path = tmp_path
        self.redis = redis_server
        self.outbox = tmp_path / "outbox.jsonl"
        self.outbox.touch()
        self.processes: list[subprocess.Popen] = []
        self.logs: list[Path] = [redis_server.log]
        db = connection.settings_dict
        login = quote(db["USER"], safe="") + (f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else "")
        host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        self.database_url = f"postgres://{login}@{host}/{db['NAME']}"

    def start(self, name: str, **extra_env: str) -> subprocess.Popen:
        return self.start_many([name], **extra_env)[0]

    def start_many(self, names: list[str], **extra_env: str) -> list[subprocess.Popen]:
        """Start workers side by side (each takes seconds to load Django), and wait until all are ready."""
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": self.database_url,
            "REDIS_URL": self.redis.url,
            "BEACON_TEST_CELERY_EAGER": "false",
            "BEACON_TEST_EMAIL_BACKEND": "tests.notifications.outbox_backend.EmailBackend",
            "BEACON_TEST_OUTBOX": str(self.outbox),
            "PYTHONPATH": str(ROOT),
            **extra_env,
        }
        started = []
        for name in names:
            log = self.tmp_path / f"worker-{name}.log"
            self.logs.append(log)
            with log.open("w") as handle:
                process = subprocess.Popen(
                    [*CELERY_WORKER, "-n", f"{name}@%h"],
                    cwd=ROOT,
                    env=env,
                    stdout=handle,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            self.processes.append(process)
            started.append((name, log, process))
        for name, log, process in started:
            _wait_for(
                lambda log=log, process=process: "ready." in log.read_text() or process.poll() is not None,
                f"worker {name}",
                [log],
            )
            assert process.poll() is None, log.read_text()[-3000:]
        return [process for _, _, process in started]

    def kill(self, process: subprocess.Popen) -> None:
        """SIGKILL: the worker gets no chance to tidy up, acknowledge or put anything back."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                self.kill(process)

    def emails(self) -> list[dict]:
        return [json.loads(line) for line in self.outbox.read_text().splitlines() if line.strip()]

    def unacknowledged(self) -> dict[str, float]:
        """Each task message a worker has taken and not acknowledged: its task id, and when it was taken
        (kombu's Redis transport keeps the message in a hash and the time in a sorted set)."""
        client, keys = self.redis.client(), _broker_keys()
        taken_at = dict(client.zrange(keys.unacked_index, 0, -1, withscores=True))
        messages = client.hgetall(keys.unacked)
        return {json.loads(raw)[0]["headers"]["id"]: taken_at[tag] for tag, raw in messages.items()}

    def wait_until_idle(self) -> None:
        """Until the queue is empty and no worker holds an unacknowledged task, several times running."""
        client, keys = self.redis.client(), _broker_keys()
        calm = 0

        def idle() -> bool:
            nonlocal calm
            quiet = client.llen(keys.queue) == 0 and client.hlen(keys.unacked) == 0
            calm = calm + 1 if quiet else 0
            return calm >= 5

        _wait_for(idle, "the workers to finish their tasks", self.logs)


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def workers(tmp_path, redis_server):
    pool = Workers(tmp_path, redis_server)
    try:
        yield pool
    finally:
        pool.stop_all()


@pytest.fixture
def broker(redis_server):
    """This test process publishes to the private Redis for real (not eagerly), as the web process does.

    The app's connection and producer pools are set aside and put back afterwards, untouched: closing them
    would leave kombu's shared pool registry holding a closed pool that later tests in this process reuse.
    Only the pool made for the private Redis is closed.
    """
    from config.celery import app

    amqp = app.amqp
    saved = (app.conf.broker_url, app.conf.task_always_eager, app._pool, amqp._producer_pool)
    app._pool = None
    amqp._producer_pool = None
    app.conf.broker_url = redis_server.url
    app.conf.task_always_eager = False
    try:
        yield app
    finally:
        if app._pool is not None:
            app._pool.force_close_all()
        app.conf.broker_url, app.conf.task_always_eager, app._pool, amqp._producer_pool = saved


def _reminders(count: int, prefix: str) -> list:
    people = [ProfessionalFactory(email=f"{prefix}{number}@example.invalid") for number in range(count)]
    for person in people:
        reminder_schedule(
            recipient=person,
            kind=Notification.Kind.FOLLOW_UP_OVERDUE,
            dedupe_key=f"test:{prefix}:{person.pk}",
            due_at=timezone.now() - timedelta(minutes=1),
            subject="The follow-up for Sam Okafor is overdue",
            subject_for_email="a follow-up is overdue",
        )
    return people


def _sent_email_count() -> int:
    return Delivery.objects.filter(channel=Delivery.Channel.EMAIL, status=Delivery.Status.SENT).count()


def test_the_same_sweep_twice_and_two_ticks_at_once_send_each_reminder_exactly_once(workers, broker):
    from apps.notifications.tasks import reminder_due_sweep

    workers.start_many(["one", "two"])

    # The same sweep, run twice one after the other.
    first = _reminders(5, "first")
    reminder_due_sweep.delay()
    _wait_for(lambda: _sent_email_count() == 5, "the first five emails", workers.logs)
    reminder_due_sweep.delay()
    workers.wait_until_idle()

    # Two beat ticks at the same moment: two sweep messages at once, one for each worker.
    second = _reminders(20, "second")
    reminder_due_sweep.delay()
    reminder_due_sweep.delay()
    _wait_for(lambda: _sent_email_count() == 25, "all 25 emails", workers.logs)
    workers.wait_until_idle()

    # Both workers really ran a sweep: the exactly-once result is not one worker doing everything.
    for name in ("one", "two"):
        log = (workers.tmp_path / f"worker-{name}.log").read_text()
        assert re.search(r"Task apps\.notifications\.tasks\.reminder_due_sweep\[[^\]]+\] succeeded", log)
    sent_to = Counter(address for email in workers.emails() for address in email["to"])
    assert sent_to == Counter({person.email: 1 for person in first + second})
    assert Notification.objects.count() == 25
    assert not Reminder.objects.exclude(status=Reminder.Status.SENT).exists()
    assert all("Okafor" not in email["body"] for email in workers.emails())


def test_a_worker_killed_mid_delivery_leaves_the_reminder_sent_exactly_once_after_a_restart(
    workers, broker, tmp_path
):
    from apps.notifications.tasks import deliveries_retry_sweep, reminder_due_sweep

    [person] = _reminders(1, "killed")
    gate = tmp_path / "send-gate"
    doomed = workers.start("doomed", BEACON_TEST_SEND_GATE=str(gate))
    reminder_due_sweep.delay()
    _wait_for(Path(f"{gate}.started").exists, "the worker to start sending", workers.logs)

    workers.kill(doomed)

    email = Delivery.objects.get(channel=Delivery.Channel.EMAIL, notification__recipient=person)
    assert email.status == Delivery.Status.SENDING
    assert workers.emails() == []
    # The killed worker's task message stays with the broker, taken and never acknowledged.
    [(killed_task, taken_at)] = workers.unacknowledged().items()

    # The restarted worker takes back the killed worker's task message as Redis would after the visibility
    # timeout (shortened here): it finds the delivery claimed and sends nothing. Kombu's Redis transport
    # looks for such messages when a worker connects and then only every 100 s or so, so the worker
    # starts once the message is older than its visibility timeout, which it then finds on connecting
    # however quickly it starts.
    _wait_for(
        lambda: time.time() - taken_at > SHORT_VISIBILITY_TIMEOUT,
        "the killed worker's task to pass the visibility timeout",
        workers.logs,
    )
    workers.start("restarted", BEACON_CELERY_VISIBILITY_TIMEOUT=str(SHORT_VISIBILITY_TIMEOUT))
    # Nothing takes the delivery from a claim younger than the time limit: its worker might be alive.
    deliveries_retry_sweep.delay()
    workers.wait_until_idle()
    email.refresh_from_db()
    assert email.status == Delivery.Status.SENDING
    restarted_log = (workers.tmp_path / "worker-restarted.log").read_text()
    assert f"delivery_send[{killed_task}] succeeded" in restarted_log
    # Time passes beyond the claim timeout (longer than any task may run): the claim is now stale.
    stale = timezone.now() - timedelta(seconds=301)
    Delivery.objects.filter(pk=email.pk).update(claimed_at=stale)
    deliveries_retry_sweep.delay()
    deliveries_retry_sweep.delay()
    _wait_for(lambda: workers.emails(), "the email after the restart", workers.logs)
    workers.wait_until_idle()

    email.refresh_from_db()
    assert (email.status, email.attempts) == (Delivery.Status.SENT, 2)
    assert [email["to"] for email in workers.emails()] == [[person.email]]


def test_with_redis_stopped_a_missed_appointment_is_recorded_and_its_follow_up_delivered_once_redis_is_back(
    workers, broker, redis_server, client, child, lead_professional
):
    from apps.appointments.models import MissedAppointmentFollowUp
    from apps.notifications.tasks import deliveries_retry_sweep
    from tests.appointments.factories import booked
    from tests.auth import sign_in
    from tests.teams.factories import lead_for

    lead_for(child, lead_professional)
    appointment = booked(child, lead_professional, days_from_now=-1)
    sign_in(client, lead_professional)
    redis_server.stop()
    assert not redis_server.is_up()

    # Recording the outcome in the browser succeeds: the follow-up and its notification commit; only the
    # email waits for the broker.
    response = client.post(
        reverse("appointments:outcome", args=[child.public_id, appointment.public_id]),
        {"outcome": "did_not_attend"},
    )
    assert response.status_code == 302
    assert response.url == reverse("appointments:list", args=[child.public_id])
    appointment.refresh_from_db()
    assert appointment.outcome == "did_not_attend"
    follow_up = MissedAppointmentFollowUp.objects.get(appointment=appointment)
    assert follow_up.assigned_to == lead_professional
    notification = Notification.objects.get(
        kind=Notification.Kind.MISSED_APPOINTMENT, recipient=lead_professional
    )
    email = notification.deliveries.get(channel=Delivery.Channel.EMAIL)
    assert email.status == Delivery.Status.PENDING

    # Redis is back, a worker starts, and the scheduler's retry sweep (published here as beat would) runs.
    redis_server.start()
    workers.start("after-outage", BEACON_DELIVERY_RETRY_AFTER_SECONDS="1")
    _wait_for(
        lambda: timezone.now() - email.created_at > timedelta(seconds=1), "the retry delay", workers.logs
    )
    deliveries_retry_sweep.delay()
    _wait_for(lambda: workers.emails(), "the follow-up email", workers.logs)
    deliveries_retry_sweep.delay()
    workers.wait_until_idle()

    email.refresh_from_db()
    assert email.status == Delivery.Status.SENT
    missed = [mail for mail in workers.emails() if "missed appointment" in mail["subject"]]
    assert [mail["to"] for mail in missed] == [[lead_professional.email]]
    assert "Okafor" not in missed[0]["subject"] + missed[0]["body"]
