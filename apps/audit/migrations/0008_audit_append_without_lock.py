"""Append without the chain lock: rows arrive unchained (sequence 0) with their own hash, and are chained later.

Expand only, so the release before this one keeps working while a rolling release runs both:

- ``row_hash`` is a new nullable column (instant); the old release leaves it NULL, as on every row written
  before, and its rows are chained as it writes them, as before.
- ``sequence`` loses its unique constraint (migration 0007's ``audit_sequence_chained`` now keeps chained
  rows to one place each) and unchained rows hold 0, not NULL: the old release finds the chain head with
  ``ORDER BY sequence DESC``, where PostgreSQL would sort NULL first. It takes the same advisory lock as the
  new chainer, so between them the chain goes on unbroken.
- The append-only trigger now lets one change through: an unchained row given its sequence and hashes,
  once, with nothing else about it changed. Everything else is refused as before.

Existing rows are already chained and are not touched. Reversing this needs every row chained first
(``manage.py shell -c 'from apps.audit.services import audit_chain_extend; audit_chain_extend()'``).
"""

from django.db import migrations, models

# The chain's columns, the only ones the chainer may set, and only on a row still at sequence 0.
POSTGRESQL_ALLOW_CHAINING = """
CREATE OR REPLACE FUNCTION audit_auditevent_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.sequence = 0 AND NEW.sequence > 0
        AND to_jsonb(NEW) - ARRAY['sequence', 'previous_hash', 'hash']
            = to_jsonb(OLD) - ARRAY['sequence', 'previous_hash', 'hash']
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'The audit log is append-only: % on audit_auditevent is refused.', TG_OP;
END;
$$;
"""

POSTGRESQL_REFUSE_ALL = """
CREATE OR REPLACE FUNCTION audit_auditevent_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'The audit log is append-only: % on audit_auditevent is refused.', TG_OP;
END;
$$;
"""

CONTENT_COLUMNS = (
    "id",
    "occurred_at",
    "actor_id",
    "actor_organisation_id",
    "interface",
    "action",
    "child_id",
    "target_type",
    "target_id",
    "basis",
    "detail",
    "row_hash",
)
SQLITE_REFUSE_UPDATE = (
    "CREATE TRIGGER audit_auditevent_no_update BEFORE UPDATE ON audit_auditevent {when} BEGIN "
    "SELECT RAISE(ABORT, 'The audit log is append-only: UPDATE on audit_auditevent is refused.'); END;"
)
SQLITE_ALLOW_CHAINING = SQLITE_REFUSE_UPDATE.format(
    when="WHEN NOT (OLD.sequence = 0 AND NEW.sequence > 0 AND "
    + " AND ".join(f"NEW.{column} IS OLD.{column}" for column in CONTENT_COLUMNS)
    + ")"
)


SQLITE_REFUSE_DELETE = (
    "CREATE TRIGGER audit_auditevent_no_delete BEFORE DELETE ON audit_auditevent BEGIN "
    "SELECT RAISE(ABORT, 'The audit log is append-only: DELETE on audit_auditevent is refused.'); END;"
)


def _sqlite_triggers(schema_editor, *, update: str) -> None:
    """Both of migration 0003's SQLite triggers, the UPDATE one as given.

    SQLite cannot drop a unique constraint in place: Django rebuilds the table for the AlterField above,
    and the old table's triggers go with it, so both are made again here.
    """
    for name in ("audit_auditevent_no_update", "audit_auditevent_no_delete"):
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}", params=None)
    schema_editor.execute(update, params=None)
    schema_editor.execute(SQLITE_REFUSE_DELETE, params=None)


def allow_chaining(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_ALLOW_CHAINING, params=None)
    elif vendor == "sqlite":
        _sqlite_triggers(schema_editor, update=SQLITE_ALLOW_CHAINING)


def refuse_every_update(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_REFUSE_ALL, params=None)
    elif vendor == "sqlite":
        _sqlite_triggers(schema_editor, update=SQLITE_REFUSE_UPDATE.format(when=""))


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0007_audit_chain_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="row_hash",
            field=models.CharField(blank=True, editable=False, max_length=64, null=True),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="sequence",
            field=models.BigIntegerField(default=0, editable=False),
        ),
        migrations.RunPython(allow_chaining, refuse_every_update),
    ]
