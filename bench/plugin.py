"""What the pytest plugin's fixtures add to each test: a suite of empty tests, some bare, some with
`carriers`, some with `carriers` and `webhook_sink`, some with `carriers_proxy`, taking turns so
drift in the machine's speed hits every kind alike; each test's setup, call and teardown as pytest
itself reports them. The session's first `carriers` test (which starts the server) is reported apart."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

KINDS = {
    "bare": "",
    "carriers": "carriers",
    "sink": "carriers, webhook_sink",
    "proxy": "carriers_proxy",
}

TIMER = """
import json, os

durations = {}

def pytest_runtest_logreport(report):
    durations[report.nodeid] = durations.get(report.nodeid, 0.0) + report.duration

def pytest_sessionfinish(session):
    with open(os.environ["BENCH_PLUGIN_OUT"], "w") as handle:
        json.dump(durations, handle)
"""


def per_test(rounds: int) -> dict[str, list[float]]:
    """Milliseconds (setup + call + teardown) of each test, by kind, in the order they ran."""
    with tempfile.TemporaryDirectory(prefix="mock-carriers-bench-plugin-") as folder:
        tests = [
            f"def test_{kind}_{n}({arguments}):\n    pass\n"
            for n in range(rounds + 1)
            for kind, arguments in KINDS.items()
        ]
        Path(folder, "test_overhead.py").write_text("\n\n".join(tests))
        Path(folder, "bench_timer.py").write_text(TIMER)
        out = Path(folder, "durations.json")
        env = {
            **os.environ,
            "BENCH_PLUGIN_OUT": str(out),
            "PYTHONPATH": os.pathsep.join(filter(None, [folder, str(ROOT), os.environ.get("PYTHONPATH")])),
        }
        env.pop("MOCK_CARRIERS_URL", None)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "-q",
                "-p",
                "no:cacheprovider",
                "-p",
                "bench_timer",
                "-p",
                "no:xdist",
                "-p",
                "no:randomly",
                "test_overhead.py",
            ],
            cwd=folder,
            env=env,
            check=True,
            capture_output=True,
        )
        durations = json.loads(out.read_text())
    found: dict[str, list[float]] = {kind: [] for kind in KINDS}
    for nodeid, seconds in durations.items():
        kind = nodeid.split("::test_", 1)[1].rsplit("_", 1)[0]
        found[kind].append(seconds * 1000)
    return found


def run(quick: bool = False) -> list[dict]:
    found = per_test(30 if quick else 200)
    first, found["carriers"] = found["carriers"][0], found["carriers"][1:]  # it starts the session's server
    bare, carriers, sink, proxy = (statistics.median(found[kind]) for kind in ("bare", "carriers", "sink", "proxy"))
    return [
        {"name": "pytest: an empty test (median)", "value": bare, "unit": "ms"},
        {"name": "pytest: an empty test with `carriers`", "value": carriers, "unit": "ms"},
        {"name": "pytest: per-test cost of `carriers`", "value": carriers - bare, "unit": "ms"},
        {"name": "pytest: per-test cost of `webhook_sink` (beside `carriers`)", "value": sink - carriers, "unit": "ms"},
        {
            "name": "pytest: per-test cost of `carriers_proxy` (beside `carriers`)",
            "value": proxy - carriers,
            "unit": "ms",
        },
        {"name": "pytest: the session's first `carriers` test (starts the server)", "value": first, "unit": "ms"},
    ]


if __name__ == "__main__":
    for row in run(quick="--quick" in sys.argv):
        print(f"{row['name']:<64} {row['value']:>9.3f} {row['unit']}")
