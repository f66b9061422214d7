"""The migration linter in CI (make migrations-lint) refuses what the release still running would not survive.

Made-up migrations for the core app (tests/core/unreleased/migrations) stand in for a new release's, so these
tests fail if the linter ever stops catching a column drop, however it is configured.
"""

import pytest

from apps.core.migration_safety import REVIEWED, ReleaseSafetyLinter

pytestmark = pytest.mark.django_db


@pytest.fixture
def unreleased_migrations(settings):
    settings.MIGRATION_MODULES = {"core": "tests.core.unreleased.migrations"}


def _lint(capsys, *, reviewed=None) -> tuple[ReleaseSafetyLinter, str]:
    linter = ReleaseSafetyLinter(reviewed=reviewed or {}, include_apps=["core"])
    linter.lint_all_migrations(app_label="core")
    return linter, capsys.readouterr().out


def test_a_column_drop_fails_the_check(unreleased_migrations, capsys):
    linter, out = _lint(capsys)

    assert linter.has_errors
    assert (
        "(core, 0002_drop_read_at)... ERR\n\tDROPPING columns (table: core_readinglog, column: read_at)"
        in out
    )


def test_a_data_migration_inside_the_transaction_fails_and_a_non_atomic_one_passes(
    unreleased_migrations, capsys
):
    _, out = _lint(capsys)

    assert "(core, 0003_backfill_subject)... ERR\n\tRunPython inside the migration's transaction" in out
    assert "(core, 0004_backfill_in_batches)... OK" in out
    assert "(core, 0001_reading_log)... OK" in out  # A new table harms no one.


def test_a_reviewed_migration_is_let_through_and_the_rest_still_checked(unreleased_migrations, capsys):
    linter, out = _lint(capsys, reviewed={("core", "0002_drop_read_at"): "test: reviewed"})

    assert "(core, 0002_drop_read_at)... REVIEWED" in out
    assert "(core, 0003_backfill_subject)... ERR" in out
    assert linter.has_errors


def test_a_review_naming_no_migration_fails_the_check(unreleased_migrations):
    linter = ReleaseSafetyLinter(reviewed={("core", "0009_never_written"): "test"}, include_apps=["core"])

    assert linter.stale_reviews == [("core", "0009_never_written")]
    assert linter.has_errors


def test_every_reviewed_exception_names_a_released_migration_and_says_why():
    linter = ReleaseSafetyLinter()

    assert linter.stale_reviews == []
    assert all(len(reason) > 20 for reason in REVIEWED.values())
