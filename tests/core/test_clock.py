from datetime import datetime, timedelta, timezone

import pytest

from mock_carriers.core.clock import VirtualClock


class FakeTime:
    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_runs_on_real_time_until_told_otherwise():
    real = FakeTime()
    clock = VirtualClock(real)
    real.now += 5
    assert clock.timestamp() == 1_000_005.0


def test_freeze_stops_time_and_resume_continues_from_there():
    real = FakeTime()
    clock = VirtualClock(real)
    clock.freeze()
    real.now += 100
    assert clock.timestamp() == 1_000_000.0 and clock.frozen
    clock.resume()
    real.now += 1
    assert clock.timestamp() == 1_000_001.0 and not clock.frozen


def test_advance_and_set_work_frozen_or_not():
    real = FakeTime()
    clock = VirtualClock(real)
    clock.advance(timedelta(hours=2))
    assert clock.timestamp() == 1_000_000.0 + 7200
    clock.freeze()
    clock.advance(timedelta(minutes=1))
    assert clock.timestamp() == 1_000_000.0 + 7260
    target = datetime(2026, 1, 1, tzinfo=timezone.utc)
    clock.set(target)
    assert clock.now() == target
    clock.resume()
    real.now += 10
    assert clock.now() == target + timedelta(seconds=10)


def test_advance_refuses_to_go_back():
    with pytest.raises(ValueError):
        VirtualClock().advance(timedelta(seconds=-1))
