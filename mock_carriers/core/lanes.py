"""Lanes: work handed out by key (the Scheduler keys it by namespace clock), each lane with threads
of its own, so work that blocks in one lane (a webhook receiver that hangs) holds up no other lane.

A lane gets a thread when work arrives and the thread ends once the lane has had nothing to do for
`linger` seconds: a quiet namespace costs no thread. `width` threads at most serve one lane, and a
global `cap` bounds them all: beyond it a lane waits in line for the next thread to come free.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from typing import Callable, Hashable

log = logging.getLogger("mock_carriers.lanes")


class _Lane:
    __slots__ = ("key", "work", "threads", "idle", "wake", "queued")

    def __init__(self, key: Hashable, lock: threading.Lock) -> None:
        self.key = key
        self.work: deque[Callable[[], None]] = deque()
        self.threads = 0  # threads serving this lane
        self.idle = 0  # of those, the ones waiting for work
        self.wake = threading.Condition(lock)
        self.queued = False  # waiting in line for a thread (the cap was reached)


class Lanes:
    def __init__(self, width: int = 4, cap: int = 512, linger: float = 1.0, name: str = "mock-carriers-lane") -> None:
        self._width, self._cap, self._linger, self._name = width, cap, linger, name
        self._lock = threading.Lock()
        self._lanes: dict[Hashable, _Lane] = {}
        self._line: deque[_Lane] = deque()  # lanes waiting for a thread, first come first served
        self._threads = 0
        self._stopped = False

    @property
    def threads(self) -> int:
        return self._threads

    def submit(self, key: Hashable, callback: Callable[[], None]) -> None:
        """Run `callback` on `key`'s lane, after the work handed to that lane before it has started."""
        with self._lock:
            if self._stopped:
                return
            lane = self._lanes.get(key)
            if lane is None:
                lane = self._lanes[key] = _Lane(key, self._lock)
            lane.work.append(callback)
            if lane.idle:
                lane.wake.notify()
            if len(lane.work) > lane.idle and lane.threads < self._width:
                self._add_thread(lane)

    def stop(self) -> None:
        """Take no more work; each thread ends once its lane's work is done. The work handed out
        still runs (a clock counts on it: an advance waits for its timers), and runs fast: a stopping
        server has closed its namespaces, which refuse to send anything."""
        with self._lock:
            self._stopped = True
            for lane in self._lanes.values():
                lane.wake.notify_all()

    def _add_thread(self, lane: _Lane) -> None:
        if self._threads >= self._cap:
            if not lane.queued:
                lane.queued = True
                self._line.append(lane)
                idle = next((other for other in self._lanes.values() if other.idle), None)
                if idle is not None:  # a lingering thread gives up its quiet lane for this one
                    idle.wake.notify()
            return
        self._threads += 1
        lane.threads += 1
        threading.Thread(target=self._serve, args=(lane,), name=self._name, daemon=True).start()

    def _serve(self, lane: _Lane | None) -> None:
        with self._lock:
            while lane is not None:
                if lane.work:
                    callback = lane.work.popleft()
                    self._lock.release()
                    try:
                        callback()
                    except Exception:  # one failing timer must not end the lane
                        log.exception("a timer failed")
                    finally:
                        self._lock.acquire()
                    continue
                if not (self._line or self._stopped):
                    lane.idle += 1
                    lane.wake.wait(self._linger)
                    lane.idle -= 1
                    if lane.work or self._line:
                        continue
                lane = self._leave(lane)

    def _leave(self, lane: _Lane) -> _Lane | None:
        """This thread stops serving `lane`: the lane it serves next (the first in line), or None."""
        lane.threads -= 1
        self._forget_if_done(lane)
        while self._line:
            waiting = self._line.popleft()
            waiting.queued = False
            if waiting.work and waiting.threads < self._width:
                waiting.threads += 1
                return waiting
            self._forget_if_done(waiting)
        self._threads -= 1
        return None

    def _forget_if_done(self, lane: _Lane) -> None:
        """A lane with no thread, no work and no place in line is dropped: dropped namespaces leave nothing."""
        if not (lane.threads or lane.work or lane.queued):
            self._lanes.pop(lane.key, None)
