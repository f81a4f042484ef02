"""The suite itself: no test module imports another test module or a conftest (what they share lives
in the helper modules at the top of tests/, on `pythonpath`), so it runs in every --import-mode."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def _imported(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


def test_no_test_module_imports_another_or_a_conftest():
    found = {
        f"{path.relative_to(TESTS)}: {name}"
        for path in TESTS.rglob("*.py")
        for name in _imported(path)
        if any(part.startswith("test_") or part in ("conftest", "tests") for part in name.split("."))
    }
    assert not found, sorted(found)


def test_every_helper_module_is_at_the_top_of_tests():
    helpers = {
        path.relative_to(TESTS).as_posix()
        for path in TESTS.rglob("*.py")
        if not path.name.startswith("test_") and path.name not in ("conftest.py", "__init__.py")
    }
    assert all("/" not in helper for helper in helpers), sorted(helpers)
