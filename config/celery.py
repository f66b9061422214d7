"""The one Celery app. Tasks live in apps/<app>/tasks.py; the periodic schedule is below, in code.

Catch-up by construction: beat only sends a task to the broker (Redis) at each time below; it does not keep
runs it could not send, and none is needed. Every sweep selects what is due from the database (reminders
due by now, deliveries pending, actions and follow-ups past their dates, consents ended, birthdays in the
last week), so a run that never happened is made up by the next one, and each message has a dedupe key, so
a run made twice sends nothing twice. A run beat could not send (Redis down) is logged as an error naming
it (``CatchUpScheduler``), so an outage of the schedule is seen, never silent.
"""

import logging
import os

from celery import Celery
from celery.beat import PersistentScheduler
from celery.schedules import crontab

logger = logging.getLogger(__name__)


class CatchUpScheduler(PersistentScheduler):
    """Beat's own scheduler, which says plainly, as an error, which run it could not send and why."""

    def apply_entry(self, entry, producer=None):
        logger.info("sending periodic run", extra={"beat_entry": entry.name, "task": entry.task})
        try:
            self.apply_async(entry, producer=producer, advance=False)
        except Exception:  # Beat goes on to the next run; the next run of this one catches up.
            logger.exception(
                "periodic run not sent (is Redis down?): its next run will catch up from the database",
                extra={"beat_entry": entry.name, "task": entry.task},
            )


os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("beacon")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.conf.beat_scheduler = "config.celery:CatchUpScheduler"

# Periodic sweeps: each entry says in words when it runs. Due dates live in the database; these
# few fixed sweeps pick them up (never a countdown or a schedule row per child).
app.conf.beat_schedule = {
    # Every hour, on the hour: confirm the worker and the broker are alive (visible in the worker log).
    "heartbeat-hourly": {
        "task": "apps.core.tasks.heartbeat",
        "schedule": 60 * 60,
    },
    # Every day at 07:00 London time, before the working day: remind owners of actions due in the next
    # few days and tell lead professionals about overdue ones. Running it again sends nothing twice.
    "action-reminders-daily": {
        "task": "apps.teams.tasks.action_reminder_sweep",
        "schedule": crontab(hour=7, minute=0),
    },
    # Every hour at 5 past: remove the permissions of consents that ended yesterday or earlier (reads
    # already ignore them, so this only tidies) and schedule a consent review for each.
    "consent-expiry-hourly": {
        "task": "apps.consent.tasks.consent_expiry_sweep",
        "schedule": crontab(minute=5),
    },
    # Every day at 06:30: a consent and competence review for each young person who turned 16.
    "consent-reviews-daily": {
        "task": "apps.consent.tasks.consent_review_sweep",
        "schedule": crontab(hour=6, minute=30),
    },
    # Every 5 minutes: send reminders whose due time has come (apps.notifications.Reminder.due_at).
    # Each is sent once however often, or however many at once, this runs.
    "reminders-due": {
        "task": "apps.notifications.tasks.reminder_due_sweep",
        "schedule": crontab(minute="*/5"),
    },
    # Every 5 minutes, offset by 2: enqueue again emails and texts left pending (the broker was down
    # when their change committed) and reclaim ones whose worker died mid-send.
    "deliveries-retry": {
        "task": "apps.notifications.tasks.deliveries_retry_sweep",
        "schedule": crontab(minute="2-59/5"),
    },
    # Every day at 07:10, before the working day: tell whoever holds a missed-appointment follow-up that
    # is past its due date, and their team manager (R57). Each message is sent once, however often it runs.
    "missed-appointment-follow-ups-daily": {
        "task": "apps.appointments.tasks.follow_up_overdue_sweep",
        "schedule": crontab(hour=7, minute=10),
    },
    # Every 15 minutes: tell the single point of access about waiting-list contacts that are due and
    # referrals past 80% of their wait target with no first appointment (R64-R66). Often enough for a
    # crisis target of a few hours; each alert is sent once however often this runs.
    "waiting-well-every-15-minutes": {
        "task": "apps.referrals.tasks.waiting_sweep",
        "schedule": crontab(minute="*/15"),
    },
    # Every minute: chain the audit rows committed since the last run (audited requests append without
    # waiting for one another; this seals them into the hash chain in turn). Safe to overlap.
    "audit-chain-extend": {
        "task": "apps.audit.tasks.audit_chain_extend_task",
        "schedule": crontab(),
    },
    # Every 5 minutes, offset by 1: copy the audit chain's newest sequence and hash outside the database
    # (a file and the log), so rows cut from the end of the chain are found (verify_audit_chain --head-file).
    "audit-head-export": {
        "task": "apps.audit.tasks.audit_head_export_task",
        "schedule": crontab(minute="1-59/5"),
    },
    # Every hour at 20 past: delete long forms' drafts past BEACON_FORM_DRAFT_HOURS (they are never shown
    # once past it; this removes what was typed about a child from the database).
    "form-drafts-purge-hourly": {
        "task": "apps.accounts.tasks.form_drafts_purge",
        "schedule": crontab(minute=20),
    },
    # Every day at 13:00: a second pass, so a worker that was down at 07:00 costs at most half a day.
    "action-reminders-midday": {
        "task": "apps.teams.tasks.action_reminder_sweep",
        "schedule": crontab(hour=13, minute=0),
    },
}
