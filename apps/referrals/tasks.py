from celery import shared_task

from apps.referrals import services


@shared_task(acks_late=True, time_limit=600, soft_time_limit=540)
def waiting_sweep() -> dict[str, int]:
    """Flag waiting contacts due and wait targets about to be missed; idempotent (dedupe keys)."""
    return services.waiting_sweep()
