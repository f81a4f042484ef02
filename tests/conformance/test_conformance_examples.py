"""The example drivers (`examples/drivers/<carrier>_<task>.py`, on the example clients) score full
marks: every check that applies to their carrier's task passes. A checkout has a driver for every
task the kit grades, or (before they were written) none at all.

Each driver's task (its `main`) is graded as a callable in the kit's process, through the protocol module's own
`outcome` (what `run` turns into an exit status), so that the fourteen of them take seconds rather
than a process per check; two of them are also graded as the commands a user runs, process and
signals included. (tests/examples/test_drivers.py runs every one of them as a command.)"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest
from kit_batches import KitBatch, kit_batch

from mock_carriers.kit import Options
from mock_carriers.kit.catalogue import load
from mock_carriers.kit.driver import Command

DRIVERS = Path(__file__).resolve().parents[2] / "examples" / "drivers"
PAIRS = load().pairs()
AS_COMMANDS = [("parcel2go", "book"), ("parcel2go", "receive-webhooks")]
# The clients' timeout (long enough that a busy machine answers every call in time; the `hang`
# check, which waits it out, is no longer than the `rate-limit` one) and their first retry delay (a
# hint: their own is 0.5 s, doubling). All drivers at once, each with every check of its task at once.
OPTIONS = {"request_timeout": 3.0, "task_timeout": 15.0, "workers": 12, "hints": {"backoff": 0.15}}


def driver_path(carrier: str, task: str) -> Path:
    return DRIVERS / f"{carrier.replace('-', '_')}_{task.replace('-', '_')}.py"


PRESENT = [pair for pair in PAIRS if driver_path(*pair).exists()]


def in_process(carrier: str, task: str):
    """The driver's `main` as a callable driver: given the task the kit's context describes, it
    answers what the command would write as its result (a failure as `{"error": ...}`)."""
    if str(DRIVERS) not in sys.path:
        sys.path.insert(0, str(DRIVERS))
    protocol = importlib.import_module("protocol")
    main = importlib.import_module(driver_path(carrier, task).stem).main

    def drive(run) -> dict:
        task_ = protocol.Task(run.carrier, run.task, run.base_url, run.context(), run.result_path, run.stop)
        return protocol.outcome(main, task_)[0]

    drive.__qualname__ = driver_path(carrier, task).name
    return drive


@kit_batch
def batch(server, folder) -> KitBatch:
    jobs = {pair: (*pair, in_process(*pair), Options(**OPTIONS)) for pair in PRESENT}
    jobs |= {
        ("command", *pair): (*pair, Command([sys.executable, str(driver_path(*pair))]), Options(**OPTIONS))
        for pair in AS_COMMANDS
        if pair in PRESENT
    }
    return KitBatch(jobs, max(len(jobs), 1))


@pytest.fixture(scope="module")
def reports(kit_batches):
    return kit_batches(__name__).report


def test_every_task_has_an_example_driver_or_none_has():
    assert PRESENT in ([], PAIRS), f"missing: {[pair for pair in PAIRS if pair not in PRESENT]}"


def full_marks(report) -> None:
    assert report.failed() == [], [(v.check, v.summary, v.evidence) for v in report.verdicts if v.status == "fail"]
    assert report.counts()["pass"] > 0


@pytest.mark.parametrize("carrier, task", PRESENT, ids=lambda value: value)
def test_the_example_driver_scores_full_marks(reports, carrier, task):
    full_marks(reports((carrier, task)))


@pytest.mark.parametrize("carrier, task", [pair for pair in AS_COMMANDS if pair in PRESENT], ids=lambda value: value)
def test_the_example_driver_scores_full_marks_as_a_command(reports, carrier, task):
    full_marks(reports(("command", carrier, task)))
