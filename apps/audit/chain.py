"""The audit log's hash chain: each row's hash covers its contents and the hash of the row before it.

Rows are appended freely: each is sealed with its own keyed hash over its contents (``row_hash``) and
inserted with sequence 0, taking no lock, so an audited request never waits for another to commit. A small
background step (``chain_extend``, every minute and inline before the head is exported) then gives the
committed rows their places in the chain, one after another under a lock only it takes: sequence 1, 2, 3...
with no gaps, each ``hash`` over the row's contents, its sequence and the hash before it. The chain's order
is the order rows were sealed into it, which is close to, but not exactly, the order they were written: a
transaction that commits late is chained late, never skipped (docs/audit-log.md says why not id order).

Changing, removing or reordering a chained row breaks every link after it, so ``verify_audit_chain`` finds
the first row that no longer matches; a row changed before it was chained fails its own ``row_hash``. The
canonical forms below are stored contracts: rows already written were hashed with them, so changing one
means versioning it, not editing it.

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
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

# The previous hash of the first row in the chain.
GENESIS_HASH = "0" * 64

# pg_advisory_xact_lock key that serialises the chainers ("audit" in ASCII). Appending never takes it. The
# release before this one took it for every append: while a rolling release runs both, they share it, so
# the old release's chained rows and this release's chainer continue one chain.
CHAIN_LOCK_KEY = 0x6175646974

# The sequence of a row appended but not yet chained. Not NULL: PostgreSQL sorts NULL first in
# ``ORDER BY sequence DESC``, which is how the previous release finds the chain head while it still runs.
UNCHAINED = 0


def canonical_json(value):
    """``value`` as JSON it survives a round trip through the database unchanged (a tuple becomes a list)."""
    return json.loads(json.dumps(value))


def audit_key() -> bytes:
    """The chain's HMAC key, from the environment (settings.BEACON_AUDIT_KEY)."""
    return settings.BEACON_AUDIT_KEY.encode()


def _content(event) -> dict:
    """What the row records, the time in UTC to the microsecond."""
    return {
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


def _canonical(content: dict) -> bytes:
    """Sorted keys, no spaces, ASCII."""
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode("ascii")


def _canonical_row(event) -> bytes:
    """The row's contents and its place in the chain: what ``hash`` covers."""
    return _canonical({"sequence": event.sequence, "previous_hash": event.previous_hash, **_content(event)})


def row_hash_of(event, *, key: bytes | None = None) -> str:
    """The row's own seal, set when it is appended: HMAC-SHA256 of its contents alone.

    It protects a row from being changed in the minute before it is chained, after which the chain's hash
    covers it too. Rows written before free appending (migration 0008) have none: their chain hash was
    written with them, in the same transaction.
    """
    return hmac.new(key or audit_key(), _canonical(_content(event)), hashlib.sha256).hexdigest()


def hash_of(event, *, key: bytes | None = None) -> str:
    """The hash ``event`` should carry, from what it holds now: HMAC-SHA256 of its canonical form.

    Works on historical models in migrations. ``key`` defaults to the configured one.
    """
    return hmac.new(key or audit_key(), _canonical_row(event), hashlib.sha256).hexdigest()


def unkeyed_hash_of(event) -> str:
    """The plain SHA-256 the chain used before it was keyed: only migrations 0002 and 0004 use it."""
    return hashlib.sha256(_canonical_row(event)).hexdigest()


def seal(events) -> None:
    """Give each unsaved event its time and its own keyed hash, ready to append (no lock, no query).

    The time is set here, before hashing, so that the hash covers the stored value.
    """
    now = timezone.now()
    key = audit_key()
    for event in events:
        event.occurred_at = now
        event.sequence, event.previous_hash, event.hash = UNCHAINED, "", ""
        event.row_hash = row_hash_of(event, key=key)


def chain_extend(model, *, batch_size: int = 2000) -> int:
    """Chain every committed, unchained row after the chain's head, in id order; return how many.

    Each batch is one transaction holding ``CHAIN_LOCK_KEY``, which only chainers take, so two chainers
    at once take turns and neither writes a row twice: the lock and the read of the head are two statements
    on purpose (under READ COMMITTED each statement sees what committed before it started, so the second
    chainer reads the first one's work), and the update only touches rows still at sequence 0. Rows whose
    transactions are still open are invisible here and are chained by a later run, after whatever was
    chained meanwhile: that is why the chain's order need not be the id order. Appenders never wait on it.
    """
    chained = 0
    key = audit_key()
    while True:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])
            head = (
                model.objects.filter(sequence__gt=UNCHAINED)
                .order_by("-sequence")
                .values_list("sequence", "hash")
                .first()
            )
            sequence, previous_hash = head or (0, GENESIS_HASH)
            pending = list(model.objects.filter(sequence=UNCHAINED).order_by("pk")[:batch_size])
            if not pending:
                return chained
            links = []
            for event in pending:
                if event.row_hash and not hmac.compare_digest(event.row_hash, row_hash_of(event, key=key)):
                    # Chained all the same, so the chain does not stall; verify_audit_chain names the row.
                    logger.error(
                        "audit row changed before it was chained", extra={"audit_event_id": event.pk}
                    )
                sequence += 1
                event.sequence, event.previous_hash = sequence, previous_hash
                event.hash = previous_hash = hash_of(event, key=key)
                links.append((event.sequence, event.previous_hash, event.hash, event.pk))
            with connection.cursor() as cursor:
                # The append-only trigger lets exactly this through: an unchained row given its place, once.
                cursor.executemany(
                    "UPDATE audit_auditevent SET sequence = %s, previous_hash = %s, hash = %s "
                    "WHERE id = %s AND sequence = 0",
                    links,
                )
                if cursor.rowcount != len(links):  # Never under the lock; if it did, no gap is committed.
                    raise RuntimeError("Another chainer placed some of these rows: nothing was chained.")
        chained += len(pending)
        if len(pending) < batch_size:
            return chained


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
        if self.sequence == UNCHAINED:
            if self.pk is None:
                return f"Audit log not chained: {self.reason}"
            return f"Audit event id {self.pk}, not yet chained: {self.reason}"
        if self.pk is None:
            return f"Audit chain cut after event {self.sequence - 1}: {self.reason}"
        return f"Audit chain broken at event {self.sequence} (id {self.pk}): {self.reason}"


