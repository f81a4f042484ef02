"""The client conformance kit: grade a user's carrier client, with a report card.

A driver (a command in any language, or a Python callable) performs one task with the user's own
client; the kit runs it once per check of its catalogue, each time in a fresh namespace set up for
that check (faults, clock, rate limit, webhook deliveries), and judges each run from the journal,
the deliveries and the driver's outcome. The protocol is docs/conformance.md.

    from mock_carriers import MockCarriers
    from mock_carriers.kit import conform

    with MockCarriers.start() as mock:
        report = conform(mock, "parcel2go", "book", ["python", "my_driver.py"])
    print(table(report)); assert report.passed

Modules: `catalogue` (the checks and tasks, as data in catalogue.yaml), `prepare` (a check's
namespace), `driver` (running a driver, whatever it does), `deliveries` (the webhooks the kit
sends), `evidence` and `judges` (verdicts), `engine` (runs it all), `reports` (the report card),
`command` (`mock-carriers conform`).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # what a type checker sees; at run time __getattr__ imports on first use
    from mock_carriers.kit.driver import Run, TaskFailed
    from mock_carriers.kit.engine import Options, conform
    from mock_carriers.kit.reports import Report, Verdict, as_json, junit, page, table

# Lazy, so `mock-carriers serve` (whose CLI registers `conform`) does not load the engine, Flask's
# test tooling and every carrier at start-up.
_HOMES = {
    "Run": "driver",
    "TaskFailed": "driver",
    "Options": "engine",
    "conform": "engine",
    **dict.fromkeys(("Report", "Verdict", "as_json", "junit", "page", "table"), "reports"),
}

__all__ = ["Options", "Report", "Run", "TaskFailed", "Verdict", "as_json", "conform", "junit", "page", "table"]


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"mock_carriers.kit.{_HOMES[name]}"), name)
