"""Processes started ahead of the tests that read them. Most of a `mock-carriers` process's life in a
test is its start-up (an interpreter, Flask, the app) on one core, while the test run waits on another:
so a module's processes start a few tests ahead of the test that reads each, and each test waits only
for what is left of its own. Under xdist the workers already run side by side and share a module's
tests out, so there each process starts when its own test asks for it."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from functools import cached_property
from typing import Generic, Protocol, TypeVar

from mock_carriers.client import MockCarriers

# A Python subprocess that imports the tests' own mock_carriers (the installed one): `-P` keeps the
# working directory (the checkout, where pytest runs) off its path, where `-c` and `-m` put it first.
# In a fresh checkout with `pip install .` that copy has no bytecode: every subprocess compiled what
# it imported, seconds over a run.
PYTHON = [sys.executable, "-P"]
MOCK_CARRIERS = [*PYTHON, "-m", "mock_carriers"]  # `mock-carriers`


class Stoppable(Protocol):
    def stop(self) -> None: ...


T = TypeVar("T", bound=Stoppable)


def terminate(process: subprocess.Popen) -> None:
    """SIGTERM, and SIGKILL if it has not ended in 30 s (a loaded CI machine can be slow to wind a
    server down)."""
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def served() -> Iterator[MockCarriers]:
    """A `mock-carriers serve` process on a free port, for the tests that grade or drive many clients
    at once: they keep a core busy on each side (the server's namespaces and answers; the clients and
    what reads their outcomes), which one process would share under one interpreter lock. None of the
    environment's MOCK_CARRIERS_ settings reach it: its answers are the suite's own server's."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("MOCK_CARRIERS_")}
    process = subprocess.Popen(
        [*MOCK_CARRIERS, "serve", "--port", "0", "--quiet"],
        stdout=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    try:
        first = process.stdout.readline()  # "mock-carriers X listening on http://127.0.0.1:PORT"
        assert " listening on " in first, f"serve did not start: {first!r}"
        yield MockCarriers.connect(first.split()[-1])
    finally:
        terminate(process)
        process.stdout.close()


class Launched:
    """One process with its output piped, started at once and read when its test needs it."""

    def __init__(self, argv: list[str], env: dict[str, str] | None = None) -> None:
        self.argv = argv
        self.process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)

    @cached_property
    def first_line(self) -> str:
        """Its first line on stdout (for `serve`, the start-up line: it serves from then on)."""
        return self.process.stdout.readline()

    def result(self, timeout: float = 60) -> subprocess.CompletedProcess:
        """How a process that ends by itself ended."""
        out, err = self.process.communicate(timeout=timeout)
        return subprocess.CompletedProcess(self.argv, self.process.returncode, out, err)

    def stop(self) -> None:
        if self.process.poll() is None:
            terminate(self.process)
        for stream in (self.process.stdout, self.process.stderr):
            stream.close()


class Ahead(Generic[T]):
    """A module's processes by name, in the order its tests use them: the one a test asks for, and as
    many after it as there are cores, are started (one at a time under xdist). More at once would
    only slow each other down, and the requests of the test running meanwhile."""

    def __init__(self, launchers: dict[str, Callable[[], T]]) -> None:
        self._launchers = launchers
        self._started: dict[str, T] = {}
        self._front = 0  # how many of `launchers` are started (or skipped) from the top
        self._ahead = 0 if os.environ.get("PYTEST_XDIST_WORKER") else (os.cpu_count() or 1)

    def __getitem__(self, name: str) -> T:
        order = list(self._launchers)
        self._front = max(self._front, order.index(name) + 1 + self._ahead)
        for each in [name, *order[: self._front]]:
            if each not in self._started:
                self._started[each] = self._launchers[each]()
        return self._started[name]

    def stop(self) -> None:
        """Stop them all at once: each takes a few tens of milliseconds to wind down."""
        with ThreadPoolExecutor(max(len(self._started), 1), thread_name_prefix="stop") as pool:
            list(pool.map(lambda started: started.stop(), self._started.values()))
