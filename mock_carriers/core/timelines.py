"""Timelines falling due: each step of an object's timeline runs its carrier's callback once, in
order, on the namespace clock, under the namespace lock.

A carrier gives the steps of an object (a waybill, an order line, a tracking) and a callback that
records the event and emits its webhooks through its carrier-bound emitter:

    timeline = namespace.timelines.start(steps, on_due=lambda event: ...)

The rest is here, once: the object advances through its steps on its own, with time and with
reads. What every carrier relies on:

- each step's callback runs exactly once, in step order, never before the step's time (a
  poll-driven step's: once the object has been read often enough, see `core/lifecycle.py`);
- under the namespace lock, as a request's changes are, so no request sees half a step;
- across the whole namespace in time order (ties: the timeline started first), so a world's
  history reads the same however the clock got there: `advance` runs each step at its own time
  before it returns; in real time the clock's timers run them; after a `set` forward, the timers
  or the next `settle()` do (a model whose reads show what its steps change calls `settle()` first);
- nothing once the namespace is dropped (`close`).

Steps already past when a timeline starts (before `history_before`, by default the clock's now)
are history: they run `on_history` if one is given (the state they set, without webhooks), else
nothing. Callbacks only record and emit: a delivery's attempts are timers of their own, so no
outbound request runs under the lock.
"""

from __future__ import annotations

import heapq
import itertools
import threading
from datetime import datetime
from typing import Callable

from mock_carriers.core.clock import VirtualClock
from mock_carriers.core.lifecycle import Occurred, Step, Timeline

Callback = Callable[[Occurred], None]


class StartedTimeline(Timeline):
    """A timeline started on a namespace: it reads as any timeline (`due`, `poll`), and its steps'
    callbacks run as they fall due. `fired`: how many steps have fallen due so far."""

    def __init__(
        self,
        timelines: Timelines,
        key: int,
        steps: list[Step],
        on_due: Callback | None,
        on_history: Callback | None,
        history_before: datetime,
    ) -> None:
        super().__init__(steps)
        self._timelines = timelines
        self.key = key  # its place among the namespace's timelines: earlier ones win ties
        self.fired = 0
        self.queued = -1  # the index of the step last put on the namespace's queue
        self._on_due, self._on_history = on_due, on_history
        self._history_before = history_before

    def poll(self, now: datetime) -> list[Occurred]:
        """Count one read; a poll-driven step it makes due falls due now."""
        occurred = super().poll(now)
        self._timelines.settle(polled=self)
        return occurred

    def pending(self) -> list[Step]:
        """The steps yet to fall due, oldest first."""
        return self._steps[self.fired :]

    def stop(self) -> None:
        """No further step falls due, and reads show none (a cancelled order's walk ends where it is)."""
        self._timelines.stop(self)

    @property
    def finished(self) -> bool:
        return self.fired >= len(self._steps)

    def next_due(self, now: datetime) -> datetime | None:
        """When the next step falls due: a timed step's time; a poll-driven step's once it has been
        read past (when reads saw it due, else `now`); None while it waits for reads."""
        index = self.fired
        step = self._steps[index]
        if step.after_polls is not None:
            return self._reached.setdefault(index, now) if self._polled_past(step) else None
        return step.at

    def fall_due(self, at: datetime) -> None:
        """The next step falls due at `at` (its `next_due`, which has come): its callback runs."""
        step = self._steps[self.fired]
        self.fired += 1
        callback = self._on_history if at < self._history_before else self._on_due
        if callback is not None:
            callback(Occurred(at, step.data))

    def cut(self) -> None:
        self._steps = self._steps[: self.fired]

    def release(self) -> None:
        """Let go of the callbacks: they refer to the model that holds this timeline, and a
        finished or dropped one must not keep that cycle alive."""
        self._on_due = self._on_history = None


class Timelines:
    """The started timelines of one namespace, and the queue of their next steps."""

    def __init__(self, clock: VirtualClock, lock: threading.RLock) -> None:
        self._clock = clock
        self._lock = lock  # the namespace's
        # each timeline's next step whose time is known: (timestamp, timeline key, step index, instant)
        self._queue: list[tuple[float, int, int, datetime]] = []
        self._started: dict[int, StartedTimeline] = {}  # by key: those with steps still to fall due
        self._keys = itertools.count()
        self._armed: set[float] = set()  # the instants a clock timer will settle at
        self._settling = False
        self._closed = False

    def start(
        self,
        steps: list[Step],
        on_due: Callback | None = None,
        on_history: Callback | None = None,
        history_before: datetime | None = None,
    ) -> StartedTimeline:
        """Walk `steps` from now: `on_due(event)` as each falls due, `on_history(event)` for each
        before `history_before` (default: now). No callback runs before this returns."""
        with self._lock:
            now = self._clock.now()
            cutoff = now if history_before is None else history_before
            timeline = StartedTimeline(self, next(self._keys), steps, on_due, on_history, cutoff)
            if self._closed:
                return timeline  # a dropped namespace's last request: the timeline reads, nothing falls due
            self._started[timeline.key] = timeline
            self._queue_next(timeline, now)
            for step in steps:
                if step.at is not None and step.at >= cutoff:
                    self._arm(max(step.at, now).timestamp())
            return timeline

    def settle(self, polled: StartedTimeline | None = None) -> None:
        """Run the callback of every step due by now, across the namespace in time order.
        `polled`: a timeline just read, whose next step may have come due by that read."""
        with self._lock:
            if self._closed:
                return
            now = self._clock.now()
            if polled is not None and self._started.get(polled.key) is polled:
                self._queue_next(polled, now)
            if self._settling:
                return  # a callback settling again: the loop below goes on with whatever it queued
            self._settling = True
            try:
                limit = now.timestamp()
                while self._queue and self._queue[0][0] <= limit:
                    _, key, _, at = heapq.heappop(self._queue)
                    timeline = self._started.get(key)
                    if timeline is None:
                        continue  # stopped
                    try:
                        timeline.fall_due(at)
                    finally:  # a failing callback (its caller logs it) does not stop the walk
                        self._queue_next(timeline, now)
            finally:
                self._settling = False

    def stop(self, timeline: StartedTimeline) -> None:
        with self._lock:
            timeline.cut()
            self._finish(timeline)

    def close(self) -> None:
        """Nothing falls due any more (the namespace was dropped), and every callback is let go."""
        with self._lock:
            self._closed = True
            for timeline in self._started.values():
                timeline.release()
            self._started.clear()
            self._queue.clear()
            self._armed.clear()

    def _queue_next(self, timeline: StartedTimeline, now: datetime) -> None:
        """Queue the timeline's next step when its time is known; end a finished timeline."""
        if timeline.finished:
            self._finish(timeline)
            return
        when = timeline.next_due(now)
        if when is not None and timeline.queued != timeline.fired:
            heapq.heappush(self._queue, (when.timestamp(), timeline.key, timeline.fired, when))
            timeline.queued = timeline.fired

    def _finish(self, timeline: StartedTimeline) -> None:
        self._started.pop(timeline.key, None)
        timeline.release()

    def _arm(self, when: float) -> None:
        """A clock timer that settles at `when` (one per instant, however many steps fall due then)."""
        if when in self._armed:
            return
        self._armed.add(when)

        def due() -> None:
            with self._lock:
                self._armed.discard(when)
                self.settle()

        self._clock.call_at(when, due)
