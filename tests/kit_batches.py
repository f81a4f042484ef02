"""Batches of conformance kit runs that the conformance tests' modules grade together.

A check mostly waits (a backoff, a Retry-After, a request timeout), so runs graded together take
little longer than the slowest of them. Each test module registers its batch (`@kit_batch`) when it
is imported; the first test that needs any batch's reports starts every registered batch of the
modules the session runs at once (`KitBatches`), so their waits overlap too, and each test reads its
own reports. Under xdist a worker grades only the batches its own tests ask for."""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Hashable

from mock_carriers.client import MockCarriers
from mock_carriers.kit import Report, conform, deliveries

Job = tuple  # (carrier, task, driver, Options): give each job Options of its own, their run_id names the namespaces


@dataclass
class KitBatch:
    """One module's runs: `jobs` graded `at_once` at a time, in their order (put the longest first);
    `alone` graded one by one before any batch starts, for a check a busy machine could blur."""

    jobs: dict[Hashable, Job]
    at_once: int
    alone: dict[Hashable, Job] = field(default_factory=dict)


@dataclass
class Graded:
    """A batch's reports: `alone` (key -> Report) and `futures` (key -> Future of a Report: a job
    that raised raises in the test that reads it). `folder` is the batch's own, for its drivers."""

    alone: dict[Hashable, Report]
    futures: dict[Hashable, Future]
    folder: Path

    def report(self, key: Hashable) -> Report:
        return self.futures[key].result()


REGISTERED: dict[str, Callable[[MockCarriers, Path], KitBatch]] = {}


def kit_batch(function: Callable[[MockCarriers, Path], KitBatch]) -> Callable[[MockCarriers, Path], KitBatch]:
    """Register a module's batch: `function(server, folder)` answers its KitBatch."""
    REGISTERED[function.__module__] = function
    return function


class KitBatches:
    """The registered batches of `modules`, graded against `server` on first use."""

    def __init__(self, server: MockCarriers, modules: set[str], together: bool, folder: Callable[[str], Path]) -> None:
        self.server, self.modules, self.together, self.folder = server, modules, together, folder
        self.graded: dict[str, Graded] = {}

    def __call__(self, module: str) -> Graded:
        """The module's batch, graded (with every other pending one when graded together)."""
        if module not in self.graded:
            names = [name for name in REGISTERED if name in self.modules and name not in self.graded]
            self._grade(names if self.together and module in names else [module])
        return self.graded[module]

    def _grade(self, names: list[str]) -> None:
        folders = {name: self.folder(name.rpartition(".")[2]) for name in names}
        batches = {name: REGISTERED[name](self.server, folders[name]) for name in names}
        # The webhook events the jobs need, played first as one `conform` would: playing them takes a
        # few hundred milliseconds of this process's CPU, which would hold up the checks running meanwhile.
        for batch in batches.values():
            for carrier, task, _, options in (*batch.jobs.values(), *batch.alone.values()):
                if task == "receive-webhooks":
                    deliveries.harvest(carrier, options.seed)
        alone = {
            name: {key: conform(self.server, *job) for key, job in batch.alone.items()}
            for name, batch in batches.items()
        }
        pools = {
            name: ThreadPoolExecutor(batch.at_once, thread_name_prefix="kit-batch") for name, batch in batches.items()
        }
        futures = {
            name: {key: pools[name].submit(conform, self.server, *job) for key, job in batch.jobs.items()}
            for name, batch in batches.items()
        }
        for name in names:
            pools[name].shutdown(wait=True)
            self.graded[name] = Graded(alone[name], futures[name], folders[name])