@dataclass(frozen=True)
class ChainCheck:
    events: int
    first_break: ChainBreak | None
    # Appended within the tolerance and not chained yet: expected, each checked against its own hash.
    unchained: int = 0


# How long a row may wait to be chained before verification fails: the chainer runs every minute, so
# this allows for a long transaction and for a chainer run or two missed (a worker restarting).
UNCHAINED_TOLERANCE = datetime.timedelta(minutes=10)


def chain_verify(
    model,
    *,
    head: ChainHead | None = None,
    unchained_tolerance: datetime.timedelta = UNCHAINED_TOLERANCE,
    chunk_size: int = 2000,
) -> ChainCheck:
    """Walk the chain in sequence order, recomputing each keyed hash; stop at the first broken link.

    An edited row fails its hash (and its own ``row_hash``, if it was changed before it was chained); a
    removed or reordered row breaks the link after it. With ``head`` (exported earlier, kept outside the
    database), the chain must still reach that event and hold the same hash there: a chain whose newest
    rows were removed is otherwise whole. Rows not yet chained must each match their own hash, and none may
    be older than ``unchained_tolerance``: a chainer that has stopped is a failure too.
    """
    key = audit_key()
    count, previous_sequence, previous_hash = 0, 0, GENESIS_HASH
    chained = model.objects.filter(sequence__gt=UNCHAINED).order_by("sequence")
    for event in chained.iterator(chunk_size=chunk_size):
        count += 1
        if event.sequence != previous_sequence + 1 or event.previous_hash != previous_hash:
            after = f"event {previous_sequence}" if previous_sequence else "the start of the chain"
            return ChainCheck(count, ChainBreak(event.sequence, event.pk, f"it does not follow {after}"))
        if not hmac.compare_digest(event.hash, hash_of(event, key=key)):
            return ChainCheck(
                count, ChainBreak(event.sequence, event.pk, "its hash does not match its contents")
            )
        if event.row_hash and not hmac.compare_digest(event.row_hash, row_hash_of(event, key=key)):
            # The chain hash matches, so the row was changed before it was chained (or rehashed with the key).
            reason = "its own hash does not match its contents"
            return ChainCheck(count, ChainBreak(event.sequence, event.pk, reason))
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
    unchained, overdue, oldest = 0, 0, None
    cutoff = timezone.now() - unchained_tolerance
    for event in model.objects.filter(sequence=UNCHAINED).order_by("pk").iterator(chunk_size=chunk_size):
        unchained += 1
        if not event.row_hash or not hmac.compare_digest(event.row_hash, row_hash_of(event, key=key)):
            return ChainCheck(
                count, ChainBreak(UNCHAINED, event.pk, "its own hash does not match its contents"), unchained
            )
        if event.occurred_at < cutoff:
            overdue += 1
            oldest = oldest or event.pk
    if overdue:
        minutes = int(unchained_tolerance.total_seconds() // 60)
        reason = (
            f"{overdue} events appended more than {minutes} minutes ago are still unchained (the oldest "
            f"is id {oldest}): is the chainer (audit_chain_extend, every minute) running?"
        )
        return ChainCheck(count, ChainBreak(UNCHAINED, None, reason), unchained)
    return ChainCheck(count, None, unchained)
