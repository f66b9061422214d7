"""Indexes for appending without the chain lock (migration 0008), built without blocking the appenders.

``audit_sequence_chained`` will hold chained rows to one place each once 0008 drops the unique constraint
on every sequence (unchained rows all wait at 0); ``audit_unchained`` is the chainer's queue. On
PostgreSQL both are built ``CONCURRENTLY``, so audited requests keep inserting while the index over the
whole log is built (a plain ``CREATE INDEX`` would hold them all for as long as that takes); hence a
migration outside a transaction. Every existing row is chained, so ``audit_unchained`` starts empty.
"""

from django.db import migrations, models

INDEXES = {
    "audit_sequence_chained": "CREATE UNIQUE INDEX {concurrently} IF NOT EXISTS audit_sequence_chained "
    "ON audit_auditevent (sequence) WHERE sequence > 0",
    "audit_unchained": "CREATE INDEX {concurrently} IF NOT EXISTS audit_unchained "
    "ON audit_auditevent (id) WHERE sequence = 0",
}


def create_indexes(apps, schema_editor):
    concurrently = "CONCURRENTLY" if schema_editor.connection.vendor == "postgresql" else ""
    for statement in INDEXES.values():
        schema_editor.execute(statement.format(concurrently=concurrently), params=None)


def drop_indexes(apps, schema_editor):
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}", params=None)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("audit", "0006_audit_refused_action"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(create_indexes, drop_indexes)],
            state_operations=[
                migrations.AddIndex(
                    model_name="auditevent",
                    index=models.Index(
                        condition=models.Q(sequence=0), fields=["id"], name="audit_unchained"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="auditevent",
                    constraint=models.UniqueConstraint(
                        condition=models.Q(sequence__gt=0),
                        fields=["sequence"],
                        name="audit_sequence_chained",
                    ),
                ),
            ],
        ),
    ]
