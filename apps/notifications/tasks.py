"""Celery tasks for the reminder engine: thin wrappers that take ids and call one service.

Every task here is safe to run twice or at the same time as itself: the services claim rows with
conditional UPDATEs and unique keys. ``acks_late`` (set globally too) means a message is acknowledged
only after the task finishes, so a worker that dies mid-task leaves it to be redelivered.
"""

from celery import shared_task

from apps.notifications import services
from apps.notifications.sms import DeliveryTemporaryFailure


@shared_task(
    acks_late=True,
    autoretry_for=(OSError, DeliveryTemporaryFailure),
    retry_backoff=30,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=5,
    # The claim timeout (BEACON_DELIVERY_CLAIM_TIMEOUT_SECONDS) must stay above this hard limit.
    time_limit=60,
    soft_time_limit=45,
)
def delivery_send(delivery_id: int) -> bool:
    """Send one email or text message; a repeat or a race sends nothing more (the service claims first)."""
    return services.delivery_send(delivery_id=delivery_id)


@shared_task(acks_late=True, time_limit=120, soft_time_limit=100)
def deliveries_retry_sweep() -> dict[str, int]:
    """Re-enqueue deliveries left pending (broker was down) and reclaim ones whose worker died."""
    return services.deliveries_retry_sweep()


@shared_task(acks_late=True, time_limit=300, soft_time_limit=240)
def reminder_due_sweep() -> int:
    """Send reminders that have fallen due, each once."""
    return services.reminder_due_sweep()
