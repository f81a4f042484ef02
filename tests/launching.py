"""Processes started ahead of the tests that read them. Most of a `mock-carriers` process's life in a
test is its start-up (an interpreter, Flask, the app) on one core, while the test run waits on another:
so a module's processes all start together when its first test asks for one, and each test then waits
only for its own. Under xdist the workers already run side by side and share a module's tests out, so
there each process starts when its own test asks for it."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from functools import cached_property
from typing import Generic, Protocol, TypeVar


class Stoppable(Protocol):
    def stop(self) -> None: ...


T = TypeVar("T", bound=Stoppable)


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
            self.process.terminate()
            try:
                self.process.wait(timeout=30)  # a loaded CI machine can be slow to wind a server down
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        for stream in (self.process.stdout, self.process.stderr):
            stream.close()


class Ahead(Generic[T]):
    """A module's processes by name: the first one asked for starts them all (one at a time under xdist)."""

    def __init__(self, launchers: dict[str, Callable[[], T]]) -> None:
        self._launchers = launchers
        self._started: dict[str, T] = {}

    def __getitem__(self, name: str) -> T:
        names = [name] if os.environ.get("PYTEST_XDIST_WORKER") else [name, *self._launchers]
        for each in names:
            if each not in self._started:
                self._started[each] = self._launchers[each]()
        return self._started[name]

    def stop(self) -> None:
        for started in self._started.values():
            started.stop()
