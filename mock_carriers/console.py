"""What `mock-carriers serve` prints while it runs: one line per request (time, namespace,
carrier:operation, method and path, status, duration, faults injected, contract violations, each
violation on a line under its request) and the server's own log, as text for a person or as JSON
lines for a log collector. Printing never breaks a request: a console that went away is let go."""

from __future__ import annotations

import json
import logging
import sys
import threading
import time
from typing import IO, Any

from mock_carriers.core.journal import JournalEntry

FORMATS = ("text", "json")
_PATH_SHOWN = 120  # characters of a path a text line shows


class Console:
    """The serve process's output: stdout for what it does, stderr for its log."""

    def __init__(
        self, log_format: str = "text", quiet: bool = False, out: IO[str] | None = None, err: IO[str] | None = None
    ) -> None:
        self.json = log_format == "json"
        self.quiet = quiet
        self._out, self._err = out or sys.stdout, err or sys.stderr
        self._lock = threading.Lock()  # one request's lines stay together

    def info(self, message: str, **fields: Any) -> None:
        """A line about the server itself (listening, a scenario applied)."""
        self._write(
            self._out,
            json.dumps({"time": _iso_now(), "level": "info", **fields, "message": message}) if self.json else message,
        )

    def request(self, namespace: str, entry: JournalEntry) -> None:
        """The line for one request the journal recorded (Settings.on_request). With --quiet only
        its contract violations print, each naming the request, as they are warnings."""
        if self.json:
            if not self.quiet or entry.contract_violations:
                self._write(self._out, json.dumps(_request_document(namespace, entry), ensure_ascii=False))
            return
        head = (
            f"{namespace}  {entry.carrier or '-'}:{entry.operation or '-'}  "
            f"{entry.method} {_shown_path(entry)}  {entry.status}"
        )
        violations = [
            f"{v.kind} {v.location} {v.json_path}: {v.message} [rule: {v.rule}; {v.operation}]"
            for v in entry.contract_violations
        ]
        if self.quiet:
            lines = [f"{_clock()}  WARNING  contract violation: {head}: {text}" for text in violations]
        else:
            faults = f"  [{','.join(fault['effect'] for fault in entry.faults)}]" if entry.faults else ""
            count = len(violations)
            tally = f"  {count} violation{'' if count == 1 else 's'}" if count else ""
            lines = [
                f"{_clock()}  {head}  {entry.duration_ms:.1f} ms{faults}{tally}",
                *(f"    ! {text}" for text in violations),
            ]
        if lines:
            self._write(self._out, "\n".join(lines))

    def install_logging(self) -> None:
        """The package's log in the same form as the request lines: on stderr, from INFO (a webhook
        that gave up, a namespace dropped for room) or, with --quiet, from WARNING. Strict mode's
        own log line is left out: each violation is printed under its request instead."""
        handler = _ConsoleHandler(self)
        logger = logging.getLogger("mock_carriers")
        logger.handlers = [handler]
        logger.propagate = False
        logger.setLevel(logging.WARNING if self.quiet else logging.INFO)
        logging.getLogger("mock_carriers.strict").setLevel(logging.ERROR)

    def log(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if self.json:
            document = {
                "time": _iso_now(record.created),
                "level": record.levelname.lower(),
                "logger": record.name,
                "message": message,
            }
            if record.exc_info:
                document["exception"] = logging.Formatter().formatException(record.exc_info)
            self._write(self._err, json.dumps(document, ensure_ascii=False))
            return
        text = f"{_clock(record.created)}  {record.levelname}  {message}"
        if record.exc_info:
            text += "\n" + logging.Formatter().formatException(record.exc_info)
        self._write(self._err, text)

    def _write(self, stream: IO[str], text: str) -> None:
        with self._lock:
            try:
                stream.write(text + "\n")
                stream.flush()  # a pipe (docker logs, a CI step) sees each line as it happens
            except (OSError, ValueError):  # closed, or a broken pipe: the server goes on without its console
                pass


class _ConsoleHandler(logging.Handler):
    def __init__(self, console: Console) -> None:
        super().__init__()
        self._console = console

    def emit(self, record: logging.LogRecord) -> None:
        self._console.log(record)


def _request_document(namespace: str, entry: JournalEntry) -> dict:
    return {
        "time": _iso_now(),
        "level": "warning" if entry.contract_violations else "info",
        "event": "request",
        "namespace": namespace,
        "carrier": entry.carrier,
        "operation": entry.operation,
        "method": entry.method,
        "path": entry.path,
        "query": entry.query,
        "status": entry.status,
        "duration_ms": round(entry.duration_ms, 3),
        "faults": [fault["effect"] for fault in entry.faults],
        "violations": len(entry.contract_violations),
        "contract_violations": [violation.to_dict() for violation in entry.contract_violations],
        "entry": entry.id,
    }


def _shown_path(entry: JournalEntry) -> str:
    path = entry.path + (f"?{entry.query}" if entry.query else "")
    return path if len(path) <= _PATH_SHOWN else path[: _PATH_SHOWN - 1] + "…"


def _clock(at: float | None = None) -> str:
    """Local wall-clock time to the millisecond: when it happened here (a namespace's own clock may
    be frozen or far away; the journal has that one)."""
    at = time.time() if at is None else at
    return time.strftime("%H:%M:%S", time.localtime(at)) + f".{int(at * 1000) % 1000:03d}"


def _iso_now(at: float | None = None) -> str:
    at = time.time() if at is None else at
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(at)) + f".{int(at * 1000) % 1000:03d}Z"
