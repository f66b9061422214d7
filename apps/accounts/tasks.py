"""Periodic work for accounts: removing long forms' drafts that have run out (apps.accounts.drafts)."""

from celery import shared_task

from apps.accounts.drafts import drafts_purge_expired


@shared_task(ignore_result=True)
def form_drafts_purge() -> int:
    """Delete drafts last saved more than ``BEACON_FORM_DRAFT_HOURS`` ago; safe to run at any time."""
    return drafts_purge_expired()
