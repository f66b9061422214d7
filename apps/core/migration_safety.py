"""Migrations that the running release survives (docs/releases.md).

A release runs ``migrate`` while the previous release's web processes and workers still serve; only then do
the new processes start. So every migration must leave the previous release's code working against the new
schema, and must not hold a lock that stalls it. django-migration-linter reads the SQL of each migration and
refuses the operations that break the previous release (dropping or renaming a column or table, a NOT NULL
column without a database default, a column's type changed, a unique constraint added to a full table, an
index built under a lock). Beacon adds one rule of its own: a data migration (``RunPython``) must not run
inside the migration's transaction, holding every lock the migration took until its last row is written.

Migrations already released are not rewritten: the ones the linter flags are listed in ``REVIEWED`` below,
each with what it did and why it stands. Every other migration, and every new one, is checked.

The linter is a development dependency: this module is imported only by ``manage.py lint_migrations`` and its
test, never by the running application.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.apps import apps
from django.db.migrations import Migration, RunPython
from django_migration_linter import MigrationLinter
from django_migration_linter.sql_analyser.base import Issue

# (app label, migration name) -> what it did, and why it stands. Released before the linter was added
# (issue 12): none of these may be edited in a way that changes the schema it leaves.
REVIEWED: dict[tuple[str, str], str] = {
    # The failed upgrade of issue 12. (Its other half, notifications 0004, copied every notification inside
    # its own transaction under its lock on the notification table; that copy now runs in 0005, in batches,
    # so 0004 passes. 0009's backfill is batched the same way.)
    ("notifications", "0005_email_status_now_in_deliveries"): (
        "Drops email_status and emailed_at in the same release as the code that stopped reading them: the "
        "previous release's notification reads failed until it was replaced. Databases have dropped them, so "
        "it stands; an upgrade from before it stops the old release first (docs/releases.md)."
    ),
    ("notifications", "0008_notification_category_and_involvement"): (
        "Adds category and involved NOT NULL with defaults that Django drops afterwards: the previous "
        "release could not create notifications or reminders until it was replaced. Today: db_default."
    ),
    # Columns added NOT NULL with a Python-side default only (Django drops the database default): the
    # previous release's inserts into these tables failed until it was replaced. Shipped before the linter;
    # the columns now exist everywhere and every writer sets them, so nothing more can go wrong.
    (
        "accounts",
        "0004_user_session_epoch",
    ): "User.session_epoch NOT NULL; old release could not create users.",
    ("children", "0004_child_information_categories"): (
        "VulnerabilityType.category NOT NULL; reference data, written only by migrations."
    ),
    ("teams", "0002_team_member_offer_for_young_person"): (
        "TeamMembership.offer_for_young_person NOT NULL; old release could not add team members."
    ),
    ("sharing", "0006_lawful_basis_and_organisation_groups"): (
        "Lawful basis columns NOT NULL on grants and permission rows, and indexes built under a lock on "
        "tables then small; old release could not grant access until it was replaced."
    ),
    # Indexes and unique constraints built under a lock, on tables that were small when they shipped.
    ("accounts", "0005_young_person_invites"): "An index on the user table, built when it was small.",
    (
        "sharing",
        "0002_drop_basis_constraint_for_team_grants",
    ): "Dropped a constraint's index on a small table.",
    ("sharing", "0003_team_member_grants"): "A unique constraint and an index on grants, then a small table.",
    ("sharing", "0008_permission_indexes_cover_expiry"): (
        "Swapped two permission indexes for ones covering expiry, built under a lock (seconds at the "
        "sizes then)."
    ),
    (
        "teams",
        "0001_initial",
    ): "Initial migration: indexes to the user and child tables when both were small.",
    # Reference data written inside the migration's transaction: a few rows, so the lock is brief.
    ("accounts", "0002_seed_organisation_types_and_roles"): "Reference data: a few dozen rows.",
    ("children", "0002_seed_vulnerability_types"): "Reference data: a few dozen rows.",
    ("children", "0005_sensitive_vulnerability_categories"): "Reference data: six rows updated.",
    ("referrals", "0002_clinical_lead_role"): "Reference data: one role added.",
    ("sharing", "0007_administrator_grants_rest_on_a_legal_duty"): (
        "One UPDATE of administrators' grants (a few per child): seconds, not minutes."
    ),
    # The audit chain is rewritten in one consistent pass, with the append-only trigger set aside for exactly
    # that transaction: batches would leave a half-sealed chain, and the trigger off, between them. They
    # pause audited writes while they run; an upgrade across them is planned as a short stop.
    (
        "audit",
        "0002_audit_chain",
    ): "Adds the chain's columns and chains every existing row in one transaction.",
    ("audit", "0003_audit_append_only"): "Installs the append-only trigger and a unique sequence; atomic.",
    ("audit", "0004_audit_chain_keyed"): "Reseals the whole chain with the key in one transaction.",
    # Reviewed, not released: issue 12's audit redesign. Its RunPython writes no rows (it replaces the
    # append-only trigger's function, per database), and dropping the unique constraint on sequence is a
    # brief lock with no rewrite; 0007 built the index that replaces it concurrently, beforehand.
    ("audit", "0008_audit_append_without_lock"): (
        "Replaces the trigger function (no rows) and drops sequence's unique index: a brief lock, no rewrite."
    ),
    (
        "audit",
        "0005_audit_refuse_truncate",
    ): "Installs the truncate-refusing trigger (DDL in RunPython); atomic.",
}

RUNPYTHON_IN_TRANSACTION = "RUNPYTHON_IN_TRANSACTION"


def project_app_labels() -> list[str]:
    """Beacon's own apps (``apps.*``): third-party migrations are their maintainers' to review."""
    return sorted(config.label for config in apps.get_app_configs() if config.name.startswith("apps."))


def runs_data_in_transaction(migration: Migration) -> bool:
    """A RunPython that Django wraps in the migration's transaction (the migration is atomic and the
    operation does not opt out), so any lock taken before it is held until its last row is written."""
    return any(
        isinstance(operation, RunPython) and migration.atomic and operation.atomic is not False
        for operation in migration.operations
    )


class ReleaseSafetyLinter(MigrationLinter):
    """django-migration-linter with Beacon's reviewed exceptions, every warning an error, and the
    data-migration-in-a-transaction rule."""

    def __init__(
        self,
        *,
        reviewed: dict[tuple[str, str], str] = REVIEWED,
        include_apps: Iterable[str] | None = None,
    ) -> None:
        self.reviewed = reviewed
        self.own_apps: list[str] = list(include_apps) if include_apps is not None else project_app_labels()
        super().__init__(
            include_apps=self.own_apps,
            no_cache=True,
            # The test settings use a PostgreSQL backend subclass (tests/audit/flush_backend), which the
            # linter does not recognise by name.
            analyser_string="postgresql",
            # A lock-taking index or a data migration without a reverse is as much a release hazard here.
            all_warnings_as_errors=True,
        )
        self.stale_reviews = sorted(
            key
            for key in reviewed
            if key[0] in self.own_apps and key not in self.migration_loader.disk_migrations
        )

    def should_ignore_migration(self, app_label, migration_name, operations=(), is_initial=False) -> bool:
        if (app_label, migration_name) in self.reviewed:
            return True
        return super().should_ignore_migration(app_label, migration_name, operations, is_initial)

    def analyse_data_migration(self, migration: Migration) -> tuple[list[Issue], list[Issue], list[Issue]]:
        errors, ignored, warnings = super().analyse_data_migration(migration)
        if runs_data_in_transaction(migration):
            errors.append(
                Issue(
                    code=RUNPYTHON_IN_TRANSACTION,
                    message=(
                        "RunPython inside the migration's transaction: set `atomic = False` on the "
                        "migration and write in batches, each in its own transaction (docs/releases.md)"
                    ),
                )
            )
        return errors, ignored, warnings

    def print_linting_msg(self, app_label, migration_name, msg, lint_result) -> None:
        if app_label not in self.own_apps:
            return  # Third-party apps: not ours to review, and not worth a line each.
        if (app_label, migration_name) in self.reviewed:
            msg = "REVIEWED (apps/core/migration_safety.py says why it stands)"
        super().print_linting_msg(app_label, migration_name, msg, lint_result)

    @property
    def has_errors(self) -> bool:
        return super().has_errors or bool(self.stale_reviews)
