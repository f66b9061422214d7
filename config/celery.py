"""The one Celery app. Tasks live in apps/<app>/tasks.py; the periodic schedule is below, in code."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("beacon")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Periodic sweeps: each entry says in words when it runs. Due dates live in the database; these
# few fixed sweeps pick them up (never a countdown or a schedule row per child).
app.conf.beat_schedule = {
    # Every hour, on the hour: confirm the worker and the broker are alive (visible in the worker log).
    "heartbeat-hourly": {
        "task": "apps.core.tasks.heartbeat",
        "schedule": 60 * 60,
    },
}
