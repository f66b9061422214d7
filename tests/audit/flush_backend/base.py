"""PostgreSQL for the test suite, whose flush may empty the audit log despite its TRUNCATE trigger.

After each ``transactional_db`` test, Django's flush truncates every table in one statement, the audit log
included, which migration 0005's trigger refuses. Here the flush runs with ``session_replication_role =
replica`` (PostgreSQL then fires no ordinary trigger) for its own transaction only (``SET LOCAL``). That
setting needs superuser, as the test suite's role is: the application's role could not use it, and the
trigger stays in force for everything else the tests do, including the test that TRUNCATE is refused.
Everything but the flush is Django's own backend.
"""

from django.db.backends.postgresql import base, operations


class DatabaseOperations(operations.DatabaseOperations):
    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        statements = super().sql_flush(
            style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
        if not statements:
            return statements
        # execute_sql_flush runs these in one transaction, so SET LOCAL ends with it.
        return ["SET LOCAL session_replication_role = replica", *statements]


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
