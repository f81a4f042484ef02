"""DRF's SimpleRateThrottle: a sliding window of request times per key; never more than N in any
window of `duration`, and the wait it names is until the oldest request leaves."""

from hypothesis import given
from hypothesis import strategies as st

from mock_carriers.core.drf.throttle import SimpleRateThrottle


@given(st.integers(1, 20), st.lists(st.floats(0, 5), max_size=200))
def test_never_more_than_the_limit_in_any_sliding_window(limit, gaps):
    throttle, now, allowed = SimpleRateThrottle(limit, 60.0), 1000.0, []
    for gap in gaps:
        now += gap
        wait = throttle.hit("acct", now)
        if wait is None:
            allowed.append(now)
        else:  # refused: the window really is full, and the oldest leaves within `wait` seconds
            inside = [moment for moment in allowed if moment > now - 60]
            left = inside[0] + 60 - now if inside else 0.0  # (1001.57 + 60) - 1001.57 may be 60.00000000000001
            assert len(inside) == limit and 0 < left <= wait + 1e-6 and wait < left + 1 + 1e-6  # float slack
    for index, moment in enumerate(allowed):
        assert len([m for m in allowed[index:] if m < moment + 60]) <= limit


def test_the_window_slides_instead_of_resetting():
    throttle = SimpleRateThrottle(2, 60.0)
    assert throttle.hit("a", 0) is None and throttle.hit("a", 50) is None
    assert throttle.hit("a", 55) == 5 and throttle.hit("b", 55) is None  # keys are separate
    assert throttle.hit("a", 59.5) == 1  # half a second is "1 second", never 0
    assert throttle.hit("a", 60) is None  # the request at 0 has left; the one at 50 has not
    assert throttle.hit("a", 61) == 49  # full again (50 and 60) until 50 leaves at 110


def test_a_clock_set_back_forgets_what_has_not_happened_yet():
    throttle = SimpleRateThrottle(1, 60.0)
    assert throttle.hit("a", 1000) is None and throttle.hit("a", 1001) == 59
    assert throttle.hit("a", 10) is None
