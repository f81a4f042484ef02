"""Running a driver once: a command in its own process group, or a Python callable on a thread.

The driver protocol is docs/conformance.md. Whatever the driver does (crash, hang, print garbage,
ignore SIGTERM, leave children behind) this module ends it within its time limit and describes how
it ended as an `Outcome`, so no driver can hang the kit or leave a verdict unexplained.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import tempfile
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Protocol

from mock_carriers.kit import ports

RESULT_LIMIT = 1024 * 1024  # bytes of a result file the kit reads
TAIL = 4096  # bytes of each output stream kept for the report
STOP_GRACE = 5.0  # seconds a driver has to write its result and exit once asked to stop

SUCCEEDED, REPORTED, CRASHED, TIMED_OUT = "succeeded", "reported", "crashed", "timed out"


class TaskFailed(Exception):
    """Raised by a Python callable driver to report a failure (the command's `{"error": ...}`)."""


@dataclass
class Run:
    """What one driver run gets: the context file's keys as attributes (a callable receives this),
    and where the context and result files are."""

    carrier: str
    task: str
    base_url: str
    credentials: dict
    references: dict
    timeouts: dict
    context_path: str
    result_path: str
    listen_host: str | None = None
    listen_port: int | None = None
    secret: str | None = None
    proxy_env: dict[str, str] = field(default_factory=dict)  # set in proxy mode: HTTPS_PROXY and the CA
    hints: dict = field(default_factory=dict)  # optional suggestions (docs/conformance.md), omitted when empty
    stop: threading.Event = field(default_factory=threading.Event)

    def context(self) -> dict:
        """The context file's document."""
        document: dict[str, Any] = {
            "carrier": self.carrier,
            "task": self.task,
            "base_url": self.base_url,
            "credentials": self.credentials,
            "references": self.references,
            "timeouts": self.timeouts,
        }
        if self.listen_port is not None:
            document.update(listen_host=self.listen_host, listen_port=self.listen_port, secret=self.secret)
        if self.hints:
            document["hints"] = self.hints
        return document

    def environment(self) -> dict[str, str]:
        return {
            "MOCK_CARRIERS_CARRIER": self.carrier,
            "MOCK_CARRIERS_TASK": self.task,
            "MOCK_CARRIERS_BASE_URL": self.base_url,
            "MOCK_CARRIERS_CONTEXT": self.context_path,
            "MOCK_CARRIERS_RESULT": self.result_path,
            **self.proxy_env,
        }


@dataclass
class Outcome:
    """How a run ended. `kind`: succeeded (exit 0), reported (non-zero with an `error` in the
    result), crashed (anything else that ended it), timed out (the kit killed it)."""

    kind: str
    seconds: float
    exit_code: int | None = None
    result: dict | None = None
    result_problem: str | None = None  # why the result file could not be read, if it could not
    detail: str = ""  # for a crash: what ended it
    stdout: str = ""
    stderr: str = ""

    @property
    def error(self) -> str | None:
        error = (self.result or {}).get("error")
        return str(error) if error is not None else None

    def describe(self) -> str:
        took = f"after {self.seconds:.2f} s"
        if self.kind == SUCCEEDED:
            return f"succeeded (exit 0) {took}"
        if self.kind == REPORTED:
            return f"reported a failure {took}: {(self.error or '')[:200]}"
        if self.kind == TIMED_OUT:
            return f"timed out: still running {took}, killed"
        return f"crashed {took}: {self.detail}"

    def to_dict(self) -> dict:
        return {
            "kind": self.kind,
            "seconds": round(self.seconds, 3),
            "exit_code": self.exit_code,
            "result": self.result,
            "result_problem": self.result_problem,
            "detail": self.detail,
            "stdout": self.stdout,
            "stderr": self.stderr,
        }


class Handle(Protocol):
    def alive(self) -> bool: ...

    def wait(self, timeout: float) -> bool: ...

    def stop(self, grace: float) -> None: ...

    def finish(self, deadline: float) -> Outcome: ...


class Driver(Protocol):
    """Something the kit can run once per check."""

    label: str

    def start(self, run: Run) -> Handle: ...


def read_result(path: str) -> tuple[dict | None, str | None]:
    """The result file's object, or why there is none usable (None, None: no file was written)."""
    target = Path(path)
    if not target.exists():
        return None, None
    with open(target, "rb") as handle:
        data = handle.read(RESULT_LIMIT + 1)
    if len(data) > RESULT_LIMIT:
        return None, f"the result file is over {RESULT_LIMIT} bytes"
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        return None, f"the result file is not JSON ({exc}): {data[:80]!r}"
    if not isinstance(document, dict):
        return None, f"the result file holds a {type(document).__name__}, not a JSON object"
    return document, None


def classify(seconds: float, exit_code: int | None, result_path: str, detail: str = "", **output: str) -> Outcome:
    """The outcome of a run that ended by itself (`exit_code` negative: killed by that signal)."""
    result, problem = read_result(result_path)
    outcome = Outcome(CRASHED, seconds, exit_code, result, problem, detail, **output)
    if exit_code == 0:
        outcome.kind = SUCCEEDED
    elif exit_code is not None and exit_code > 0 and outcome.error is not None:
        outcome.kind = REPORTED
    elif not detail:
        outcome.detail = (
            f"killed by signal {-exit_code} ({_signal_name(-exit_code)})"
            if exit_code is not None and exit_code < 0
            else f"exit {exit_code} without an error in its result" + (f" ({problem})" if problem else "")
        )
    return outcome


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return "unknown"


def _tail(path: str) -> str:
    with open(path, "rb") as handle:
        handle.seek(0, os.SEEK_END)
        size = handle.tell()
        handle.seek(max(size - TAIL, 0))
        data = handle.read()
    return ("..." if size > TAIL else "") + data.decode("utf-8", "replace")


class Command:
    """A driver command (`python my_driver.py`), run without a shell in a new session (its own
    process group), with the run's variables added to the kit's environment."""

    def __init__(self, argv: list[str], cwd: str | None = None) -> None:
        if not argv:
            raise ValueError("a driver command needs at least a program")
        self.argv, self.cwd = list(argv), cwd
        self.label = " ".join(argv)

    def start(self, run: Run) -> "CommandHandle":
        return CommandHandle(self, run)


class CommandHandle:
    def __init__(self, command: Command, run: Run) -> None:
        self.run = run
        self.started = time.monotonic()
        folder = os.path.dirname(run.result_path)
        self._out, self._err = os.path.join(folder, "stdout"), os.path.join(folder, "stderr")
        self._stop_sent = False
        self._grace = STOP_GRACE
        self.process: subprocess.Popen | None = None
        self.failed_to_start: str | None = None
        with open(self._out, "wb") as out, open(self._err, "wb") as err, ports.spawning():
            try:
                self.process = subprocess.Popen(
                    command.argv,
                    cwd=command.cwd,
                    env={**os.environ, **run.environment()},
                    stdin=subprocess.DEVNULL,
                    stdout=out,
                    stderr=err,
                    start_new_session=True,
                )
            except OSError as exc:
                self.failed_to_start = f"could not start {command.argv[0]!r}: {exc.strerror or exc}"

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def wait(self, timeout: float) -> bool:
        if self.process is None:
            return True
        try:
            self.process.wait(timeout=max(timeout, 0))
            return True
        except subprocess.TimeoutExpired:
            return False

    def _signal_group(self, number: int) -> None:
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, number)
        except (ProcessLookupError, PermissionError):
            pass

    def stop(self, grace: float = STOP_GRACE) -> None:
        """SIGTERM to the group; `grace` is how long the caller lets it take (for the report)."""
        if self.alive():
            self._stop_sent, self._grace = True, grace
            self._signal_group(signal.SIGTERM)

    def finish(self, deadline: float) -> Outcome:
        """Wait for the end until `deadline` (monotonic), kill the group if need be, and classify."""
        if self.process is None:
            return Outcome(CRASHED, 0.0, None, None, None, self.failed_to_start or "did not start")
        ended = self.wait(deadline - time.monotonic())
        if not ended:
            self._signal_group(signal.SIGKILL)
            self.process.wait()
        self._signal_group(signal.SIGKILL)  # children it left behind go with it
        seconds = time.monotonic() - self.started
        output = {"stdout": _tail(self._out), "stderr": _tail(self._err)}
        if not ended and not self._stop_sent:
            result, problem = read_result(self.run.result_path)
            return Outcome(TIMED_OUT, seconds, None, result, problem, **output)
        code = self.process.returncode
        detail = ""
        if not ended:
            detail = f"did not exit within {self._grace:g} s of the kit's SIGTERM: killed"
        elif self._stop_sent and code == -signal.SIGTERM:
            detail = "ended by the kit's SIGTERM without handling it (write the result, then exit 0)"
        return classify(seconds, code, self.run.result_path, detail, **output)


