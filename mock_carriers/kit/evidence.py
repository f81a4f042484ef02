"""What a check's judge looks at, and how it cites it: the namespace's journal entries of the run
(by their journal index, `#7`), the deliveries the kit sent, the driver's outcome, and the facts
the setup established. Kept apart from the judges so each judge is a few lines of rules."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Iterable

from mock_carriers.kit.catalogue import Check, TaskSpec
from mock_carriers.kit.deliveries import Sent
from mock_carriers.kit.driver import Outcome

_VARIANT_SUFFIXES = ("ViaGet", "Legacy")
_ANSWER_LOST = {
    "reset",
    "drop",
    "hang",
}  # the carrier handled the request; its answer was lost  # BEX serves each endpoint under older paths and by GET too


def family(operation: str | None) -> str | None:
    """An operation without its variant suffixes: `loginLegacyViaGet` is `login`."""
    if operation is None:
        return None
    for suffix in _VARIANT_SUFFIXES:
        operation = operation.removesuffix(suffix)
    return operation


def instant(text: str) -> float:
    """An admin API instant ("...Z", milliseconds) as a timestamp."""
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


@dataclass
class Evidence:
    check: Check
    spec: TaskSpec
    outcome: Outcome
    entries: list[dict]  # the carrier's journal entries made while the driver ran, oldest first
    violations: list[dict] = field(default_factory=list)
    sent: list[Sent] = field(default_factory=list)
    notes: dict = field(default_factory=dict)  # what the setup established (a list's size, ...)
    error_field: str | None = None  # a 2xx JSON body with this field is a refusal (BEX's `ex`)

    def __post_init__(self) -> None:
        self._origin = instant(self.entries[0]["at"]) if self.entries else 0.0

    # --- selecting -------------------------------------------------------------------------

    def of(self, operations: Iterable[str]) -> list[dict]:
        """The entries of these operations (any variant of them)."""
        wanted = set(operations)
        return [entry for entry in self.entries if family(entry["operation"]) in wanted]

    def faulted(self, effect: str) -> list[dict]:
        return [entry for entry in self.entries if any(f["effect"] == effect for f in entry["faults"])]

    def after(self, entry: dict, entries: list[dict] | None = None) -> list[dict]:
        return [other for other in (self.entries if entries is None else entries) if other["id"] > entry["id"]]

    def ok(self, entry: dict) -> bool:
        """Did the carrier answer success? A 2xx, and for BEX no `ex` in the body."""
        if not 200 <= entry["response"]["status"] < 300:
            return False
        if self.error_field is None:
            return True
        try:
            body = json.loads(entry["response"].get("body") or "null")
        except ValueError:
            return True
        return not (isinstance(body, dict) and self.error_field in body)

    def reached_goal(self) -> list[dict]:
        return [entry for entry in self.of(self.spec.goal) if self.ok(entry)]

    # --- citing ----------------------------------------------------------------------------

    def at(self, entry: dict) -> float:
        return instant(entry["at"])

    def gap_ms(self, first: dict, second: dict) -> float:
        return (self.at(second) - self.at(first)) * 1000

    def cite(self, entry: dict) -> str:
        """`#7 +1.204 s POST /api/quotes -> 503 [status]`: the journal entry as a report line."""
        request, response = entry["request"], entry["response"]
        effects = [f["effect"] for f in entry["faults"]]
        note = ""
        if self.error_field and 200 <= response["status"] < 300 and not self.ok(entry):
            note = f" ({self.error_field})"
        if set(effects) & _ANSWER_LOST:
            note += " (handled, but the answer never reached the client)"
        path = request["path"].removeprefix(self.notes.get("prefix", ""))
        query = f"?{request['query']}" if request["query"] and len(request["query"]) <= 60 else ""
        return (
            f"#{entry['id']} +{self.at(entry) - self._origin:.3f} s {request['method']} {path}{query}"
            f" -> {response['status']}{note}" + (f" [{','.join(effects)}]" if effects else "")
        )

    def ids(self, entries: list[dict]) -> str:
        return ", ".join(f"#{entry['id']}" for entry in entries) or "none"

    def retry_after(self, entry: dict) -> float | None:
        """The instant (namespace clock) a 429's Retry-After allows the next request, or None."""
        value = entry["response"]["headers"].get("Retry-After", "").strip()
        if value.isdigit():
            return self.at(entry) + int(value)
        try:
            return parsedate_to_datetime(value).timestamp()
        except (TypeError, ValueError):
            return None

    def journal_lines(self, limit: int = 40) -> list[str]:
        """The run's requests, for a failing check's report (the last `limit` of them)."""
        lines = [self.cite(entry) for entry in self.entries[-limit:]]
        if len(self.entries) > limit:
            lines.insert(0, f"... {len(self.entries) - limit} earlier requests")
        return lines
