"""The chain's head is exported outside the database, so rows cut from the end of the chain are found."""

import json
import logging
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from apps.audit.models import AuditEvent
from apps.audit.services import audit_chain_extend, audit_record
from apps.audit.tasks import audit_head_export_task
from tests.factories import ChildFactory, ProfessionalFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def head_dir(settings, tmp_path):
    settings.BEACON_AUDIT_HEAD_DIR = tmp_path / "audit-head"
    return settings.BEACON_AUDIT_HEAD_DIR


@pytest.fixture
def chain():
    actor, child = ProfessionalFactory(), ChildFactory()
    events = [
        audit_record(actor=actor, action=AuditEvent.Action.VIEW, target=child, child=child) for _ in range(5)
    ]
    audit_chain_extend()
    for event in events:
        event.refresh_from_db()
    return events


def _verify(*args) -> str:
    out = StringIO()
    call_command("verify_audit_chain", *args, stdout=out)
    return out.getvalue().strip()


def _cut_tail(after_sequence: int) -> None:
    """Delete the newest rows as the table's owner could, triggers off: what is left is a whole chain."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
        cursor.execute("DELETE FROM audit_auditevent WHERE sequence > %s", [after_sequence])
        cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")


def test_the_export_appends_the_newest_sequence_and_hash_to_a_file_and_the_log(head_dir, chain, caplog):
    newest = chain[-1]
    with caplog.at_level(logging.INFO, logger="apps.audit.services"):
        audit_head_export_task.delay()
        out = StringIO()
        call_command("export_audit_head", stdout=out)

    lines = [json.loads(line) for line in (head_dir / "audit-head.jsonl").read_text().splitlines()]
    assert len(lines) == 2
    assert {key: lines[-1][key] for key in ("sequence", "id", "hash")} == {
        "sequence": newest.sequence,
        "id": newest.pk,
        "hash": newest.hash,
    }
    assert out.getvalue().strip() == f"Audit chain head: {newest.sequence}:{newest.hash}"
    heads = [record.audit_head for record in caplog.records if record.name == "apps.audit.services"]
    assert heads == [newest.hash, newest.hash]


def test_a_cut_tail_verifies_alone_but_not_against_the_exported_head(head_dir, chain):
    call_command("export_audit_head", stdout=StringIO())
    _cut_tail(after_sequence=3)

    assert _verify() == "Audit chain intact: 3 events"  # Whole, only shorter: the reason for the export.
    for option in (["--head-file", str(head_dir / "audit-head.jsonl")], ["--head", f"5:{chain[-1].hash}"]):
        with pytest.raises(CommandError) as error:
            _verify(*option)
        assert str(error.value) == (
            "Audit chain cut after event 3: events 4 to 5 (2) are missing; the exported head is event 5"
        )


def test_a_chain_that_grew_past_the_exported_head_is_intact(head_dir, chain):
    call_command("export_audit_head", stdout=StringIO())
    actor, child = ProfessionalFactory(), ChildFactory()
    audit_record(actor=actor, action=AuditEvent.Action.VIEW, target=child, child=child)
    audit_chain_extend()

    assert _verify("--head-file", str(head_dir / "audit-head.jsonl")) == (
        "Audit chain intact: 6 events, reaching the exported head (event 5)"
    )


def test_a_head_that_does_not_match_the_row_is_named(chain):
    with pytest.raises(CommandError) as error:
        _verify("--head", f"4:{'a' * 64}")
    assert str(error.value) == (
        f"Audit chain broken at event 4 (id {chain[3].pk}): its hash is not the one exported for it"
    )


@pytest.mark.parametrize("head", ["4", "four:abc", f"4:{'a' * 10}"])
def test_a_malformed_head_is_refused_clearly(head):
    with pytest.raises(CommandError, match="is not a head: give the event number and its hash"):
        _verify("--head", head)


def test_the_export_chains_what_has_committed_before_it_exports_the_head(head_dir):
    actor, child = ProfessionalFactory(), ChildFactory()
    appended = audit_record(actor=actor, action=AuditEvent.Action.VIEW, target=child, child=child)
    assert appended.sequence == 0  # Appended, not yet chained.

    audit_head_export_task.delay()

    appended.refresh_from_db()
    assert appended.sequence == 1
    line = json.loads((head_dir / "audit-head.jsonl").read_text())
    assert (line["sequence"], line["id"], line["hash"]) == (1, appended.pk, appended.hash)


def test_an_empty_log_exports_nothing(head_dir):
    out = StringIO()
    call_command("export_audit_head", stdout=out)

    assert out.getvalue().strip() == "The audit log is empty: nothing to export"
    assert not (head_dir / "audit-head.jsonl").exists()
