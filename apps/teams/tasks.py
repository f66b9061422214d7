from celery import shared_task

from apps.teams import services


@shared_task(acks_late=True, time_limit=600, soft_time_limit=540)
def action_reminder_sweep() -> dict[str, int]:
    """Remind action owners and escalate overdue actions; idempotent, so a repeat run sends nothing new."""
    return services.action_reminder_sweep()
