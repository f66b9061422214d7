"""The layering contract ([tool.importlinter] in pyproject.toml) is checked, and catches what it should.

`make imports` runs lint-imports in CI. These tests run it against a copy of the tree with one forbidden
import added, so the check cannot quietly stop checking (a renamed app, a contract that no longer matches
anything, an import tucked inside a function).
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _lint_imports(tree: Path) -> subprocess.CompletedProcess:
    """lint-imports on ``tree``'s apps package with ``tree``'s pyproject.toml, nothing cached."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", str(tree / "pyproject.toml")],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


@pytest.fixture
def tree_copy(tmp_path: Path) -> Path:
    """A throwaway copy of the apps package and the contract, to break on purpose."""
    shutil.copytree(ROOT / "apps", tmp_path / "apps", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def _add_to(module: Path, code: str) -> None:
    module.write_text(module.read_text() + "\n\n" + code + "\n")


def test_the_tree_keeps_the_layering_contract():
    result = _lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_core_importing_an_app_inside_a_function_breaks_the_contract(tree_copy: Path):
    # Hidden in a function body, as the circles used to be: grimp still sees it.
    _add_to(
        tree_copy / "apps" / "core" / "working_days.py",
        "def _reach_up():\n    from apps.children.models import Child\n\n    return Child",
    )

    result = _lint_imports(tree_copy)

    assert result.returncode != 0
    assert "apps.core is the ground floor" in result.stdout
    assert "BROKEN" in result.stdout
    assert "apps.core.working_days -> apps.children.models" in result.stdout


def test_a_lower_app_importing_a_higher_one_breaks_the_layers(tree_copy: Path):
    # The audit log reaching up to the caseload would let the two import each other.
    _add_to(tree_copy / "apps" / "audit" / "chain.py", "from apps.caseload import selectors as _caseload")

    result = _lint_imports(tree_copy)

    assert result.returncode != 0
    assert "Apps are layered" in result.stdout
    assert "apps.audit.chain -> apps.caseload.selectors" in result.stdout


def test_anything_importing_the_demo_data_breaks_the_layers(tree_copy: Path):
    _add_to(tree_copy / "apps" / "portal" / "views.py", "from apps.demo.loader import DEFAULT_FIXTURE")

    result = _lint_imports(tree_copy)

    assert result.returncode != 0
    assert "apps.portal.views -> apps.demo.loader" in result.stdout


def test_no_two_apps_import_each_other():
    graph = grimp.build_graph("apps", cache_dir=None)
    apps = sorted(m for m in graph.find_children("apps"))
    both_ways = [
        (a, b)
        for i, a in enumerate(apps)
        for b in apps[i + 1 :]
        if graph.direct_import_exists(importer=a, imported=b, as_packages=True)
        and graph.direct_import_exists(importer=b, imported=a, as_packages=True)
    ]

    assert both_ways == []
