"""Timelines that walk: a shipment's events come due by clock time or by how often it is read.

Fixtures describe each event with `at` (a time relative to the namespace's start) or
`after_polls: N` (due once the object has been read more than N times); a template walk that a
new object follows gives each step `after` (a duration from the object's start). Events come due
in order: one cannot be due before the one before it. This module answers what is due; making each
step's webhooks leave when it falls due is `core/timelines.py`'s job.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Iterable, Mapping

from mock_carriers.core.durations import parse_duration, parse_relative_time


@dataclass(frozen=True)
class Occurred:
    at: datetime
    data: Mapping[str, Any]


@dataclass(frozen=True)
class Step:
    data: Mapping[str, Any]
    at: datetime | None = None
    after_polls: int | None = None


def steps_from_fixture(events: Iterable[Mapping[str, Any]], origin: datetime) -> list[Step]:
    return [
        Step(event, parse_relative_time(event["at"], origin) if "at" in event else None, event.get("after_polls"))
        for event in events
    ]


def steps_after(walk: Iterable[Mapping[str, Any]], start: datetime) -> list[Step]:
    """The steps of a template walk for an object starting at `start`: each `after` a duration."""
    return [Step(step, start + parse_duration(step["after"])) for step in walk]


class Timeline:
    """The walking state of one object in one namespace (the steps themselves are shared)."""

    def __init__(self, steps: list[Step]) -> None:
        self._steps = steps
        self._polls = 0
        self._reached: dict[int, datetime] = {}  # index of a poll-driven step -> when it came due

    def poll(self, now: datetime) -> list[Occurred]:
        """Count one read, then answer the events due (oldest first)."""
        self._polls += 1
        return self.due(now)

    def due(self, now: datetime) -> list[Occurred]:
        occurred = []
        for index, step in enumerate(self._steps):
            if step.after_polls is not None:
                if index not in self._reached:
                    if not self._polled_past(step):
                        break
                    self._reached[index] = now
                occurred.append(Occurred(self._reached[index], step.data))
            elif step.at is not None and step.at <= now:
                occurred.append(Occurred(step.at, step.data))
            else:
                break
        return occurred

    def _polled_past(self, step: Step) -> bool:
        """Whether the object was read often enough for a poll-driven step to come due."""
        return step.after_polls is not None and self._polls > step.after_polls
