"""Only apps/sharing may grant or remove object permissions (house style, section 2)."""

import ast
from pathlib import Path

APPS = Path(__file__).resolve().parents[2] / "apps"
GRANTING_CALLS = {"assign_perm", "remove_perm", "bulk_assign_perm", "bulk_remove_perm"}
PERMISSION_TABLES = {"ChildUserObjectPermission", "ChildGroupObjectPermission", "UserObjectPermission"}


def _violations(path: Path, root: Path = APPS.parent) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name in GRANTING_CALLS:
                found.append(f"{path.relative_to(root)}:{node.lineno} calls {name}")
        if isinstance(node, ast.Attribute) and node.attr in {"create", "bulk_create", "update", "delete"}:
            # Writing guardian's tables directly is granting too: Model.objects.create(...)
            chain = node.value
            while isinstance(chain, ast.Attribute):
                chain = chain.value
            if isinstance(chain, ast.Name) and chain.id in PERMISSION_TABLES:
                found.append(f"{path.relative_to(root)}:{node.lineno} writes {chain.id}")
    return found


def _python_files_outside_sharing():
    for path in sorted(APPS.rglob("*.py")):
        relative = path.relative_to(APPS)
        if relative.parts[0] == "sharing" or "migrations" in relative.parts:
            continue
        yield path


def test_no_code_outside_apps_sharing_grants_or_removes_permissions():
    violations = [v for path in _python_files_outside_sharing() for v in _violations(path)]
    assert violations == []


def test_the_check_would_catch_a_grant(tmp_path):
    sneaky = tmp_path / "sneaky.py"
    sneaky.write_text("from guardian.shortcuts import assign_perm\nassign_perm('view_child', user, child)\n")
    assert _violations(sneaky, root=tmp_path) == ["sneaky.py:2 calls assign_perm"]
