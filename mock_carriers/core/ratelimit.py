"""Fixed-window request limits on the namespace clock: N requests per window per key (an account,
say). The window starts with its first request and ends `window` seconds later, so moving the
clock on opens a new one."""

from __future__ import annotations

import math
from dataclasses import dataclass, field


@dataclass
class FixedWindow:
    limit: int
    window: float  # seconds
    _windows: dict[str, tuple[float, int]] = field(default_factory=dict)  # key -> (start, count)

    def hit(self, key: str, now: float) -> int | None:
        """Count one request; None if allowed, else the whole seconds until the window ends."""
        start, count = self._windows.get(key, (now, 0))
        if now >= start + self.window or now < start:  # a new window (or the clock was set back)
            start, count = now, 0
        if count >= self.limit:
            return max(1, math.ceil(start + self.window - now))
        self._windows[key] = (start, count + 1)
        return None
