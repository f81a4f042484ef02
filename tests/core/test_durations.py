from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mock_carriers.core.durations import _MAX_SECONDS, parse_duration, parse_instant, parse_relative_time

UNITS = {
    "ms": timedelta(milliseconds=1),
    "s": timedelta(seconds=1),
    "m": timedelta(minutes=1),
    "h": timedelta(hours=1),
    "d": timedelta(days=1),
}
ORIGIN = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("500ms", timedelta(milliseconds=500)),
        ("90s", timedelta(seconds=90)),
        ("15m", timedelta(minutes=15)),
        ("2h", timedelta(hours=2)),
        ("3d", timedelta(days=3)),
        ("1h30m", timedelta(minutes=90)),
        ("1.5h", timedelta(minutes=90)),
        (" 2h ", timedelta(hours=2)),
        ("45", timedelta(seconds=45)),
        (30, timedelta(seconds=30)),
        (0.25, timedelta(milliseconds=250)),
    ],
)
def test_known_durations(text, expected):
    assert parse_duration(text) == expected


@pytest.mark.parametrize("bad", ["", "h", "2x", "-5m", "2 h", "1h-30m", None, True, [], "nan", "inf", -1, 10**12])
def test_bad_durations_raise_value_error(bad):
    with pytest.raises(ValueError):
        parse_duration(bad)


@given(st.lists(st.tuples(st.integers(0, 10_000), st.sampled_from(list(UNITS))), min_size=1, max_size=4))
def test_compound_durations_add_up_or_are_refused_as_out_of_range(parts):
    text = "".join(f"{n}{unit}" for n, unit in parts)
    total = sum((n * UNITS[unit] for n, unit in parts), timedelta())
    if total.total_seconds() > _MAX_SECONDS:
        with pytest.raises(ValueError, match="out of range"):
            parse_duration(text)
    else:
        assert parse_duration(text) == total


@given(st.one_of(st.text(max_size=30), st.integers(), st.floats(), st.none(), st.booleans()))
def test_any_input_is_a_duration_or_a_value_error(value):
    try:
        result = parse_duration(value)
    except ValueError:
        return
    assert result >= timedelta(0)


@given(st.integers(0, 30_000), st.sampled_from(list(UNITS)))
def test_relative_times_move_from_the_origin(amount, unit):
    delta = amount * UNITS[unit]
    assert parse_relative_time(f"+{amount}{unit}", ORIGIN) == ORIGIN + delta
    assert parse_relative_time(f"-{amount}{unit}", ORIGIN) == ORIGIN - delta
    assert parse_relative_time(f"{amount}{unit}", ORIGIN) == ORIGIN + delta


def test_absolute_times_ignore_the_origin():
    assert parse_relative_time("2026-01-01T00:00:00Z", ORIGIN) == datetime(2026, 1, 1, tzinfo=timezone.utc)
    assert parse_relative_time("2026-01-01", ORIGIN) == datetime(2026, 1, 1, tzinfo=timezone.utc)
    assert parse_instant("2026-01-01T10:00:00+10:00") == datetime(2026, 1, 1, tzinfo=timezone.utc)


@given(st.text(max_size=40))
def test_any_text_is_a_time_or_a_value_error(text):
    try:
        parse_relative_time(text, ORIGIN)
    except ValueError:
        pass
