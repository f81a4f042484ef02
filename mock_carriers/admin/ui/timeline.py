"""A webhook delivery's retry schedule as a small timeline: the attempts made (on the namespace
clock, with their outcome) and, while it is pending, the ones the carrier's policy still plans if
each keeps failing (`next_attempt_at`, then `retry_delays`). Laid out here, drawn as SVG by the
template, and told in words beside it."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timezone

from mock_carriers.admin.ui.present import seconds, short_time, status_text

WIDTH, HEIGHT, MARGIN = 260, 34, 12


@dataclass(frozen=True)
class Mark:
    number: int
    at: float  # seconds since the epoch, on the namespace clock
    made: bool
    ok: bool
    label: str  # under the mark: the status, `err`, or the delay planned
    title: str  # the mark's full description
    x: float = 0.0


@dataclass(frozen=True)
class Timeline:
    marks: list[Mark]
    width: int = WIDTH
    height: int = HEIGHT
    margin: int = MARGIN

    @property
    def words(self) -> str:
        return "; ".join(mark.title for mark in self.marks) or "no attempt yet"


def build(delivery: dict) -> Timeline:
    marks = []
    for attempt in delivery["attempts"]:
        ok = attempt["status"] is not None and 200 <= attempt["status"] < 300
        outcome = status_text(attempt["status"]) if attempt["status"] is not None else (attempt["error"] or "no answer")
        marks.append(
            Mark(
                attempt["number"],
                _epoch(attempt["at"]),
                True,
                ok,
                str(attempt["status"]) if attempt["status"] is not None else "err",
                f"attempt {attempt['number']} at {short_time(attempt['at'])}: {outcome}",
            )
        )
    if delivery["state"] == "pending" and delivery["next_attempt_at"]:
        delays = delivery["retry_delays"]
        number = len(delivery["attempts"]) + 1
        when = _epoch(delivery["next_attempt_at"])
        previous = marks[-1].at if marks else when
        while number <= len(delays) + 1:
            delay = when - previous
            label = f"+{seconds(delay)}" if marks else "next"
            title = f"attempt {number} planned at {_time_of(when)}" + (f" (+{seconds(delay)})" if marks else "")
            marks.append(Mark(number, when, False, False, label, title))
            previous, number = when, number + 1
            if number <= len(delays) + 1:
                when = previous + delays[number - 2]
    return _placed(marks)


def _placed(marks: list[Mark]) -> Timeline:
    if not marks:
        return Timeline([])
    first, last = marks[0].at, marks[-1].at
    span = (last - first) or 1.0
    room = WIDTH - 2 * MARGIN
    return Timeline([replace(mark, x=MARGIN + room * (mark.at - first) / span) for mark in marks])


def _epoch(instant: str) -> float:
    return datetime.fromisoformat(instant.replace("Z", "+00:00")).timestamp()


def _time_of(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, timezone.utc).strftime("%H:%M:%S")
