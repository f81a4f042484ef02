"""docs/architecture.md stays current: it names every module and package of mock_carriers/ (a
carrier's own package is described once, for all of them), and the README's Layout links it."""

from __future__ import annotations

import re
from pathlib import Path

import mock_carriers

PACKAGE = Path(mock_carriers.__file__).resolve().parent
ROOT = Path(__file__).resolve().parents[1]
PAGE = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")


def _described_parts() -> list[str]:
    carriers = PACKAGE / "carriers"
    parts = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.parent != carriers and carriers in path.parents:
            continue  # one carrier's own modules
        if path.name != "__init__.py":
            parts.append(path.name)
        elif path.parent != PACKAGE:
            parts.append(path.parent.relative_to(PACKAGE).as_posix() + "/")
    return parts


def test_every_module_and_package_is_on_the_page():
    missing = [part for part in _described_parts() if not re.search(r"(?<![\w.])" + re.escape(part), PAGE)]
    assert not missing, f"docs/architecture.md does not name {missing}"


def test_the_readme_layout_links_the_page():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    layout = readme.split("\n## Layout\n", 1)[1].split("\n## ", 1)[0]
    assert "(docs/architecture.md)" in layout
