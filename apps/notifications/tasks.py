from celery import shared_task

from apps.notifications import services


@shared_task(
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=30,
    retry_backoff_max=600,
    max_retries=5,
    time_limit=60,
    soft_time_limit=45,
)
def notification_email_deliver(notification_id: int, subject_for_email: str) -> bool:
    """Email one notification; safe to run twice (the service claims it first)."""
    return services.notification_email_deliver(
        notification_id=notification_id, subject_for_email=subject_for_email
    )
