"""The mypy ratchet (scripts/mypy_ratchet.py): CI fails when a type error is not in the baseline, and the
recorded baseline can only shrink. Runs the script as CI does, on synthetic mypy output."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "mypy_ratchet.py"

OLD_ERRORS = """\
apps/teams/views.py:91: error: "QuerySet[Action, Action]" has no attribute "open"  [attr-defined]
apps/teams/views.py:148: error: "Child" has no attribute "access"  [attr-defined]
apps/teams/views.py:150: error: "Child" has no attribute "access"  [attr-defined]
"""
NEW_ERROR = (
    'apps/referrals/services.py:40: error: Argument "user" to "referral_accept" has incompatible type '
    '"User | None"; expected "User"  [arg-type]\n'
)


def summary(errors: str) -> str:
    count = len(errors.splitlines())
    return (
        f"Found {count} errors in 2 files (checked 184 source files)\n"
        if count
        else "Success: no issues found\n"
    )


def ratchet(tmp_path: Path, mypy_output: str, *extra: str) -> subprocess.CompletedProcess:
    output_file = tmp_path / "mypy-output.txt"
    output_file.write_text(mypy_output)
    return subprocess.run(
        [
            sys.executable,
            str(SCRIPT),
            "--baseline",
            str(tmp_path / "baseline.txt"),
            "--mypy-output",
            str(output_file),
            *extra,
        ],
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def baseline(tmp_path):
    """A baseline recorded from the old errors, as `make mypy-baseline` writes it."""
    assert ratchet(tmp_path, OLD_ERRORS + summary(OLD_ERRORS), "--update").returncode == 0
    return tmp_path / "baseline.txt"


def test_the_baseline_records_each_error_once_per_occurrence_without_line_numbers(tmp_path, baseline):
    recorded = [line for line in baseline.read_text().splitlines() if not line.startswith("#")]
    assert recorded == [
        'apps/teams/views.py: "Child" has no attribute "access"  [attr-defined]',
        'apps/teams/views.py: "Child" has no attribute "access"  [attr-defined]',
        'apps/teams/views.py: "QuerySet[Action, Action]" has no attribute "open"  [attr-defined]',
    ]


def test_ci_fails_when_a_new_error_appears_and_names_it(tmp_path, baseline):
    errors = OLD_ERRORS + NEW_ERROR
    result = ratchet(tmp_path, errors + summary(errors))
    assert result.returncode == 1
    assert "apps/referrals/services.py:40" in result.stdout
    assert "Fix them" in result.stdout


def test_ci_fails_when_a_recorded_error_occurs_once_more(tmp_path, baseline):
    errors = (
        OLD_ERRORS + 'apps/teams/views.py:400: error: "Child" has no attribute "access"  [attr-defined]\n'
    )
    assert ratchet(tmp_path, errors + summary(errors)).returncode == 1


def test_recorded_errors_that_moved_to_other_lines_still_pass(tmp_path, baseline):
    moved = OLD_ERRORS.replace(":91:", ":95:").replace(":148:", ":160:")
    result = ratchet(tmp_path, moved + summary(moved))
    assert result.returncode == 0, result.stdout


def test_fixed_errors_pass_and_ask_for_the_baseline_to_shrink(tmp_path, baseline):
    fewer = OLD_ERRORS.splitlines(keepends=True)[0]
    result = ratchet(tmp_path, fewer + summary(fewer))
    assert result.returncode == 0
    assert "2 recorded mypy errors are fixed: run `make mypy-baseline`" in result.stdout


def test_a_mypy_crash_is_not_taken_for_a_clean_run(tmp_path, baseline):
    result = ratchet(tmp_path, "pyproject.toml: [mypy]: Unrecognized option: plugins = nonsense\n")
    assert result.returncode == 2


def test_the_committed_baseline_is_in_the_form_the_script_writes():
    lines = (ROOT / "mypy-baseline.txt").read_text().splitlines()
    errors = [line for line in lines if not line.startswith("#")]
    assert errors == sorted(errors)
    assert all(line.startswith(("apps/", "config/")) and "[" in line for line in errors)
