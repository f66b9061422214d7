"""The hazard log names the test that proves each control; a renamed or deleted test must not leave it
pointing at nothing. A control without a test is not a control (docs/clinical-safety/hazard-log.md)."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HAZARD_LOG = ROOT / "docs" / "clinical-safety" / "hazard-log.md"

HAZARD_ROW = re.compile(r"^\| (H\d+) \|")
TEST_FILE = re.compile(r"`(tests/[\w/]+(?:\.py|/))(?:::(\w+))?`")
SAME_FILE_TEST = re.compile(r"`::(\w+)`")


def _tests_in(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    return {
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("test_")
    }


def _cited_tests() -> list[tuple[str, str, str | None]]:
    """(hazard, file, test or None) for each test the log cites; `::name` means the file cited before it."""
    cited = []
    for line in HAZARD_LOG.read_text().splitlines():
        row = HAZARD_ROW.match(line)
        if not row:
            continue
        test_column = line.rstrip(" |").rsplit(" | ", 1)[-1]
        current_file = None
        for match in re.finditer(r"`[^`]+`", test_column):
            token = match.group(0)
            if full := TEST_FILE.fullmatch(token):
                current_file = full.group(1)
                cited.append((row.group(1), current_file, full.group(2)))
            elif (short := SAME_FILE_TEST.fullmatch(token)) and current_file:
                cited.append((row.group(1), current_file, short.group(1)))
    return cited


def test_every_hazard_names_at_least_one_test():
    hazards = {
        HAZARD_ROW.match(line).group(1)
        for line in HAZARD_LOG.read_text().splitlines()
        if HAZARD_ROW.match(line)
    }
    cited = {hazard for hazard, _, _ in _cited_tests()}
    assert hazards, "the hazard log has no entries"
    assert hazards <= cited, f"hazards with no test: {sorted(hazards - cited)}"


def test_every_test_the_hazard_log_cites_exists():
    missing = []
    for hazard, file, test in _cited_tests():
        path = ROOT / file
        if not path.exists():
            missing.append(f"{hazard}: {file}")
        elif test and test not in _tests_in(path):
            missing.append(f"{hazard}: {file}::{test}")
    assert not missing, "the hazard log cites tests that do not exist:\n" + "\n".join(missing)
