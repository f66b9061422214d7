"""Audited requests append without waiting for each other; the chainer seals committed rows into the chain."""

import datetime
import threading
from contextlib import contextmanager
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from apps.audit.chain import chain_extend, row_hash_of
from apps.audit.models import AuditEvent
from apps.audit.services import audit_chain_extend, audit_record, audit_record_reads
from tests.factories import ChildFactory, ProfessionalFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="two connections and PostgreSQL's locks"),
]


def _record(actor, child) -> AuditEvent:
    return audit_record(actor=actor, action=AuditEvent.Action.VIEW, target=child, child=child)


def _verify(*args) -> str:
    out = StringIO()
    call_command("verify_audit_chain", *args, stdout=out)
    return out.getvalue().strip()


def _in_sql(statement: str, params=()) -> None:
    """Change the table as its owner could, with its triggers off."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
        cursor.execute(statement, params)
        cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


@contextmanager
def _open_transaction_that_appended(actor, child):
    """On a second connection: append an audit row and keep the transaction open until the block ends."""
    appended, release, held = threading.Event(), threading.Event(), {}

    def hold() -> None:
        try:
            with transaction.atomic():
                held["event"] = _record(actor, child)
                appended.set()
                release.wait(timeout=30)
        except Exception as error:  # Reported by the assertion below.
            held["error"] = error
            appended.set()
        finally:
            connection.close()

    thread = threading.Thread(target=hold)
    thread.start()
    try:
        assert appended.wait(timeout=30)
        yield held
    finally:
        release.set()
        thread.join(timeout=30)
    assert "error" not in held


@contextmanager
def _refusing_to_wait():
    """A transaction in which waiting for any lock is an error: proof of no wait, not a timing."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '100ms'")
        yield


def test_an_appended_row_waits_at_sequence_0_until_the_chainer_gives_it_the_next_place():
    actor, child = ProfessionalFactory(), ChildFactory()
    first = _record(actor, child)
    audit_chain_extend()
    second = _record(actor, child)

    assert (second.sequence, second.previous_hash, second.hash) == (0, "", "")
    assert second.row_hash == row_hash_of(second)
    assert _verify() == "Audit chain intact: 1 events; 1 events not chained yet, each matching its own hash"

    assert audit_chain_extend() == 1
    first.refresh_from_db()
    second.refresh_from_db()
    assert (second.sequence, second.previous_hash) == (2, first.hash)
    assert _verify() == "Audit chain intact: 2 events"


def test_the_chainer_is_idempotent():
    actor, children = ProfessionalFactory(), ChildFactory.create_batch(3)
    audit_record_reads(actor=actor, action=AuditEvent.Action.LIST, children=children)
    assert audit_chain_extend() == 3
    chained = list(AuditEvent.objects.order_by("sequence").values_list("sequence", "previous_hash", "hash"))

    assert audit_chain_extend() == 0
    assert list(AuditEvent.objects.order_by("sequence").values_list("sequence", "previous_hash", "hash")) == (
        chained
    )


def test_the_chainer_works_through_a_backlog_in_batches():
    actor, children = ProfessionalFactory(), ChildFactory.create_batch(7)
    audit_record_reads(actor=actor, action=AuditEvent.Action.LIST, children=children)

    assert chain_extend(AuditEvent, batch_size=3) == 7
    assert sorted(AuditEvent.objects.values_list("sequence", flat=True)) == list(range(1, 8))
    assert _verify() == "Audit chain intact: 7 events"


def test_a_row_edited_before_it_was_chained_is_named_by_its_own_hash_before_and_after_chaining():
    actor, child = ProfessionalFactory(), ChildFactory()
    _record(actor, child)
    edited = _record(actor, child)
    _in_sql("UPDATE audit_auditevent SET basis = 'forged' WHERE id = %s", [edited.pk])

    with pytest.raises(CommandError) as error:
        _verify()
    assert str(error.value) == (
        f"Audit event id {edited.pk}, not yet chained: its own hash does not match its contents"
    )

    audit_chain_extend()  # The chain hash now covers the edit; the row's own hash still gives it away.
    with pytest.raises(CommandError) as error:
        _verify()
    assert str(error.value) == (
        f"Audit chain broken at event 2 (id {edited.pk}): its own hash does not match its contents"
    )


