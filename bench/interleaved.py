"""Two in-process apps timed on the same request, alternating, so drift in the machine's speed
hits both alike: what each ratio benchmark compares."""

from __future__ import annotations

import statistics
import time
from typing import Callable

from flask.testing import FlaskClient

Send = Callable[[FlaskClient], object]


def medians(clients: list[FlaskClient], send: Send, rounds: int, warm: int = 50) -> list[float]:
    """Median microseconds of `send` on each client, the clients taking turns."""
    samples: list[list[float]] = [[] for _ in clients]
    for round_ in range(warm + rounds):
        for client, found in zip(clients, samples):
            started = time.perf_counter()
            send(client)
            if round_ >= warm:
                found.append((time.perf_counter() - started) * 1e6)
    return [statistics.median(found) for found in samples]
