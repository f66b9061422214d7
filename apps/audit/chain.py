"""The audit log's hash chain: each row's hash covers its contents and the hash of the row before it.

Changing, removing or reordering a row breaks every link after it, so ``verify_audit_chain`` finds the
first row that no longer matches. The canonical form below is a stored contract: rows already written were
hashed with it, so changing it means versioning it, not editing it.
"""

import datetime
import hashlib
import json
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

# The previous hash of the first row in the chain.
GENESIS_HASH = "0" * 64

# pg_advisory_xact_lock key that serialises writers of the chain head ("audit" in ASCII).
CHAIN_LOCK_KEY = 0x6175646974


def canonical_json(value):
    """``value`` as JSON it survives a round trip through the database unchanged (a tuple becomes a list)."""
    return json.loads(json.dumps(value))


def event_hash(
    *,
    sequence: int,
    previous_hash: str,
    occurred_at: datetime.datetime,
    actor_id: int | None,
    actor_organisation_id: int | None,
    interface: str,
    action: str,
    child_id: int | None,
    target_type: str,
    target_id: str,
    basis: str,
    detail,
) -> str:
    """SHA-256 over canonical JSON of the row: sorted keys, no spaces, the time in UTC to the microsecond."""
    content = {
        "sequence": sequence,
        "previous_hash": previous_hash,
        "occurred_at": occurred_at.astimezone(datetime.UTC).isoformat(timespec="microseconds"),
        "actor_id": actor_id,
        "actor_organisation_id": actor_organisation_id,
        "interface": interface,
        "action": action,
        "child_id": child_id,
        "target_type": target_type,
        "target_id": target_id,
        "basis": basis,
        "detail": detail,
    }
    encoded = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(encoded.encode("ascii")).hexdigest()


def hash_of(event) -> str:
    """The hash ``event`` should carry, from what it holds now (works on historical models in migrations)."""
    return event_hash(
        sequence=event.sequence,
        previous_hash=event.previous_hash,
        occurred_at=event.occurred_at,
        actor_id=event.actor_id,
        actor_organisation_id=event.actor_organisation_id,
        interface=event.interface,
        action=event.action,
        child_id=event.child_id,
        target_type=event.target_type,
        target_id=event.target_id,
        basis=event.basis,
        detail=event.detail,
    )


def chain_head(model) -> tuple[int, str]:
    """Lock the chain and return the last (sequence, hash), or (0, GENESIS_HASH) when it is empty.

    Call inside a transaction. On PostgreSQL a transaction-scoped advisory lock serialises every writer
    until it commits, so the next writer reads this one's rows. The lock and the read are two statements
    on purpose: under READ COMMITTED a statement's snapshot is taken when it starts, so a read in the same
    statement as the lock could miss a row committed while it waited. SQLite allows one writer at a time;
    there the unique sequence refuses a fork rather than letting two writers share a head.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])
    head = model.objects.order_by("-sequence").values_list("sequence", "hash").first()
    return head or (0, GENESIS_HASH)


def link(events, *, head: tuple[int, str]) -> None:
    """Give each unsaved event its time, sequence, previous hash and hash, continuing the chain from ``head``.

    The time is set here, under the chain lock and before hashing, so that the hash covers the stored
    value and times rise with the sequence.
    """
    sequence, previous_hash = head
    now = timezone.now()
    for event in events:
        sequence += 1
        event.occurred_at = now
        event.sequence = sequence
        event.previous_hash = previous_hash
        event.hash = hash_of(event)
        previous_hash = event.hash


@dataclass(frozen=True)
class ChainBreak:
    sequence: int
    pk: int
    reason: str

    def __str__(self) -> str:
        return f"Audit chain broken at event {self.sequence} (id {self.pk}): {self.reason}"


@dataclass(frozen=True)
class ChainCheck:
    events: int
    first_break: ChainBreak | None


def chain_verify(model, *, chunk_size: int = 2000) -> ChainCheck:
    """Walk the chain in sequence order, recomputing each hash; stop at the first broken link."""
    count, previous_sequence, previous_hash = 0, 0, GENESIS_HASH
    for event in model.objects.order_by("sequence").iterator(chunk_size=chunk_size):
        count += 1
        if event.sequence != previous_sequence + 1 or event.previous_hash != previous_hash:
            after = f"event {previous_sequence}" if previous_sequence else "the start of the chain"
            return ChainCheck(count, ChainBreak(event.sequence, event.pk, f"it does not follow {after}"))
        if event.hash != hash_of(event):
            return ChainCheck(
                count, ChainBreak(event.sequence, event.pk, "its hash does not match its contents")
            )
        previous_sequence, previous_hash = event.sequence, event.hash
    return ChainCheck(count, None)
