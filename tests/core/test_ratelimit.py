"""Fixed windows on the namespace clock: at most N requests per window per key, and a new window
once the clock has moved past the old one."""

from hypothesis import given
from hypothesis import strategies as st

from mock_carriers.core.ratelimit import FixedWindow


@given(st.integers(1, 20), st.lists(st.floats(0, 5), max_size=200))
def test_never_more_than_the_limit_in_any_window(limit, gaps):
    window, now, allowed = FixedWindow(limit, 60.0), 1000.0, []
    for gap in gaps:
        now += gap
        if window.hit("acct", now) is None:
            allowed.append(now)
    starts, count = [], 0
    for moment in allowed:  # replay: each window starts at its first allowed request
        if not starts or moment >= starts[-1] + 60:
            starts.append(moment)
            count = 0
        count += 1
        assert count <= limit


def test_retry_after_counts_down_and_the_window_resets():
    window = FixedWindow(2, 60.0)
    assert window.hit("a", 0) is None and window.hit("a", 10) is None
    assert window.hit("a", 15) == 45 and window.hit("b", 15) is None  # keys are separate
    assert window.hit("a", 59.5) == 1
    assert window.hit("a", 60) is None  # the clock moved on: a new window
