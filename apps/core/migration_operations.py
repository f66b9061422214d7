"""Migration operations that are safe on a running PostgreSQL and still work on the demo's SQLite.

``make run`` migrates an SQLite database with no server (the README's first command); production and the
tests migrate PostgreSQL. An index built ``CONCURRENTLY`` lets writes go on while it is built, which only
PostgreSQL can do: elsewhere the same index is built the ordinary way.
"""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations


class AddIndexConcurrentlyWherePossible(AddIndexConcurrently):
    """``AddIndexConcurrently`` on PostgreSQL; a plain ``AddIndex`` on any other database."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)
        else:
            migrations.AddIndex.database_forwards(self, app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)
        else:
            migrations.AddIndex.database_backwards(self, app_label, schema_editor, from_state, to_state)
