"""Migration 0004 reseals rows written before the key with the key, and refuses a chain already broken."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader

from apps.audit.chain import GENESIS_HASH, chain_verify, unkeyed_hash_of
from apps.audit.models import AuditEvent
from tests.factories import ChildFactory, ProfessionalFactory

# serialized_rollback: the flush after each test would otherwise take the reference data migrations seed.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE_THE_KEY = [("audit", "0003_audit_append_only")]
LATEST = MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes("audit")


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _write_unkeyed_rows(apps, *, count: int, break_at: int | None = None) -> None:
    """Rows as the release before the key wrote them: a plain SHA-256 chain."""
    historical_event = apps.get_model("audit", "AuditEvent")
    actor, child = ProfessionalFactory(), ChildFactory()
    previous_hash = GENESIS_HASH
    for sequence in range(1, count + 1):
        event = historical_event(
            actor_id=actor.pk,
            interface="system",
            action="view",
            child_id=child.pk,
            target_type="children.child",
            target_id=str(child.public_id),
            basis="creator",
            detail={},
            sequence=sequence,
            previous_hash=previous_hash,
        )
        event.hash = previous_hash = unkeyed_hash_of(event)
        if sequence == break_at:
            event.basis = "altered after hashing"
        event.save()


def test_rows_written_before_the_key_are_resealed_with_it():
    apps = _migrate(BEFORE_THE_KEY)
    _write_unkeyed_rows(apps, count=4)

    _migrate(LATEST)

    check = chain_verify(AuditEvent)
    assert (check.events, check.first_break) == (4, None)
    assert AuditEvent.objects.filter(basis="creator").count() == 4  # Contents unchanged.


def test_a_chain_broken_before_the_key_stops_the_migration():
    apps = _migrate(BEFORE_THE_KEY)
    _write_unkeyed_rows(apps, count=4, break_at=3)

    with pytest.raises(RuntimeError, match="Audit chain broken at event 3"):
        _migrate(LATEST)
    # Leave the schema as the other tests expect it, without the broken rows that stop the migration.
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
        cursor.execute("DELETE FROM audit_auditevent")
        cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")
    _migrate(LATEST)
