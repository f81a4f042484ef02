"""The examples under /examples run against the mock here. Each example is a standalone file a
user copies, so their folder is put on sys.path rather than packaged. (This folder is a package,
`__init__.py`, so this conftest does not shadow the suite's own `conftest` module.)"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "examples"))


@pytest.fixture
def sleeps() -> list[float]:
    """An injectable `sleep` for the clients: it records how long they would wait, and returns."""
    return []


@pytest.fixture
def attempts(carriers):
    """`attempts(operation)`: each journal entry of that operation, as its status and the fault
    effects that hit it."""

    def of(operation: str) -> list[tuple[int, list[str]]]:
        return [
            (entry["response"]["status"], [fault["effect"] for fault in entry["faults"]])
            for entry in carriers.journal(operation=operation)
        ]

    return of
