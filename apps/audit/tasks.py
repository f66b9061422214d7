from celery import shared_task

from apps.audit.services import audit_head_export


@shared_task(ignore_result=True, acks_late=True)
def audit_head_export_task() -> None:
    """Export the audit chain's head outside the database; the scheduler sends this every 5 minutes."""
    audit_head_export()
