"""VirtualClock: one per namespace, so a test can freeze, advance or set time for its world only.

It runs on real time until told otherwise. Everything time-based in a namespace (token expiry,
timelines, timestamps in bodies) reads this clock, never the system clock directly.
"""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta, timezone
from typing import Callable

from mock_carriers.core.durations import check_instant


class VirtualClock:
    def __init__(self, real_time: Callable[[], float] = time.time) -> None:
        self._real_time = real_time
        self._offset = 0.0
        self._frozen_at: float | None = None
        self._lock = threading.Lock()

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
        if by < timedelta(0):
            raise ValueError("the clock only moves forward with advance; use set to go back")
        with self._lock:
            seconds = by.total_seconds()
            check_instant(datetime.fromtimestamp(self.timestamp() + seconds, tz=timezone.utc))
            if self._frozen_at is not None:
                self._frozen_at += seconds
            else:
                self._offset += seconds

    def set(self, to: datetime) -> None:
        target = check_instant(to).timestamp()
        with self._lock:
            if self._frozen_at is not None:
                self._frozen_at = target
            else:
                self._offset = target - self._real_time()
