from celery import shared_task

from apps.appointments import services


@shared_task(acks_late=True, time_limit=600, soft_time_limit=540)
def follow_up_overdue_sweep() -> dict[str, int]:
    """Tell assignees and their team managers about overdue missed-appointment follow-ups, once each."""
    return services.follow_up_overdue_sweep()
