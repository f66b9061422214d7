"""The periodic schedule: every entry names a task that exists, and the engine's sweeps are on it."""

from celery.schedules import crontab

from config.celery import app


def test_every_scheduled_task_exists():
    app.loader.import_default_modules()
    missing = {
        name: entry["task"]
        for name, entry in app.conf.beat_schedule.items()
        if entry["task"] not in app.tasks
    }
    assert missing == {}


def test_the_engine_sweeps_run_every_five_minutes_at_different_minutes():
    due = app.conf.beat_schedule["reminders-due"]["schedule"]
    retry = app.conf.beat_schedule["deliveries-retry"]["schedule"]
    assert isinstance(due, crontab)
    assert isinstance(retry, crontab)
    assert sorted(due.minute) == list(range(0, 60, 5))
    assert sorted(retry.minute) == list(range(2, 60, 5))


def test_engine_tasks_acknowledge_late_and_have_time_limits():
    from apps.notifications import tasks

    for task in (tasks.delivery_send, tasks.deliveries_retry_sweep, tasks.reminder_due_sweep):
        assert task.acks_late is True
        assert task.time_limit
        assert task.soft_time_limit < task.time_limit
    assert tasks.delivery_send.max_retries == 5
