from datetime import datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from mock_carriers.core.lifecycle import Timeline, steps_from_fixture

ORIGIN = datetime(2026, 5, 1, tzinfo=timezone.utc)


def test_time_driven_events_come_due_with_the_clock():
    timeline = Timeline(steps_from_fixture([{"n": 1, "at": "-1h"}, {"n": 2, "at": "+2h"}], ORIGIN))
    assert [e.data["n"] for e in timeline.due(ORIGIN)] == [1]
    assert [e.data["n"] for e in timeline.due(ORIGIN + timedelta(hours=2))] == [1, 2]
    assert timeline.due(ORIGIN + timedelta(hours=2))[1].at == ORIGIN + timedelta(hours=2)


def test_poll_driven_events_come_due_after_n_reads_and_keep_their_time():
    timeline = Timeline(
        steps_from_fixture([{"n": 1, "at": "-1h"}, {"n": 2, "after_polls": 1}, {"n": 3, "after_polls": 2}], ORIGIN)
    )
    assert len(timeline.poll(ORIGIN)) == 1
    second = timeline.poll(ORIGIN + timedelta(minutes=1))
    assert [e.data["n"] for e in second] == [1, 2]
    third = timeline.poll(ORIGIN + timedelta(minutes=5))
    assert [e.data["n"] for e in third] == [1, 2, 3]
    assert third[1].at == ORIGIN + timedelta(minutes=1)


@given(
    st.lists(
        st.one_of(
            st.integers(-1000, 1000).map(lambda m: {"at": f"{'+' if m >= 0 else '-'}{abs(m)}m"}),
            st.integers(0, 5).map(lambda n: {"after_polls": n}),
        ),
        max_size=8,
    ),
    st.lists(st.integers(0, 600), max_size=10),
)
def test_events_come_due_in_order_and_never_go_back(events, waits):
    timeline = Timeline(steps_from_fixture(events, ORIGIN))
    now, seen = ORIGIN, 0
    for wait in waits:
        now += timedelta(minutes=wait)
        due = timeline.poll(now)
        assert [id(e.data) for e in due] == [id(e) for e in events[: len(due)]]
        assert len(due) >= seen
        seen = len(due)
