"""Run every benchmark and print one table: `python -m bench [--quick]`."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from bench import (
    conformance,
    core_platform,
    dashboard,
    faults,
    https,
    memory,
    plugin,
    server_layer,
    strict,
    tls,
    webhook_isolation,
    webhooks,
)

SUITES = [
    core_platform,
    server_layer,
    https,
    webhooks,
    webhook_isolation,
    faults,
    strict,
    tls,
    memory,
    plugin,
    conformance,
    dashboard,
]


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions, rougher figures")
    args = parser.parse_args()
    rows = []
    for suite in SUITES:
        rows.extend(suite.run(quick=args.quick))
    width = max(len(row["name"]) for row in rows)
    for row in rows:
        target = f"   target {row['target']}" if row.get("target") else ""
        print(f"{row['name']:<{width}}  {row['value']:>10.3f} {row['unit']:<6}{target}")
    out = Path(__file__).resolve().parent / "results"
    out.mkdir(exist_ok=True)
    (out / "latest.json").write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
