"""The request journal of one namespace: what tests assert on, bounded so long runs stay small."""

from __future__ import annotations

import base64
import itertools
import threading
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Mapping

from mock_carriers.core.contracts.violations import Violation
from mock_carriers.core.durations import format_instant

DEFAULT_BODY_LIMIT = 64 * 1024  # bytes of each body an entry keeps (settings.journal_body_limit)
_TEXT_TYPES = ("json", "text", "xml", "x-www-form-urlencoded", "javascript")


@dataclass
class JournalEntry:
    """One request and its response, kept raw; rendering to JSON happens only when read. Recording
    it keeps the first bytes of each body and how many it cut, so a namespace holding a thousand
    10 MiB uploads does not hold 10 GiB."""

    carrier: str | None
    operation: str | None
    method: str
    path: str
    query: str
    request_headers: dict[str, str]  # WSGI environ keys (HTTP_*, CONTENT_*), named on reading
    request_body: bytes
    status: int
    response_headers: list[tuple[str, str]]
    response_body: bytes
    at: float
    duration_ms: float
    faults: list[dict[str, Any]] = field(default_factory=list)  # the fault rules applied: {id, effect}
    contract_violations: list[Violation] = field(default_factory=list)
    id: int = 0
    request_body_cut: int = 0  # bytes of the body not kept
    response_body_cut: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "at": format_instant(self.at),
            "carrier": self.carrier,
            "operation": self.operation,
            "request": {
                "method": self.method,
                "path": self.path,
                "query": self.query,
                "headers": _header_names(self.request_headers),
                **_body(self.request_body, self.request_headers.get("CONTENT_TYPE", ""), self.request_body_cut),
            },
            "response": {
                "status": self.status,
                "headers": dict(self.response_headers),
                **_body(
                    self.response_body, dict(self.response_headers).get("Content-Type", ""), self.response_body_cut
                ),
            },
            "duration_ms": round(self.duration_ms, 3),
            "faults": self.faults,
            "contract_violations": [violation.to_dict() for violation in self.contract_violations],
        }


def request_headers(environ: Mapping[str, Any]) -> dict[str, str]:
    """The request's headers as WSGI keeps them: copying these is cheaper than Werkzeug's Headers."""
    return {
        key: value
        for key, value in environ.items()
        if key.startswith("HTTP_") or key in ("CONTENT_TYPE", "CONTENT_LENGTH")
    }


def _header_names(environ_headers: dict[str, str]) -> dict[str, str]:
    return {
        key.removeprefix("HTTP_").replace("_", "-").title(): value
        for key, value in environ_headers.items()
        if value != ""
    }


def _body(data: bytes, content_type: str, cut: int) -> dict[str, Any]:
    """Text bodies as text, binary ones (images, PDFs) as base64; `body_truncated` says how many
    bytes were not kept (a character the cut went through is not shown, and counts as cut)."""
    if any(kind in content_type for kind in _TEXT_TYPES) or not content_type:
        try:
            return {"body": data.decode("utf-8"), **_cut(cut)}
        except UnicodeDecodeError as exc:
            if cut and exc.reason == "unexpected end of data":
                return {"body": data[: exc.start].decode("utf-8"), **_cut(cut + len(data) - exc.start)}
    return {"body_base64": base64.b64encode(data).decode("ascii"), **_cut(cut)}


def _cut(count: int) -> dict[str, int]:
    return {"body_truncated": count} if count else {}


class Journal:
    """The last `limit` entries, and apart from them the last `limit` entries that broke a contract,
    so a long test still learns of a violation its first request made."""

    def __init__(self, limit: int, body_limit: int = DEFAULT_BODY_LIMIT) -> None:
        self._body_limit = body_limit
        self._entries: deque[JournalEntry] = deque(maxlen=limit)
        self._violating: deque[JournalEntry] = deque(maxlen=limit)
        self._violating_lock = threading.Lock()  # taking them must not lose one recorded meanwhile
        self._ids = itertools.count(1)
        self.recorded = 0  # requests recorded since the namespace started (the newest entry's id)

    def record(self, entry: JournalEntry) -> None:
        """Keep `entry`, its bodies cut to the body limit (the checks that need them whole are done)."""
        limit = self._body_limit
        if len(entry.request_body) > limit:
            entry.request_body_cut, entry.request_body = len(entry.request_body) - limit, entry.request_body[:limit]
        if len(entry.response_body) > limit:
            entry.response_body_cut, entry.response_body = len(entry.response_body) - limit, entry.response_body[:limit]
        entry.id = self.recorded = next(self._ids)
        self._entries.append(entry)
        if entry.contract_violations:
            with self._violating_lock:
                self._violating.append(entry)

    def violations(self, clear: bool = False) -> list[dict[str, Any]]:
        """Every contract violation kept, oldest first, each with the request it came from."""
        with self._violating_lock:
            entries = list(self._violating)
            if clear:
                self._violating.clear()
        return [
            {
                "entry": entry.id,
                "at": format_instant(entry.at),
                "carrier": entry.carrier,
                "request": f"{entry.method} {entry.path}" + (f"?{entry.query}" if entry.query else ""),
                "status": entry.status,
                **violation.to_dict(),
            }
            for entry in entries
            for violation in entry.contract_violations
        ]

    def violation_count(self) -> int:
        """How many contract violations are kept (what `violations()` would list)."""
        with self._violating_lock:
            return sum(len(entry.contract_violations) for entry in self._violating)

    def entries(self, carrier: str | None = None, limit: int | None = None) -> list[JournalEntry]:
        """Oldest first; `limit` keeps the newest N."""
        selected = [e for e in self._entries if carrier is None or e.carrier == carrier]
        return selected[-limit:] if limit else selected

    def __len__(self) -> int:
        return len(self._entries)
