import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def heartbeat() -> str:
    """Log that the worker and the broker are alive; the scheduler sends this every hour."""
    logger.info("beacon worker heartbeat")
    return "ok"
