"""Triage of a referral: its urgency, target date and whether it needs triage again (R37)."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.audit.services import audit_record
from apps.core.exceptions import ApplicationError
from apps.core.locking import lock_for_change
from apps.referrals.models import Referral
from apps.referrals.services.common import (
    STATE_FIELDS,
    URGENCY_RANK,
    _check_choice,
    _require_receiving_staff,
    _when,
)
from apps.referrals.services.telling import referral_tell

TRIAGE_FIELDS = (
    "urgency",
    "urgency_rank",
    "triage_note",
    "triaged_by",
    "triaged_at",
    "target_at",
    "needs_retriage",
    "retriage_reason",
)


def _triage_check(referral: Referral) -> None:
    if referral.status not in (Referral.Status.RECEIVED, Referral.Status.TRIAGED, Referral.Status.ACCEPTED):
        raise ApplicationError(
            f"This referral is {referral.get_status_display().lower()}: it cannot be triaged.",
            field="urgency",
        )


def referral_triage(
    *,
    actor: User,
    referral: Referral,
    urgency: str,
    triage_note: str = "",
    triaged_at: datetime | None = None,
) -> Referral:
    """Triage a referral: an urgency from the risk assessment, and the target that goes with it (R37, R38).

    The target for the first appointment is set from the urgency's configured hours and kept with the
    referral. Triage can be done again while the child waits (re-triage after things got worse).
    """
    _require_receiving_staff(
        actor=actor, organisation_id=referral.receiving_organisation_id, doing="triage it"
    )
    _check_choice(
        urgency, Referral.Urgency, field="urgency", message="Choose the urgency from the risk assessment."
    )
    _triage_check(referral)
    now = _when(triaged_at, after=referral.received_at, field="triaged_at")
    with transaction.atomic():
        # A decline decided a moment ago must not be turned back into "triaged" (see apps/core/locking.py).
        lock_for_change(referral, *STATE_FIELDS)
        _triage_check(referral)
        referral.urgency = urgency
        referral.urgency_rank = URGENCY_RANK[urgency]
        referral.triage_note = triage_note.strip()
        referral.triaged_by = actor
        referral.triaged_at = referral.triaged_at or now
        referral.target_at = referral.received_at + timedelta(
            hours=settings.BEACON_WAIT_TARGET_HOURS[urgency]
        )
        referral.needs_retriage = False
        referral.retriage_reason = ""
        first_triage = referral.status == Referral.Status.RECEIVED
        if first_triage:
            referral.status = Referral.Status.TRIAGED
        referral.save(update_fields=[*TRIAGE_FIELDS, "status"])
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            target=referral,
            child=referral.child,
            detail={"fields": ["urgency", "triage_note", "target_at"]},
        )
        if first_triage:
            # Re-triage while the child waits changes the urgency, not the referral's state: told once.
            referral_tell(referral=referral, actor=actor, event="triaged")
    return referral
