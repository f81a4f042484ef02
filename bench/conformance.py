"""The conformance kit's speed: the whole catalogue for each carrier's task, against the example
drivers (`examples/drivers/<carrier>_<task>.py`, each a command on an example client), with the
kit's defaults (5 s request timeout, checks run in parallel); and each carrier's tasks one after
another (issue 19's target: a carrier's catalogue under 30 s). A driver that fails a check is
reported: a figure from a failing run would not mean much.

    python bench/conformance.py [--quick] [--drivers DIR]
"""

from __future__ import annotations

import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from mock_carriers import MockCarriers  # noqa: E402
from mock_carriers.kit import Options, conform  # noqa: E402
from mock_carriers.kit.catalogue import load  # noqa: E402
from mock_carriers.kit.driver import Command  # noqa: E402

QUICK = [("parcel2go", "book"), ("parcel2go", "receive-webhooks")]


def driver_path(folder: Path, carrier: str, task: str) -> Path:
    return folder / f"{carrier.replace('-', '_')}_{task.replace('-', '_')}.py"


def timings(folder: Path, pairs: list[tuple[str, str]]) -> tuple[dict, list[str]]:
    """Seconds of each (carrier, task) whose driver exists, and what went wrong on the way."""
    seconds, problems = {}, []
    with MockCarriers.start() as mock:
        for carrier, task in pairs:
            path = driver_path(folder, carrier, task)
            if not path.exists():
                problems.append(f"no example driver {path}: skipped")
                continue
            started = time.perf_counter()
            report = conform(mock, carrier, task, Command([sys.executable, str(path)]), Options(workers=6))
            seconds[(carrier, task)] = time.perf_counter() - started
            if report.failed():
                problems.append(f"{carrier} {task}: failed {', '.join(report.failed())}")
    return seconds, problems


def run(quick: bool = False, folder: Path = ROOT / "examples" / "drivers") -> list[dict]:
    seconds, problems = timings(folder, QUICK if quick else load().pairs())
    for problem in problems:
        print(f"conformance bench: {problem}", file=sys.stderr)
    rows = [
        {"name": f"conformance: {carrier} {task}, whole catalogue", "value": value, "unit": "s", "target": "< 30 s"}
        for (carrier, task), value in seconds.items()
    ]
    per_carrier: dict[str, float] = defaultdict(float)
    for (carrier, _), value in seconds.items():
        per_carrier[carrier] += value
    rows += [
        {"name": f"conformance: every {carrier} task, one after another", "value": value, "unit": "s"}
        for carrier, value in per_carrier.items()
    ]
    return rows


if __name__ == "__main__":
    arguments = sys.argv[1:]
    folder = Path(arguments[arguments.index("--drivers") + 1]) if "--drivers" in arguments else None
    for row in run(quick="--quick" in arguments, **({"folder": folder} if folder else {})):
        print(f"{row['name']:<64} {row['value']:>7.1f} {row['unit']}   target {row.get('target', '-')}")
