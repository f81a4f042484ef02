"""The examples under /examples run against the mock here. Each example is a standalone file a
user copies, so their folder is put on sys.path rather than packaged. (This folder is a package,
`__init__.py`, so this conftest does not shadow the suite's own `conftest` module.)"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
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


DRIVERS = Path(__file__).resolve().parents[2] / "examples" / "drivers"


@dataclass
class DriverRun:
    returncode: int
    result: dict | None  # what it wrote to MOCK_CARRIERS_RESULT, if anything
    stderr: str


@pytest.fixture
def drive(carriers, tmp_path):
    """`drive(carrier, task, **context)`: run examples/drivers/<carrier>_<task>.py as the kit would,
    in a subprocess against the test's namespace, with its credentials and references (and any
    further context), and answer how it ended."""

    def run(carrier: str, task: str, timeout: float = 120, **context) -> DriverRun:
        context_file, result_file = tmp_path / f"{carrier}-{task}.json", tmp_path / f"{carrier}-{task}.result.json"
        result_file.unlink(missing_ok=True)
        document = {"credentials": carriers.credentials(carrier), "references": carriers.references(carrier)}
        context_file.write_text(json.dumps(document | context))
        env = os.environ | {
            "MOCK_CARRIERS_CARRIER": carrier,
            "MOCK_CARRIERS_TASK": task,
            "MOCK_CARRIERS_BASE_URL": carriers.url(carrier),
            "MOCK_CARRIERS_CONTEXT": str(context_file),
            "MOCK_CARRIERS_RESULT": str(result_file),
        }
        script = DRIVERS / f"{carrier.replace('-', '_')}_{task.replace('-', '_')}.py"
        done = subprocess.run(
            [sys.executable, str(script)], env=env, capture_output=True, text=True, timeout=timeout, check=False
        )
        result = json.loads(result_file.read_text()) if result_file.exists() else None
        return DriverRun(done.returncode, result, done.stderr)

    return run
