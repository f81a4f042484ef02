"""VirtualClock: one per namespace, so a test can freeze, advance or set time for its world only.

It runs on real time until told otherwise. Everything time-based in a namespace (token expiry,
timelines, webhook retries, timestamps in bodies) reads this clock, never the system clock.
Timers run on it too: `advance` fires every timer that falls due, in time order, with the clock
standing at each timer's time, before it returns; in real time a Scheduler fires them.
"""

from __future__ import annotations

import heapq
import itertools
import threading
import time
from datetime import datetime, timedelta, timezone
from typing import Callable

from mock_carriers.core.durations import check_instant
from mock_carriers.core.lanes import Lanes


class VirtualClock:
    def __init__(
        self, real_time: Callable[[], float] = time.time, on_timer: Callable[["VirtualClock"], None] | None = None
    ) -> None:
        self._real_time = real_time
        self._offset = 0.0
        self._frozen_at: float | None = None
        self._lock = threading.RLock()
        self._idle = threading.Condition(self._lock)  # signalled when a handed-out timer has run
        self._timers: list[tuple[float, int, Callable[[], None]]] = []
        self._sequence = itertools.count()
        self._on_timer = on_timer  # tells a Scheduler this clock has timers to watch
        self._advancing = 0  # advances in progress: they fire the timers, the Scheduler keeps off
        self._running = 0  # timers handed to a Scheduler and not yet finished
        self._closed = False

    @property
    def frozen(self) -> bool:
        return self._frozen_at is not None

    def timestamp(self) -> float:
        frozen_at = self._frozen_at
        return frozen_at if frozen_at is not None else self._real_time() + self._offset

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.timestamp(), tz=timezone.utc)

    def freeze(self) -> None:
        with self._lock:
            if self._frozen_at is None:
                self._frozen_at = self._real_time() + self._offset

    def resume(self) -> None:
        with self._lock:
            if self._frozen_at is not None:
                self._offset = self._frozen_at - self._real_time()
                self._frozen_at = None

    def advance(self, by: timedelta) -> None:
        """Move forward, firing each timer due on the way with the clock at its time.

        Timers a Scheduler already took run to the end first (however long: a timer bounds its
        own waiting, as a webhook attempt's deadline does), and none is handed to it while the clock
        moves: each timer then runs exactly at its time, and all of them before this returns.
        """
        if by < timedelta(0):
            raise ValueError("the clock only moves forward with advance; use set to go back")
        target = self.timestamp() + by.total_seconds()
        check_instant(datetime.fromtimestamp(target, tz=timezone.utc))
        with self._lock:
            self._advancing += 1
            self._idle.wait_for(lambda: self._running == 0)
        try:
            while (callback := self._pop_due(target, move_to_due=True)) is not None:
                callback()
            self._move_to(max(target, self.timestamp()))
        finally:
            with self._lock:
                self._advancing -= 1
            if self._on_timer is not None and self.next_due() is not None:
                self._on_timer(self)

    def set(self, to: datetime) -> None:
        self._move_to(check_instant(to).timestamp())

    def _move_to(self, target: float) -> None:
        with self._lock:
            if self._frozen_at is not None:
                self._frozen_at = target
            else:
                self._offset = target - self._real_time()

    def call_at(self, when: float, callback: Callable[[], None]) -> None:
        """Run `callback` once the clock reaches `when` (a timestamp); never, once the clock is closed."""
        with self._lock:
            if self._closed:
                return
            heapq.heappush(self._timers, (when, next(self._sequence), callback))
        if self._on_timer is not None:
            self._on_timer(self)

    def pop_due(self) -> Callable[[], None] | None:
        """For a Scheduler: the earliest timer due now, taken off the clock (each is handed out
        once), wrapped so the clock knows when it has run. None while the clock is advancing."""
        with self._lock:
            callback = None if self._advancing else self._pop_due(self.timestamp(), move_to_due=False)
            if callback is None:
                return None
            self._running += 1

        def run() -> None:
            try:
                callback()
            finally:
                with self._lock:
                    self._running -= 1
                    self._idle.notify_all()

        return run

    def _pop_due(self, limit: float, move_to_due: bool) -> Callable[[], None] | None:
        with self._lock:
            if not self._timers or self._timers[0][0] > limit:
                return None
            when, _, callback = heapq.heappop(self._timers)
            if move_to_due and when > self.timestamp():
                self._move_to(when)
            return callback

    def next_due(self) -> float | None:
        with self._lock:
            return self._timers[0][0] if self._timers else None

    def close(self) -> None:
        """Cancel every timer and ignore new ones: a dropped namespace's attempts in flight must not
        plan retries on it."""
        with self._lock:
            self._closed = True
            self._timers.clear()


class Scheduler:
    """Fires due timers of real-time clocks on a background thread, each clock's callbacks on a lane
    of its own (core/lanes.py), so a slow webhook receiver delays neither API requests nor another
    namespace's deliveries.

    A new timer wakes the thread for its own clock only: with thousands of namespaces each holding a
    timer hours ahead (a timeline's next step), a delivery due now must not cost a look at all of
    them. Every clock is looked at again when the earliest timer seen falls due, and at least every
    `max_wait` seconds (a clock `set` or resumed tells nobody)."""

    def __init__(self, lanes: Lanes | None = None, max_wait: float = 0.5) -> None:
        self._clocks: set[VirtualClock] = set()  # every clock with timers
        self._woken: set[VirtualClock] = set()  # clocks given a timer since they were last looked at
        self._wake = threading.Condition()
        self._lanes = lanes or Lanes()
        self._max_wait = max_wait
        self._thread: threading.Thread | None = None
        self._look_at_all = 0.0  # time.monotonic() when every clock is looked at next
        self._stopped = False

    def stop(self) -> None:
        """End the thread and the lanes (a stopped server's timers fire no more)."""
        with self._wake:
            self._stopped = True
            self._clocks.clear()
            self._woken.clear()
            self._wake.notify()
            thread = self._thread
        if thread is not None:
            thread.join(timeout=2)
        self._lanes.stop()

    def watch(self, clock: VirtualClock) -> None:
        with self._wake:
            if self._stopped:
                return
            self._clocks.add(clock)
            self._woken.add(clock)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="mock-carriers-scheduler", daemon=True)
                self._thread.start()
            self._wake.notify()

    def _run(self) -> None:
        while True:
            with self._wake:
                if self._stopped:
                    return
                now = time.monotonic()
                every = now >= self._look_at_all
                clocks = list(self._clocks if every else self._woken)
                self._woken.clear()
            wait = self._max_wait
            for clock in clocks:
                while (callback := clock.pop_due()) is not None:
                    self._lanes.submit(clock, callback)
                due = clock.next_due()
                if due is None:
                    with self._wake:
                        if clock.next_due() is None:
                            self._clocks.discard(clock)
                elif not clock.frozen:
                    wait = min(wait, max(0.0, due - clock.timestamp()))
            with self._wake:
                self._look_at_all = now + wait if every else min(self._look_at_all, now + wait)
                if not self._woken:
                    self._wake.wait(max(0.0, self._look_at_all - time.monotonic()))
