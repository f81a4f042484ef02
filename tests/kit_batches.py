"""Batches of conformance kit runs that the conformance tests' modules grade together.

A check mostly waits (a backoff, a Retry-After, a request timeout), so runs graded together take
little longer than the slowest of them. Each test module registers its batch (`@kit_batch`) when it
is imported, and each test reads its own reports from the module's `Graded`.

The batches are graded in a process of their own (this file, run as a script), against a
`mock-carriers serve` of its own: the kit and its drivers keep one core busy, the server another,
and the tests run on meanwhile. In a serial run the batches the selected tests read are graded as a
head start (`GradingAhead`, tests/head_start.py), so that their waits overlap the tests before
them; under xdist a worker grades a module's batch when its first test asks for it, and only that
one."""

from __future__ import annotations

import importlib.util
import json
import os
import pickle
import signal
import subprocess
import sys
import tempfile
import threading
import traceback
from collections.abc import Callable, Hashable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from launching import served

from mock_carriers.client import MockCarriers
from mock_carriers.kit import Report, conform, deliveries

Job = tuple  # (carrier, task, driver, Options): give each job Options of its own, their run_id names the namespaces
GRADING_LIMIT = 300  # seconds: the batches take about 12, a loaded CI machine a few times that


@dataclass
class KitBatch:
    """One module's runs: `jobs` graded `at_once` at a time, in their order (put the longest first);
    `alone` graded one by one before any batch starts, for a check a busy machine could blur."""

    jobs: dict[Hashable, Job]
    at_once: int
    alone: dict[Hashable, Job] = field(default_factory=dict)


@dataclass
class Graded:
    """A batch's reports: `alone` (key -> Report) and `outcomes` (key -> Report, or the traceback of
    a job that raised, raised again in the test that reads it). `folder` is the batch's own, for
    its drivers."""

    alone: dict[Hashable, Report]
    outcomes: dict[Hashable, Report | str]
    folder: Path

    def report(self, key: Hashable) -> Report:
        outcome = self.outcomes[key]
        if isinstance(outcome, str):
            raise RuntimeError(f"grading {key!r} raised:\n{outcome}")
        return outcome


REGISTERED: dict[str, Callable[[MockCarriers, Path], KitBatch]] = {}


def kit_batch(function: Callable[[MockCarriers, Path], KitBatch]) -> Callable[[MockCarriers, Path], KitBatch]:
    """Register a module's batch: `function(server, folder)` answers its KitBatch."""
    REGISTERED[function.__module__] = function
    return function


