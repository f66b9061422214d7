"""Check that every migration leaves the previous release working (apps/core/migration_safety.py).

Run by ``make migrations-lint`` in CI. Needs a PostgreSQL connection (the linter reads each migration's SQL
through ``sqlmigrate``) but no tables: it never migrates or writes.
"""

import logging

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Refuse migrations that would break the release still running while they apply (docs/releases.md)."

    def handle(self, *args, **options) -> None:
        # The linter is a development dependency: imported here, so the command list works without it.
        try:
            from apps.core.migration_safety import ReleaseSafetyLinter
        except ImportError as error:
            raise CommandError(
                f"{error}: the linter is a development dependency (pip install -e '.[dev]')"
            ) from error

        logging.getLogger("django_migration_linter").setLevel(logging.WARNING)  # Not a line per sqlmigrate.
        linter = ReleaseSafetyLinter()
        linter.lint_all_migrations()
        linter.print_summary()
        for app_label, name in linter.stale_reviews:
            self.stderr.write(f"Reviewed exception names no migration: ({app_label}, {name})")
        if linter.has_errors:
            raise CommandError(
                "A migration would break the running release; see docs/releases.md for the safe way, or, for "
                "a migration already released, add it to REVIEWED with why it stands."
            )
