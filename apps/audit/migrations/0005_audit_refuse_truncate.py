"""The database refuses TRUNCATE on the audit log: a statement-level trigger (PostgreSQL only).

Migration 0003's row triggers never fire for TRUNCATE, which empties the table in one statement. This
trigger refuses it for every role, the table's owner included, as long as triggers fire. Nothing in Beacon
truncates the table; the application's production role holds no TRUNCATE privilege at all (docs/audit-log.md),
so this is the second line, against an operator's slip or a script run as the owner.

The one thing that passes it is a session in ``session_replication_role = replica``, in which PostgreSQL
fires no ordinary trigger. Setting that needs superuser (or an explicit ``GRANT SET ON PARAMETER``), and a
superuser can drop the trigger anyway, so it opens nothing new. The test suite's flush (which truncates
every table after a ``transactional_db`` test) uses it: tests/audit/flush_backend. SQLite has no TRUNCATE.
"""

from django.db import migrations

POSTGRESQL_CREATE = """
CREATE FUNCTION audit_auditevent_refuse_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'The audit log is append-only: TRUNCATE on audit_auditevent is refused.';
END;
$$;
CREATE TRIGGER audit_auditevent_no_truncate
    BEFORE TRUNCATE ON audit_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION audit_auditevent_refuse_truncate();
"""

POSTGRESQL_DROP = """
DROP TRIGGER IF EXISTS audit_auditevent_no_truncate ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_auditevent_refuse_truncate();
"""


def refuse_truncate(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_CREATE, params=None)


def allow_truncate(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_DROP, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0004_audit_chain_keyed"),
    ]

    operations = [
        migrations.RunPython(refuse_truncate, allow_truncate),
    ]
