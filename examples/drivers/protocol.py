"""The driver's side of mock-carriers' conformance protocol, shared by the example drivers here.

The kit runs a driver once per check with these environment variables:

* `MOCK_CARRIERS_CARRIER`, `MOCK_CARRIERS_TASK`: what to do (`parcel2go`, `book`, ...);
* `MOCK_CARRIERS_BASE_URL`: the carrier's base URL in the check's namespace;
* `MOCK_CARRIERS_CONTEXT`: a JSON file with `credentials`, `references` and, for webhook tasks,
  `listen_host`, `listen_port` and `secret`;
* `MOCK_CARRIERS_RESULT`: where the driver may write its JSON result.

`run(main)` reads them, calls `main(task)`, writes what it answers as the result and exits 0; any
exception is the driver reporting failure: one line on stderr (no traceback: the kit shows it) and
exit status 1. The example clients live one folder up and are imported from there as they are.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, NoReturn

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # examples/: the clients, unchanged


@dataclass(frozen=True)
class Task:
    carrier: str
    name: str
    base_url: str
    context: dict
    result_path: str | None

    @property
    def credentials(self) -> dict:
        return self.context.get("credentials") or {}

    @property
    def references(self) -> dict:
        return self.context.get("references") or {}

    def reference(self, *names: str) -> str:
        """The first of these references the context holds."""
        for name in names:
            if self.references.get(name):
                return str(self.references[name])
        raise KeyError(f"the context has none of the references {', '.join(names)}")

    def client_options(self, *credentials: str) -> dict:
        """The named credentials, and the context's `timeout` (seconds) when it gives one."""
        options = {name: self.credentials[name] for name in credentials if name in self.credentials}
        if self.context.get("timeout"):
            options["timeout"] = float(self.context["timeout"])
        return options


def load() -> Task:
    """The task the kit gave, from the environment (a missing variable is a KeyError naming it)."""
    with open(os.environ["MOCK_CARRIERS_CONTEXT"], encoding="utf-8") as file:
        context = json.load(file)
    return Task(
        os.environ["MOCK_CARRIERS_CARRIER"],
        os.environ["MOCK_CARRIERS_TASK"],
        os.environ["MOCK_CARRIERS_BASE_URL"],
        context,
        os.environ.get("MOCK_CARRIERS_RESULT"),
    )


def run(main: Callable[[Task], dict]) -> NoReturn:
    """Run one task: its result written and exit 0, or its failure told and exit 1."""
    try:
        task = load()
        result = main(task)
    except Exception as error:  # the driver's verdict on the task: it failed, and why
        print(f"failed: {type(error).__name__}: {error}", file=sys.stderr)
        sys.exit(1)
    if task.result_path:
        Path(task.result_path).write_text(json.dumps(result), encoding="utf-8")
    sys.exit(0)
