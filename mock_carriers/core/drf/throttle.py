"""Django REST Framework's `SimpleRateThrottle` on the namespace clock: per key (an account, say)
a history of the times of the requests it let through; a request is refused while the history
within the last `duration` seconds holds `num_requests` already. The wait it names is DRF's: the
time until the oldest of those leaves the window, rounded up to whole seconds (never 0).

Refused requests are not recorded, so a client that keeps retrying gets in as soon as the oldest
leaves. DRF's clock never goes back; the namespace clock can (`set`), and requests recorded
"later" than the new now are forgotten, as if they had not happened yet.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field


@dataclass
class SimpleRateThrottle:
    num_requests: int
    duration: float  # seconds
    _histories: dict[str, deque[float]] = field(default_factory=dict)  # newest first, as DRF keeps them

    def hit(self, key: str, now: float) -> int | None:
        """Count one request; None when allowed, else DRF's wait in whole seconds."""
        history = self._histories.get(key)
        if history is None:
            history = self._histories[key] = deque()
        while history and history[0] > now:
            history.popleft()
        while history and history[-1] <= now - self.duration:
            history.pop()
        if len(history) >= self.num_requests:
            available = self.num_requests - len(history) + 1
            remaining = self.duration - (now - history[-1])
            return max(1, math.ceil(remaining / max(available, 1)))
        history.appendleft(now)
        return None
