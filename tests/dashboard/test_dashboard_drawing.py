"""The dashboard's drawings, as data: a delivery's timeline (attempts made, and the retries its
policy still plans) and the traffic charts (per-minute bars that stay inside the plot whatever the
journal holds)."""

from hypothesis import example, given
from hypothesis import strategies as st

from mock_carriers.admin.ui import charts, timeline


def _attempt(number: int, at: str, status: int | None, error: str | None = None) -> dict:
    return {"number": number, "at": at, "status": status, "error": error}


def test_a_pending_delivery_shows_the_retries_still_planned():
    delivery = {
        "state": "pending",
        "attempts": [_attempt(1, "2026-01-01T10:00:00.000Z", 500)],
        "next_attempt_at": "2026-01-01T10:01:00.000Z",
        "retry_delays": [60.0, 240.0],
    }
    line = timeline.build(delivery)
    assert [(mark.number, mark.made, mark.label) for mark in line.marks] == [
        (1, True, "500"),
        (2, False, "+1m"),
        (3, False, "+4m"),
    ]
    assert [mark.x for mark in line.marks] == sorted(mark.x for mark in line.marks)
    assert line.marks[0].x == timeline.MARGIN and line.marks[-1].x == timeline.WIDTH - timeline.MARGIN
    assert line.words == (
        "attempt 1 at 10:00:00.000: 500 Internal Server Error; attempt 2 planned at 10:01:00 (+1m); "
        "attempt 3 planned at 10:05:00 (+4m)"
    )


def test_a_finished_delivery_shows_only_what_happened():
    delivery = {
        "state": "gave_up",
        "attempts": [_attempt(1, "2026-01-01T10:00:00.000Z", None, "ConnectionRefusedError: refused")],
        "next_attempt_at": None,
        "retry_delays": [],
    }
    [mark] = timeline.build(delivery).marks
    assert (mark.made, mark.ok, mark.label) == (True, False, "err") and "ConnectionRefusedError" in mark.title


def _entry(minute: int, status: int, duration: float) -> dict:
    return {"at": f"2026-01-01T10:{minute:02d}:30.000Z", "response": {"status": status}, "duration_ms": duration}


def test_the_charts_count_each_minute_by_status_class():
    drawn = charts.build([_entry(0, 200, 3.0), _entry(0, 401, 1.0), _entry(2, 503, 9.0), _entry(2, 200, 5.0)])
    assert len(drawn.minutes) == charts.MINUTES and drawn.minutes[-1].label == "10:02"
    busy = {minute.label: minute for minute in drawn.minutes if minute.total}
    assert busy["10:00"].counts == {"2xx": 1, "3xx": 0, "4xx": 1, "5xx": 0, "other": 0}
    assert (busy["10:02"].median, busy["10:02"].slowest) == (7.0, 9.0)
    assert charts.build([]).minutes == []


@given(
    st.lists(
        st.tuples(st.integers(0, 59), st.sampled_from([200, 302, 404, 500, 101]), st.floats(0, 30_000)),
        min_size=1,
        max_size=60,
    )
)
@example([(0, 200, 2.225073858507e-311)])  # a duration whose reciprocal overflows: once drawn at NaN
def test_every_bar_stays_inside_the_plot(entries):
    drawn = charts.build([_entry(*entry) for entry in entries])
    assert sum(minute.total for minute in drawn.minutes) <= len(entries)
    for minute in drawn.minutes:
        assert drawn.left <= minute.x <= drawn.width
        for segment in minute.segments:
            assert drawn.top - 0.01 <= segment.y and segment.y + segment.height <= drawn.plot_bottom + 0.01
        assert drawn.top - 0.01 <= minute.slowest_y <= minute.median_y <= drawn.plot_bottom + 0.01
