"""Key the hash chain: reseal every existing row with HMAC-SHA256 under BEACON_AUDIT_KEY.

Why reseal rather than keep the old rows as unkeyed SHA-256 beside a version column: a chain that accepts
unkeyed rows can be rewritten by anyone with write access to the table (rehash everything as "unkeyed" and it
verifies), which is the very attack the key closes. An unkeyed hash proves nothing against such a person, so
replacing it loses no evidence. The rows are first checked against their unkeyed chain, and the migration
stops, naming the first broken link, if that fails: it never vouches for a chain already broken.

Only ``hash`` and ``previous_hash`` change; every row's contents stay as they were. The append-only trigger
is set aside for this one statement batch, inside the migration's transaction, by the table's owner.
"""

from django.db import migrations

BATCH = 2000


def _append_only_trigger(schema_editor, *, enabled: bool) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        action = "ENABLE" if enabled else "DISABLE"
        schema_editor.execute(f"ALTER TABLE audit_auditevent {action} TRIGGER audit_auditevent_append_only")
    elif vendor == "sqlite":
        if enabled:
            schema_editor.execute(
                "CREATE TRIGGER audit_auditevent_no_update BEFORE UPDATE ON audit_auditevent BEGIN "
                "SELECT RAISE(ABORT, 'The audit log is append-only: UPDATE on audit_auditevent is refused.'); "
                "END;"
            )
        else:
            schema_editor.execute("DROP TRIGGER IF EXISTS audit_auditevent_no_update")


def _reseal(apps, schema_editor, *, check, seal) -> None:
    from apps.audit.chain import GENESIS_HASH

    AuditEvent = apps.get_model("audit", "AuditEvent")
    if not AuditEvent.objects.exists():
        return
    _append_only_trigger(schema_editor, enabled=False)
    old_previous, new_previous, expected_sequence, batch = GENESIS_HASH, GENESIS_HASH, 1, []
    for event in AuditEvent.objects.order_by("sequence").iterator(chunk_size=BATCH):
        if (
            event.sequence != expected_sequence
            or event.previous_hash != old_previous
            or event.hash != check(event)
        ):
            raise RuntimeError(
                f"Audit chain broken at event {event.sequence} (id {event.pk}) before resealing it: "
                "investigate before migrating (manage.py verify_audit_chain on the previous release)."
            )
        old_previous = event.hash
        event.previous_hash = new_previous
        event.hash = new_previous = seal(event)
        batch.append(event)
        expected_sequence += 1
        if len(batch) == BATCH:
            AuditEvent.objects.bulk_update(batch, ["previous_hash", "hash"])
            batch = []
    AuditEvent.objects.bulk_update(batch, ["previous_hash", "hash"])
    _append_only_trigger(schema_editor, enabled=True)


def seal_with_key(apps, schema_editor):
    from apps.audit.chain import hash_of, unkeyed_hash_of

    _reseal(apps, schema_editor, check=unkeyed_hash_of, seal=hash_of)


def unseal(apps, schema_editor):
    from apps.audit.chain import hash_of, unkeyed_hash_of

    _reseal(apps, schema_editor, check=hash_of, seal=unkeyed_hash_of)


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0003_audit_append_only"),
    ]

    operations = [
        migrations.RunPython(seal_with_key, unseal),
    ]
