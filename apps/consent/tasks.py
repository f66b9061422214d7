from celery import shared_task

from apps.consent import services


@shared_task(acks_late=True, time_limit=600, soft_time_limit=540)
def consent_expiry_sweep() -> int:
    """Tidy the permissions of consents that ran out (reads ignore them already) and ask for reviews."""
    return services.consent_expiry_sweep()


@shared_task(acks_late=True, time_limit=600, soft_time_limit=540)
def consent_review_sweep() -> int:
    """Schedule a consent and competence review for each young person who has turned 16."""
    return services.consent_review_sweep()
