"""The example drivers (`examples/drivers/<carrier>_<task>.py`, on the example clients) score full
marks: every check that applies to their carrier's task passes. A checkout has a driver for every
task the kit grades, or (before they were written) none at all."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from mock_carriers.kit import Options, conform
from mock_carriers.kit.catalogue import load
from mock_carriers.kit.driver import Command

DRIVERS = Path(__file__).resolve().parents[2] / "examples" / "drivers"
PAIRS = load().pairs()


def driver_path(carrier: str, task: str) -> Path:
    return DRIVERS / f"{carrier.replace('-', '_')}_{task.replace('-', '_')}.py"


PRESENT = [pair for pair in PAIRS if driver_path(*pair).exists()]


def test_every_task_has_an_example_driver_or_none_has():
    assert PRESENT in ([], PAIRS), f"missing: {[pair for pair in PAIRS if pair not in PRESENT]}"


@pytest.mark.parametrize("carrier, task", PRESENT, ids=lambda value: value)
def test_the_example_driver_scores_full_marks(carriers_server, carrier, task):
    options = Options(request_timeout=1.5, task_timeout=15.0)
    report = conform(
        carriers_server, carrier, task, Command([sys.executable, str(driver_path(carrier, task))]), options
    )
    assert report.failed() == [], [(v.check, v.summary, v.evidence) for v in report.verdicts if v.status == "fail"]