def test_reordered_rows_are_detected():
    actor, children = ProfessionalFactory(), ChildFactory.create_batch(3)
    audit_record_reads(actor=actor, action=AuditEvent.Action.LIST, children=children)
    audit_chain_extend()
    second, third = AuditEvent.objects.filter(sequence__in=[2, 3]).order_by("sequence")
    # Swap their places: each keeps its own contents and hashes, so only the links can show it.
    _in_sql("UPDATE audit_auditevent SET sequence = -sequence WHERE id IN (%s, %s)", [second.pk, third.pk])
    _in_sql("UPDATE audit_auditevent SET sequence = 3 WHERE id = %s", [second.pk])
    _in_sql("UPDATE audit_auditevent SET sequence = 2 WHERE id = %s", [third.pk])

    with pytest.raises(CommandError) as error:
        _verify()
    assert str(error.value) == f"Audit chain broken at event 2 (id {third.pk}): it does not follow event 1"


def test_rows_left_unchained_past_the_tolerance_fail_verification():
    actor, child = ProfessionalFactory(), ChildFactory()
    stale = _record(actor, child)

    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=11), tick=False):
        with pytest.raises(CommandError) as error:
            _verify()
        assert _verify("--unchained-minutes", "15") == (
            "Audit chain intact: 0 events; 1 events not chained yet, each matching its own hash"
        )
    assert str(error.value) == (
        f"Audit log not chained: 1 events appended more than 10 minutes ago are still unchained (the oldest "
        f"is id {stale.pk}): is the chainer (audit_chain_extend, every minute) running?"
    )


def test_the_database_lets_the_chainer_set_a_place_once_and_refuses_any_other_change():
    actor, child = ProfessionalFactory(), ChildFactory()
    event = _record(actor, child)
    refused = "append-only: UPDATE on audit_auditevent is refused"

    for statement in (
        "UPDATE audit_auditevent SET basis = 'changed' WHERE id = %s",  # contents of an unchained row
        "UPDATE audit_auditevent SET sequence = 1, basis = 'changed' WHERE id = %s",  # place and contents
    ):
        with pytest.raises(DatabaseError, match=refused), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [event.pk])
    audit_chain_extend()
    with pytest.raises(DatabaseError, match=refused), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET sequence = 7, hash = '' WHERE id = %s", [event.pk])

    assert _verify() == "Audit chain intact: 1 events"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_append_commits_while_another_transaction_that_appended_is_still_open():
    actor, children = ProfessionalFactory(), ChildFactory.create_batch(2)

    with _open_transaction_that_appended(actor, children[0]):
        # Under the old chain lock this waited for the other transaction and failed on lock_timeout.
        with _refusing_to_wait():
            mine = _record(actor, children[1])
            audit_record_reads(actor=actor, action=AuditEvent.Action.LIST, children=children)

        assert AuditEvent.objects.filter(pk=mine.pk).exists()  # Committed, the other still open.


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_row_that_commits_after_a_higher_id_is_chained_after_it():
    actor, child = ProfessionalFactory(), ChildFactory()

    with _open_transaction_that_appended(actor, child) as held:
        later = _record(actor, child)
        with _refusing_to_wait():
            assert audit_chain_extend() == 1  # Only what has committed, without waiting for the rest.
    assert audit_chain_extend() == 1
    earlier = AuditEvent.objects.get(pk=held["event"].pk)
    later.refresh_from_db()

    assert earlier.pk < later.pk
    assert (later.sequence, earlier.sequence) == (1, 2)
    assert earlier.previous_hash == later.hash
    assert _verify() == "Audit chain intact: 2 events"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_chainers_at_once_chain_each_row_once():
    actor, children = ProfessionalFactory(), ChildFactory.create_batch(10)
    for _ in range(20):
        audit_record_reads(actor=actor, action=AuditEvent.Action.LIST, children=children)
    barrier, chained, failures = threading.Barrier(2), [], []

    def chain() -> None:
        try:
            barrier.wait(timeout=10)
            chained.append(chain_extend(AuditEvent, batch_size=25))
        except Exception as error:  # Reported by the assertion below.
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=chain) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert failures == []
    assert sum(chained) == 200
    assert sorted(AuditEvent.objects.values_list("sequence", flat=True)) == list(range(1, 201))
    assert _verify() == "Audit chain intact: 200 events"
