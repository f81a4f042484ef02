"""The examples under /examples run against the mock here. Each example is a standalone file a
user copies, so their folder is put on sys.path rather than packaged. (This folder is a package,
`__init__.py`, so this conftest does not shadow the suite's own `conftest` module.)"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from example_drivers import Drivers, stop_all
from support import attempts_in

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "examples"))


@pytest.fixture
def sleeps() -> list[float]:
    """An injectable `sleep` for the clients: it records how long they would wait, and returns."""
    return []


@pytest.fixture
def attempts(carriers):
    """`attempts(operation)`: each journal entry of that operation, as its status and the fault
    effects that hit it."""

    return lambda operation: attempts_in(carriers, operation)


@pytest.fixture
def drivers(carriers, tmp_path):
    started = Drivers(carriers, tmp_path)
    yield started
    stop_all(started)
