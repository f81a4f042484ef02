"""The traffic view's two small charts, drawn on the server as inline SVG (no script, no library):
requests per minute stacked by status class, and each minute's median and slowest request. Minutes
are on the namespace clock (as the journal's times are): the `MINUTES` up to the newest entry's.
Each class has its own fill pattern and every bar its text, so colour is never the only cue, and
the numbers are also given as a table."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import datetime, timedelta

MINUTES = 30
CLASSES = ("2xx", "3xx", "4xx", "5xx", "other")
WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 640, 150, 64, 22, 10


@dataclass(frozen=True)
class Segment:
    status_class: str
    count: int
    y: float
    height: float


@dataclass
class Minute:
    start: datetime
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CLASSES, 0))
    durations: list[float] = field(default_factory=list)
    x: float = 0.0
    segments: list[Segment] = field(default_factory=list)
    median_y: float = 0.0
    slowest_y: float = 0.0

    @property
    def label(self) -> str:
        return self.start.strftime("%H:%M")

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def median(self) -> float:
        return statistics.median(self.durations) if self.durations else 0.0

    @property
    def slowest(self) -> float:
        return max(self.durations, default=0.0)


@dataclass
class Charts:
    minutes: list[Minute]
    bar_width: float
    most_requests: int
    slowest: float
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    bottom: int = BOTTOM
    top: int = TOP

    @property
    def plot_bottom(self) -> int:
        return self.height - self.bottom


def build(entries: list[dict]) -> Charts:
    """The charts of a namespace's journal entries (as the admin API gives them)."""
    if not entries:
        return Charts([], 0, 0, 0.0)
    times = [(_minute(entry["at"]), entry) for entry in entries]
    newest = max(start for start, _ in times)
    first = newest - timedelta(minutes=MINUTES - 1)  # always MINUTES bars wide, so one minute is one thin bar
    minutes: dict[datetime, Minute] = {}
    at = first
    while at <= newest:
        minutes[at] = Minute(at)
        at += timedelta(minutes=1)
    for start, entry in times:
        minute = minutes.get(start)
        if minute is None:
            continue  # older than the charts show
        status = entry["response"]["status"]
        name = f"{str(status)[0]}xx"
        minute.counts[name if name in minute.counts else "other"] += 1
        minute.durations.append(entry["duration_ms"])
    shown = list(minutes.values())
    charts = Charts(shown, 0, max(m.total for m in shown), max(m.slowest for m in shown))
    _lay_out(charts)
    return charts


def _lay_out(charts: Charts) -> None:
    plot_width = charts.width - charts.left - 4
    plot_height = charts.plot_bottom - charts.top
    charts.bar_width = max(2.0, plot_width / max(len(charts.minutes), 1) - 2)
    step = plot_width / max(len(charts.minutes), 1)
    for index, minute in enumerate(charts.minutes):
        minute.x = charts.left + index * step + 1
        y = float(charts.plot_bottom)
        for name in CLASSES:
            count = minute.counts[name]
            if count:
                height = plot_height * count / charts.most_requests
                y -= height
                minute.segments.append(Segment(name, count, y, height))
        minute.median_y = charts.plot_bottom - plot_height * _share(minute.median, charts.slowest)
        minute.slowest_y = charts.plot_bottom - plot_height * _share(minute.slowest, charts.slowest)


def _share(value: float, most: float) -> float:
    """`value` as a share of `most` (0 when there is none): a ratio first, so a duration too small
    for its reciprocal to be a float (1e-311 ms) still draws, rather than 0 * inf = NaN."""
    return value / most if most else 0.0


def _minute(instant: str) -> datetime:
    return datetime.fromisoformat(instant.replace("Z", "+00:00")).replace(second=0, microsecond=0)
