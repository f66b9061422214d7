"""The database itself refuses UPDATE and DELETE on the audit log, not just the application.

PostgreSQL: a row-level trigger raising an exception. SQLite (``make run``): BEFORE UPDATE / BEFORE DELETE
triggers with RAISE(ABORT). TRUNCATE is left alone on purpose: Django's test flush truncates every table
(transaction=True tests); in production the database role the application uses should not hold TRUNCATE.
"""

from django.db import migrations, models

MESSAGE = "The audit log is append-only: {operation} on audit_auditevent is refused."

POSTGRESQL_CREATE = """
CREATE FUNCTION audit_auditevent_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'The audit log is append-only: % on audit_auditevent is refused.', TG_OP;
END;
$$;
CREATE TRIGGER audit_auditevent_append_only
    BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_auditevent_refuse_change();
"""

POSTGRESQL_DROP = """
DROP TRIGGER IF EXISTS audit_auditevent_append_only ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_auditevent_refuse_change();
"""

SQLITE_CREATE = [
    f"""
    CREATE TRIGGER audit_auditevent_no_{operation.lower()}
    BEFORE {operation} ON audit_auditevent
    BEGIN
        SELECT RAISE(ABORT, '{MESSAGE.format(operation=operation)}');
    END;
    """
    for operation in ("UPDATE", "DELETE")
]

SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS audit_auditevent_no_update;",
    "DROP TRIGGER IF EXISTS audit_auditevent_no_delete;",
]


def _run(schema_editor, *, postgresql, sqlite):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(postgresql, params=None)
    elif vendor == "sqlite":
        for statement in sqlite:
            schema_editor.execute(statement, params=None)


def refuse_changes(apps, schema_editor):
    _run(schema_editor, postgresql=POSTGRESQL_CREATE, sqlite=SQLITE_CREATE)


def allow_changes(apps, schema_editor):
    _run(schema_editor, postgresql=POSTGRESQL_DROP, sqlite=SQLITE_DROP)


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0002_audit_chain"),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditevent",
            name="sequence",
            field=models.BigIntegerField(editable=False, unique=True),
        ),
        migrations.RunPython(refuse_changes, allow_changes),
    ]
