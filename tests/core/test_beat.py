"""Beat with Redis down: a run it cannot send is logged as an error naming it (config/celery.py)."""

import logging

from celery import Celery

from config.celery import CatchUpScheduler
from config.celery import app as beacon


def test_beat_uses_the_scheduler_that_logs_a_run_it_could_not_send():
    assert beacon.conf.beat_scheduler == "config.celery:CatchUpScheduler"


def test_a_run_beat_cannot_send_with_redis_down_is_logged_as_an_error(tmp_path, caplog):
    app = Celery("beat-redis-down", broker="redis://127.0.0.1:1/0", set_as_current=False)
    # One quick try, not the production retries: the test needs only the failure.
    app.conf.broker_connection_retry = False
    app.conf.broker_connection_max_retries = 1
    app.conf.task_publish_retry_policy = {"max_retries": 1, "interval_start": 0, "interval_step": 0.1}
    scheduler = CatchUpScheduler(app=app, schedule_filename=str(tmp_path / "schedule"), lazy=True)
    entry = scheduler.Entry(
        name="reminders-due", task="apps.notifications.tasks.reminder_due_sweep", schedule=300, app=app
    )

    with caplog.at_level(logging.ERROR, logger="config.celery"):
        scheduler.apply_entry(entry)

    [record] = [record for record in caplog.records if record.name == "config.celery"]
    assert record.levelno == logging.ERROR
    assert "periodic run not sent" in record.getMessage()
    assert record.beat_entry == "reminders-due"
