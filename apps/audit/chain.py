"""The audit log's hash chain: each row's hash covers its contents and the hash of the row before it.

Changing, removing or reordering a row breaks every link after it, so ``verify_audit_chain`` finds the
first row that no longer matches. The canonical form below is a stored contract: rows already written were
hashed with it, so changing it means versioning it, not editing it.

The hash is an HMAC-SHA256 keyed with ``BEACON_AUDIT_KEY``, which lives in the environment and never in the
database. Someone who can write to the database but does not hold the key cannot rehash an altered chain so
that it verifies: an unkeyed SHA-256 chain anyone can recompute (migration 0004 resealed the rows written
before the key came in). Removing the newest rows leaves a shorter chain that is still whole; that is found
against a head exported outside the database (``audit_head_export``, ``verify_audit_chain --head``).
"""

import datetime
import hashlib
import hmac
import json
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.utils import timezone

# The previous hash of the first row in the chain.
GENESIS_HASH = "0" * 64

# pg_advisory_xact_lock key that serialises writers of the chain head ("audit" in ASCII).
CHAIN_LOCK_KEY = 0x6175646974


def canonical_json(value):
    """``value`` as JSON it survives a round trip through the database unchanged (a tuple becomes a list)."""
    return json.loads(json.dumps(value))


def audit_key() -> bytes:
    """The chain's HMAC key, from the environment (settings.BEACON_AUDIT_KEY)."""
    return settings.BEACON_AUDIT_KEY.encode()


def _canonical_row(event) -> bytes:
    """Canonical JSON of the row: sorted keys, no spaces, the time in UTC to the microsecond."""
    content = {
        "sequence": event.sequence,
        "previous_hash": event.previous_hash,
        "occurred_at": event.occurred_at.astimezone(datetime.UTC).isoformat(timespec="microseconds"),
        "actor_id": event.actor_id,
        "actor_organisation_id": event.actor_organisation_id,
        "interface": event.interface,
        "action": event.action,
        "child_id": event.child_id,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "basis": event.basis,
        "detail": event.detail,
    }
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode("ascii")


def hash_of(event, *, key: bytes | None = None) -> str:
    """The hash ``event`` should carry, from what it holds now: HMAC-SHA256 of its canonical form.

    Works on historical models in migrations. ``key`` defaults to the configured one.
    """
    return hmac.new(key or audit_key(), _canonical_row(event), hashlib.sha256).hexdigest()


def unkeyed_hash_of(event) -> str:
    """The plain SHA-256 the chain used before it was keyed: only migrations 0002 and 0004 use it."""
    return hashlib.sha256(_canonical_row(event)).hexdigest()


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
    key = audit_key()
    for event in events:
        sequence += 1
        event.occurred_at = now
        event.sequence = sequence
        event.previous_hash = previous_hash
        event.hash = hash_of(event, key=key)
        previous_hash = event.hash


@dataclass(frozen=True)
class ChainHead:
    """A (sequence, hash) pair known from outside the database: the newest row when it was exported."""

    sequence: int
    hash: str

    @classmethod
    def parse(cls, text: str) -> "ChainHead":
        """``"1042:9f86d0..."`` as exported (the event's sequence number, a colon, its hash)."""
        sequence, _, hash_ = text.strip().partition(":")
        if not sequence.isdigit() or len(hash_) != 64:
            raise ValueError(f"{text!r} is not a head: give the event number and its hash, as 1042:9f86d0...")
        return cls(int(sequence), hash_.lower())


@dataclass(frozen=True)
class ChainBreak:
    sequence: int
    pk: int | None
    reason: str

    def __str__(self) -> str:
        if self.pk is None:
            return f"Audit chain cut after event {self.sequence - 1}: {self.reason}"
        return f"Audit chain broken at event {self.sequence} (id {self.pk}): {self.reason}"


@dataclass(frozen=True)
class ChainCheck:
    events: int
    first_break: ChainBreak | None


def chain_verify(model, *, head: ChainHead | None = None, chunk_size: int = 2000) -> ChainCheck:
    """Walk the chain in sequence order, recomputing each keyed hash; stop at the first broken link.

    With ``head`` (exported earlier, kept outside the database), the chain must still reach that event
    and hold the same hash there: a chain whose newest rows were removed is otherwise whole.
    """
    key = audit_key()
    count, previous_sequence, previous_hash = 0, 0, GENESIS_HASH
    for event in model.objects.order_by("sequence").iterator(chunk_size=chunk_size):
        count += 1
        if event.sequence != previous_sequence + 1 or event.previous_hash != previous_hash:
            after = f"event {previous_sequence}" if previous_sequence else "the start of the chain"
            return ChainCheck(count, ChainBreak(event.sequence, event.pk, f"it does not follow {after}"))
        if not hmac.compare_digest(event.hash, hash_of(event, key=key)):
            return ChainCheck(
                count, ChainBreak(event.sequence, event.pk, "its hash does not match its contents")
            )
        if head is not None and event.sequence == head.sequence and event.hash != head.hash:
            return ChainCheck(
                count, ChainBreak(event.sequence, event.pk, "its hash is not the one exported for it")
            )
        previous_sequence, previous_hash = event.sequence, event.hash
    if head is not None and previous_sequence < head.sequence:
        missing = head.sequence - previous_sequence
        return ChainCheck(
            count,
            ChainBreak(
                previous_sequence + 1,
                None,
                f"events {previous_sequence + 1} to {head.sequence} ({missing}) are missing; "
                f"the exported head is event {head.sequence}",
            ),
        )
    return ChainCheck(count, None)
