"""The audit log is append-only and tamper-evident: a keyed hash chain, a checking command, triggers."""

import itertools
import threading
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from apps.audit.chain import GENESIS_HASH, hash_of, row_hash_of, unkeyed_hash_of
from apps.audit.models import AppendOnlyError, AuditEvent
from apps.audit.services import audit_chain_extend, audit_record, audit_record_reads
from tests.factories import ChildFactory, ProfessionalFactory

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigger and the advisory lock are PostgreSQL's"
)


def _record(actor, child, **extra) -> AuditEvent:
    return audit_record(actor=actor, action=AuditEvent.Action.VIEW, target=child, child=child, **extra)


def _verify() -> str:
    out = StringIO()
    call_command("verify_audit_chain", stdout=out)
    return out.getvalue()


def _in_sql(statement: str, params=()) -> None:
    """Change the table behind the application's back, as someone with database access could."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The table's owner can switch its triggers off: the hash chain is what still shows the change.
            # Deferred foreign-key checks from the inserts above must run first, or ALTER TABLE refuses.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
        cursor.execute(statement, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


@pytest.fixture
def events():
    actor = ProfessionalFactory()
    children = ChildFactory.create_batch(3)
    first = _record(actor, children[0], basis="creator", detail={"fields": ("given_name",), "n": 1})
    audit_record_reads(actor=actor, action=AuditEvent.Action.LIST, children=children)
    _record(actor, children[2])
    audit_chain_extend()
    first.refresh_from_db()
    return list(AuditEvent.objects.filter(sequence__gte=first.sequence))


def test_each_row_is_chained_to_the_one_before(events):
    chain = sorted(events, key=lambda event: event.sequence)

    assert [event.sequence for event in chain] == list(range(1, 6))
    assert chain[0].previous_hash == GENESIS_HASH
    for before, after in itertools.pairwise(chain):
        assert after.previous_hash == before.hash
    for event in chain:
        event.refresh_from_db()
        assert len(event.hash) == 64
        assert event.hash == hash_of(event)  # The stored row, read back, hashes to what was stored.
    assert [event.occurred_at for event in chain] == sorted(event.occurred_at for event in chain)
    assert chain[0].detail == {"fields": ["given_name"], "n": 1}


def test_the_hash_is_keyed_with_the_audit_key_from_settings(events, settings):
    event = min(events, key=lambda event: event.sequence)
    event.refresh_from_db()

    assert event.hash != unkeyed_hash_of(event)
    assert event.hash == hash_of(event, key=b"test-only-not-a-secret-audit-key")
    settings.BEACON_AUDIT_KEY = "another-key-of-at-least-thirty-two-characters"
    assert hash_of(event) != event.hash


def _rehash_in_sql(events, *, alter_sequence: int, hash_with, row_hash_with=None) -> None:
    """Alter one row and rehash it and every row after it, as someone with the database but not the key.

    ``row_hash_with`` reseals the altered row's own hash too, as only someone holding the key can.
    """
    previous_hash = None
    for event in sorted(events, key=lambda event: event.sequence):
        event.refresh_from_db()
        if event.sequence < alter_sequence:
            previous_hash = event.hash
            continue
        if event.sequence == alter_sequence:
            event.basis = "forged"
            if row_hash_with:
                event.row_hash = row_hash_with(event)
        event.previous_hash = previous_hash or GENESIS_HASH
        event.hash = previous_hash = hash_with(event)
        _in_sql(
            "UPDATE audit_auditevent SET basis = %s, row_hash = %s, previous_hash = %s, hash = %s "
            "WHERE id = %s",
            [event.basis, event.row_hash, event.previous_hash, event.hash, event.pk],
        )


@pytest.mark.parametrize(
    "hash_with",
    [
        pytest.param(unkeyed_hash_of, id="plain SHA-256, as the chain was before"),
        pytest.param(lambda event: hash_of(event, key=b"a guessed key"), id="HMAC with a guessed key"),
    ],
)
def test_a_chain_rehashed_without_the_key_is_detected_at_the_altered_row(events, hash_with):
    altered = sorted(events, key=lambda event: event.sequence)[1]
    _rehash_in_sql(events, alter_sequence=2, hash_with=hash_with)

    with pytest.raises(CommandError) as error:
        _verify()
    assert str(error.value) == (
        f"Audit chain broken at event 2 (id {altered.pk}): its hash does not match its contents"
    )


def test_a_chain_rehashed_with_the_key_verifies_which_is_why_the_key_stays_out_of_the_database(events):
    # The limit of the control, stated: whoever holds the key can rewrite the chain undetected.
    _rehash_in_sql(events, alter_sequence=2, hash_with=hash_of, row_hash_with=row_hash_of)

    assert _verify().strip() == "Audit chain intact: 5 events"


def test_verify_audit_chain_passes_on_an_untouched_log(events):
    assert _verify().strip() == "Audit chain intact: 5 events"


def test_an_empty_log_is_intact():
    assert _verify().strip() == "Audit chain intact: 0 events"


def test_a_row_altered_in_sql_is_named(events):
    altered = sorted(events, key=lambda event: event.sequence)[2]
    _in_sql("UPDATE audit_auditevent SET basis = %s WHERE id = %s", ["administrator grant", altered.pk])

    with pytest.raises(CommandError) as error:
        _verify()
    assert str(error.value) == (
        f"Audit chain broken at event 3 (id {altered.pk}): its hash does not match its contents"
    )


def test_a_row_rehashed_after_altering_breaks_the_link_after_it(events):
    chain = sorted(events, key=lambda event: event.sequence)
    altered = chain[1]
    altered.basis = "forged"
    _in_sql(
        "UPDATE audit_auditevent SET basis = %s, row_hash = %s, hash = %s WHERE id = %s",
        ["forged", row_hash_of(altered), hash_of(altered), altered.pk],
    )

    with pytest.raises(CommandError) as error:
        _verify()
    assert str(error.value) == f"Audit chain broken at event 3 (id {chain[2].pk}): it does not follow event 2"


def test_a_row_deleted_in_sql_is_found_by_the_gap_it_leaves(events):
    chain = sorted(events, key=lambda event: event.sequence)
    _in_sql("DELETE FROM audit_auditevent WHERE id = %s", [chain[3].pk])

    with pytest.raises(CommandError) as error:
        _verify()
    assert str(error.value) == f"Audit chain broken at event 5 (id {chain[4].pk}): it does not follow event 3"


@postgresql_only
@pytest.mark.parametrize(
    ("statement", "operation"),
    [
        ("UPDATE audit_auditevent SET basis = 'changed'", "UPDATE"),
        ("DELETE FROM audit_auditevent", "DELETE"),
        ("TRUNCATE audit_auditevent", "TRUNCATE"),
        ("TRUNCATE audit_auditevent CASCADE", "TRUNCATE"),
        ("TRUNCATE children_child CASCADE", "TRUNCATE"),  # Reaches the log through its foreign key.
    ],
)
def test_postgresql_refuses_update_delete_and_truncate_in_sql(events, statement, operation):
    refused = f"append-only: {operation} on audit_auditevent is refused"
    with connection.cursor() as cursor:
        # TRUNCATE refuses to run over deferred foreign-key checks from the inserts above: run them first.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    with pytest.raises(DatabaseError, match=refused), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)

    assert AuditEvent.objects.filter(basis="changed").count() == 0
    assert AuditEvent.objects.count() == 5
    assert _verify().strip() == "Audit chain intact: 5 events"


def test_the_application_refuses_to_change_or_delete_a_row(events):
    event = events[0]
    event.basis = "changed"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(basis="changed")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.count() == 5


@postgresql_only
def test_recording_reads_takes_a_fixed_number_of_queries(django_assert_num_queries):
    actor = ProfessionalFactory()
    children = ChildFactory.create_batch(10)
    audit_record_reads(actor=actor, action=AuditEvent.Action.LIST, children=children[:1])  # caches the org

    with django_assert_num_queries(1):  # one bulk insert: no lock, no read of the chain head
        audit_record_reads(actor=actor, action=AuditEvent.Action.LIST, children=children)
    with django_assert_num_queries(0):  # nothing shown, nothing to record
        audit_record_reads(actor=actor, action=AuditEvent.Action.LIST, children=[])


@postgresql_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_writers_on_two_connections_leave_an_unbroken_chain():
    actor = ProfessionalFactory()
    children = ChildFactory.create_batch(4)
    barrier = threading.Barrier(2)
    failures = []

    def write(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            for _ in range(15):
                with transaction.atomic():
                    _record(actor, children[index])
                    audit_record_reads(actor=actor, action=AuditEvent.Action.LIST, children=children)
        except Exception as error:  # Reported by the assertion below.
            failures.append(error)
        finally:
            connection.close()  # Each thread has its own connection; close it before the test ends.

    threads = [threading.Thread(target=write, args=(index,)) for index in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert failures == []
    assert audit_chain_extend() == 2 * 15 * 5
    assert sorted(AuditEvent.objects.values_list("sequence", flat=True)) == list(range(1, 2 * 15 * 5 + 1))
    assert _verify().strip() == f"Audit chain intact: {2 * 15 * 5} events"
