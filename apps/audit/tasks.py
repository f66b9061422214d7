from celery import shared_task

from apps.audit.services import audit_chain_extend, audit_head_export


@shared_task(ignore_result=True, acks_late=True)
def audit_chain_extend_task() -> None:
    """Chain the audit rows committed since the last run; the scheduler sends this every minute."""
    audit_chain_extend()


@shared_task(ignore_result=True, acks_late=True)
def audit_head_export_task() -> None:
    """Export the audit chain's head outside the database; the scheduler sends this every 5 minutes."""
    audit_head_export()