class Grading:
    """One grading process, for the batches of `modules` (name -> its file), each with a folder."""

    def __init__(self, modules: dict[str, Path], folders: dict[str, Path], out: Path) -> None:
        self.folders, self.out = folders, out
        spec = [{"name": name, "path": str(path), "folder": str(folders[name])} for name, path in modules.items()]
        self.process = subprocess.Popen(
            [sys.executable, __file__, str(out), json.dumps(spec)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
            # Its server and drivers are stopped with it. It stays in the tests' session: a niceness
            # (tests/head_start.py) counts only within a session's scheduling group.
            process_group=0,
        )
        self._graded: dict[str, Graded] | str | None = None  # a str: why there is nothing to read
        self._reading = threading.Lock()  # the head start's thread and a test may ask at once

    def graded(self, name: str) -> Graded:
        with self._reading:
            if self._graded is None:
                self._graded = self._read()
        if isinstance(self._graded, str):
            raise RuntimeError(self._graded)
        return self._graded[name]

    def _read(self) -> dict[str, Graded] | str:
        try:
            _, errors = self.process.communicate(timeout=GRADING_LIMIT)
        except subprocess.TimeoutExpired:
            self.stop()
            return f"grading the kit batches took over {GRADING_LIMIT} s"
        if self.process.returncode != 0:
            return f"grading the kit batches failed (exit {self.process.returncode}):\n{errors}"
        results = pickle.loads(self.out.read_bytes())
        return {module: Graded(alone, outcomes, self.folders[module]) for module, (alone, outcomes) in results.items()}

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


class KitBatches:
    """The registered batches, each graded once, in a folder of its own under a temporary one."""

    def __init__(self) -> None:
        self._root = tempfile.TemporaryDirectory(prefix="kit-batches-")
        self._gradings: dict[str, Grading] = {}

    def start(self, modules: list[str]) -> None:
        """Start grading the batches of `modules` not started yet, together in one process."""
        names = [name for name in dict.fromkeys(modules) if name in REGISTERED and name not in self._gradings]
        if names:
            root = Path(self._root.name)
            folders = {name: root / name.rpartition(".")[2] for name in names}
            for folder in folders.values():
                folder.mkdir()
            files = {name: Path(sys.modules[name].__file__) for name in names}
            grading = Grading(files, folders, root / f"{len(self._gradings)}.pickle")
            self._gradings |= dict.fromkeys(names, grading)

    def __call__(self, module: str) -> Graded:
        """The module's batch, graded (started now if it was not)."""
        self.start([module])
        return self._gradings[module].graded(module)

    def stop(self) -> None:
        for grading in set(self._gradings.values()):
            grading.stop()
        self._root.cleanup()


@dataclass
class GradingAhead:
    """The batches of `modules` graded as a head start (tests/head_start.py): a test reads them from
    `batches` as ever."""

    batches: KitBatches
    modules: list[str]

    def run(self) -> None:
        self.batches.start(self.modules)
        for module in dict.fromkeys(self.modules):
            self.batches(module)

    def stop(self) -> None:
        self.batches.stop()


# The grading process.


def grade(server: MockCarriers, batches: dict[str, KitBatch]) -> dict[str, tuple[dict, dict]]:
    """Each batch's (alone, outcomes): the `alone` runs one by one, then every batch's jobs at once."""
    # The webhook events the jobs need, played first as one `conform` would: playing them takes a
    # few hundred milliseconds of CPU, which would hold up the checks running meanwhile.
    for batch in batches.values():
        for carrier, task, _, options in (*batch.jobs.values(), *batch.alone.values()):
            if task == "receive-webhooks":
                deliveries.harvest(carrier, options.seed)
    alone = {name: {key: conform(server, *job) for key, job in batch.alone.items()} for name, batch in batches.items()}
    pools = {name: ThreadPoolExecutor(batch.at_once, thread_name_prefix="kit-batch") for name, batch in batches.items()}
    futures = {
        name: {key: pools[name].submit(conform, server, *job) for key, job in batch.jobs.items()}
        for name, batch in batches.items()
    }
    for pool in pools.values():
        pool.shutdown(wait=True)
    return {name: (alone[name], {key: outcome(future) for key, future in futures[name].items()}) for name in batches}


def outcome(future: Future) -> Report | str:
    error = future.exception()
    return future.result() if error is None else "".join(traceback.format_exception(error))


def main(out: str, spec: str) -> None:
    """Import each module by its path, under the name the tests gave it (registering its batch; what
    it imports sits at the top of tests/, this file's folder), grade the batches, write the results
    to `out`."""
    folders = {}
    for module in json.loads(spec):
        loader = importlib.util.spec_from_file_location(module["name"], module["path"])
        sys.modules[module["name"]] = imported = importlib.util.module_from_spec(loader)
        loader.loader.exec_module(imported)
        folders[module["name"]] = Path(module["folder"])
    with served() as server:
        results = grade(server, {name: REGISTERED[name](server, folder) for name, folder in folders.items()})
    Path(out).write_bytes(pickle.dumps(results))


if __name__ == "__main__":
    import kit_batches  # this file again, as the module the test modules register their batches with

    status = 0
    try:
        kit_batches.main(*sys.argv[1:])
    except BaseException:
        traceback.print_exc()
        status = 1
    sys.stderr.flush()
    os._exit(status)  # a driver the kit abandoned (a hanging callable) may still be running: it ends here
