"""Writing the audit log. Call these inside the transaction of what they record.

Each write is one INSERT of rows sealed with their own keyed hash, taking no lock, so audited requests
never wait for one another. ``audit_chain_extend`` (every minute, and before each head export) then
chains what has committed, under a lock only it takes (apps/audit/chain.py).
"""

import json
import logging
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.cache import cache
from django.db import models
from django.utils import timezone

from apps.audit.chain import UNCHAINED, ChainHead, canonical_json, chain_extend, seal
from apps.audit.context import current_interface
from apps.audit.models import AuditEvent
from apps.core.logging import redact

logger = logging.getLogger(__name__)

# The file in BEACON_AUDIT_HEAD_DIR that exported heads are appended to.
HEAD_FILE_NAME = "audit-head.jsonl"


def actor_organisation_id(actor: AbstractUser | None) -> int | None:
    """The organisation a person acts for, looked up once per request and kept on the user object."""
    if actor is None or not actor.is_authenticated:
        return None
    if not hasattr(actor, "_audit_organisation_id"):
        membership = actor.primary_membership()
        actor._audit_organisation_id = membership.organisation_id if membership else None
    return actor._audit_organisation_id


def _event(*, actor, action, child, target, basis, detail) -> AuditEvent:
    return AuditEvent(
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_organisation_id=actor_organisation_id(actor),
        interface=current_interface(),
        action=action,
        child=child,
        target_type=target._meta.label_lower,
        target_id=str(getattr(target, "public_id", "") or target.pk),
        basis=basis[:200],
        detail=canonical_json(detail or {}),
    )


def audit_record(
    *,
    actor: AbstractUser | None,
    action: str,
    target: models.Model,
    child=None,
    basis: str = "",
    detail: dict | None = None,
) -> AuditEvent:
    """Record one read or write of a child's information (R150)."""
    event = _event(actor=actor, action=action, child=child, target=target, basis=basis, detail=detail)
    seal([event])
    event.save(force_insert=True)
    return event


def audit_record_reads(
    *, actor: AbstractUser, action: str, children: Iterable, basis: str = "", detail: dict | None = None
) -> None:
    """Record that each of these children was shown to ``actor`` (a list page or a search).

    One query however many children: a bulk insert.
    """
    events = [
        _event(actor=actor, action=action, child=child, target=child, basis=basis, detail=detail)
        for child in children
    ]
    if not events:
        return
    seal(events)
    AuditEvent.objects.bulk_create(events)


def audit_record_refusal(*, actor: AbstractUser, method: str, path: str, status: int) -> AuditEvent:
    """Record that a signed-in person was refused: a 404 (not found, or not shared) or a 403 (withheld).

    Refused reads are how someone probes for records they may not see (OWASP ASVS 16.3.2: log failed
    authorisation), so each is a chained audit row like any read. The path is kept without its query
    string and with anything shaped like an NHS number or a date taken out; Beacon's URLs carry public
    ids only, which identify the record asked for.
    """
    event = AuditEvent(
        actor=actor,
        actor_organisation_id=actor_organisation_id(actor),
        interface=current_interface(),
        action=AuditEvent.Action.REFUSED,
        target_type="request",
        detail=canonical_json(
            {"method": method, "path": redact(path.split("?", 1)[0])[:300], "status": status}
        ),
    )
    seal([event])
    event.save(force_insert=True)
    return event


def _refusals_key(user: AbstractUser) -> str:
    return f"beacon:audit:refusals:{user.pk}"


def refusals_count(*, user: AbstractUser) -> int:
    """How many refusals ``user`` has had in the current window (BEACON_REFUSED_WINDOW seconds)."""
    return cache.get(_refusals_key(user), 0)


def refusals_exceeded(*, user: AbstractUser) -> bool:
    """Whether ``user`` has used up the refusals allowed in a window, and is answered 429 until it ends."""
    return refusals_count(user=user) >= settings.BEACON_REFUSED_LIMIT


def refusal_count_up(*, user: AbstractUser) -> int:
    """Count one more refusal for ``user``; the window starts at their first refusal and is fixed."""
    key = _refusals_key(user)
    cache.add(key, 0, timeout=settings.BEACON_REFUSED_WINDOW)
    try:
        return cache.incr(key)
    except ValueError:  # The window ended between the two calls: this refusal starts the next one.
        cache.set(key, 1, timeout=settings.BEACON_REFUSED_WINDOW)
        return 1


def audit_chain_extend() -> int:
    """Chain every audit row committed since the last run; return how many (apps/audit/chain.py).

    Safe to run at any time and from several places at once: runs take turns on a lock no audited request
    takes, and a row is chained once. The scheduler runs it every minute; call it inline where the chain
    must be current (the head export, tests).
    """
    return chain_extend(AuditEvent)


def audit_head_export() -> dict | None:
    """Chain what has committed, then write the chain's newest (sequence, id, hash) outside the database.

    Removing the newest rows leaves a chain that is whole, only shorter; a head copied somewhere the
    database role cannot reach shows that rows after it are missing (``verify_audit_chain --head-file``).
    The head is appended, one JSON line per export, to ``BEACON_AUDIT_HEAD_DIR/audit-head.jsonl`` and
    written to the JSON log (which production ships off the machine). An empty log exports nothing.
    """
    audit_chain_extend()
    head = (
        AuditEvent.objects.filter(sequence__gt=UNCHAINED)
        .order_by("-sequence")
        .values("sequence", "id", "hash")
        .first()
    )
    if head is None:
        return None
    exported = {**head, "exported_at": timezone.now().isoformat(timespec="seconds")}
    directory = Path(settings.BEACON_AUDIT_HEAD_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    with (directory / HEAD_FILE_NAME).open("a", encoding="ascii") as head_file:
        head_file.write(json.dumps(exported, sort_keys=True) + "\n")
    # The log line's own time says when; a date in a field would be redacted as a possible birth date.
    logger.info(
        "audit chain head",
        extra={
            "audit_head_sequence": head["sequence"],
            "audit_head_id": head["id"],
            "audit_head": head["hash"],
        },
    )
    return exported


def audit_head_read(*, path: Path) -> ChainHead:
    """The newest head in an export file (its last line), for checking the chain against it."""
    lines = [line for line in path.read_text(encoding="ascii").splitlines() if line.strip()]
    if not lines:
        raise ValueError(f"{path} holds no exported head.")
    newest = json.loads(lines[-1])
    return ChainHead(sequence=int(newest["sequence"]), hash=newest["hash"])