class Function:
    """A Python callable driver, `driver(run)`, on a daemon thread of the kit. Returning is success
    (a dict returned is the result; one with `error` is a reported failure), raising TaskFailed is
    a reported failure, any other exception a crash. One still running at the time limit is
    abandoned: a thread cannot be killed."""

    def __init__(self, function: Callable[[Run], Any]) -> None:
        self.function = function
        self.label = getattr(function, "__qualname__", repr(function))

    def start(self, run: Run) -> "FunctionHandle":
        return FunctionHandle(self.function, run)


class FunctionHandle:
    def __init__(self, function: Callable[[Run], Any], run: Run) -> None:
        self.run = run
        self.started = time.monotonic()
        self._done = threading.Event()
        self._grace = STOP_GRACE
        self._outcome: Outcome | None = None
        self._thread = threading.Thread(target=self._main, args=(function,), name="kit-driver", daemon=True)
        self._thread.start()

    def _main(self, function: Callable[[Run], Any]) -> None:
        try:
            value = function(self.run)
            if value is not None and not isinstance(value, dict):
                raise TypeError(f"a driver returns a dict (its result) or None, not {type(value).__name__}")
            if value is not None:
                self._write(value)
            code = 1 if value is not None and "error" in value else 0
            self._outcome = classify(time.monotonic() - self.started, code, self.run.result_path)
        except TaskFailed as exc:
            self._write({"error": str(exc) or type(exc).__name__})
            self._outcome = classify(time.monotonic() - self.started, 1, self.run.result_path)
        except BaseException as exc:  # a crash of the driver, reported as such
            lines = traceback.format_exception(exc)
            self._outcome = Outcome(
                CRASHED,
                time.monotonic() - self.started,
                None,
                detail=f"raised {type(exc).__name__}: {str(exc)[:200]}",
                stderr="".join(lines)[-TAIL:],
            )
        finally:
            self._done.set()

    def _write(self, result: dict) -> None:
        """The result file, unless the kit has abandoned the run and removed its folder: a callable
        can end long after its time limit (when the server it waited on goes away, say)."""
        try:
            with open(self.run.result_path, "w", encoding="utf-8") as handle:
                json.dump(result, handle)
        except FileNotFoundError:
            pass

    def alive(self) -> bool:
        return not self._done.is_set()

    def wait(self, timeout: float) -> bool:
        return self._done.wait(max(timeout, 0))

    def stop(self, grace: float = STOP_GRACE) -> None:
        self._grace = grace
        self.run.stop.set()

    def finish(self, deadline: float) -> Outcome:
        if not self.wait(deadline - time.monotonic()):
            seconds = time.monotonic() - self.started
            if self.run.stop.is_set():
                return Outcome(CRASHED, seconds, detail=f"did not return within {self._grace:g} s of run.stop")
            return Outcome(TIMED_OUT, seconds, detail="abandoned: a thread cannot be killed")
        assert self._outcome is not None
        return self._outcome


def as_driver(driver: Any) -> Driver:
    """A Command, a callable or an argv list, as a Driver."""
    if isinstance(driver, (Command, Function)):
        return driver
    if isinstance(driver, (list, tuple)):
        return Command(list(driver))
    if callable(driver):
        return Function(driver)
    raise TypeError(f"a driver is a command (a list of arguments) or a callable, not {type(driver).__name__}")


def workspace() -> tempfile.TemporaryDirectory:
    """A folder for one run's context, result and output files."""
    return tempfile.TemporaryDirectory(prefix="mock-carriers-kit-")
