import threading
import time
from datetime import datetime, timedelta, timezone

import pytest

from mock_carriers.core.clock import Scheduler, VirtualClock


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


def test_advance_runs_every_timer_at_its_time_while_a_scheduler_watches():
    """Webhook-shaped timers: each event schedules a first attempt for "now", each attempt a retry
    with backoff. A Scheduler watching the clock must not take one and run it late."""
    scheduler = Scheduler()
    clock = VirtualClock(on_timer=scheduler.watch)
    clock.freeze()
    start = clock.timestamp()
    late = []

    def attempt(number: int, due: float):
        def run():
            time.sleep(0.001)  # a POST: lets the scheduler's thread run meanwhile
            if clock.timestamp() != due:
                late.append((number, clock.timestamp() - due))
            if number < 6:
                clock.call_at(due + 60 * 2**number, attempt(number + 1, due + 60 * 2**number))

        return run

    def event(at: float):
        return lambda: clock.call_at(clock.timestamp(), attempt(1, at))

    for index in range(40):
        clock.call_at(start + index * 7, event(start + index * 7))
    clock.advance(timedelta(days=1))
    assert late == [] and clock.next_due() is None


def test_a_scheduler_fires_what_falls_due_among_many_clocks_waiting_hours():
    """Namespaces whose next timer is hours ahead: a timer due now on one of them fires, and so does
    one a clock reaches by being `set` (which tells the scheduler nothing)."""
    scheduler = Scheduler()
    try:
        clocks = [VirtualClock(on_timer=scheduler.watch) for _ in range(50)]
        for clock in clocks:
            clock.call_at(clock.timestamp() + 3600, lambda: None)
        due_now, reached = threading.Event(), threading.Event()
        clocks[7].call_at(clocks[7].timestamp(), due_now.set)
        assert due_now.wait(30)
        clocks[3].call_at(clocks[3].timestamp() + 7200, reached.set)
        clocks[3].set(clocks[3].now() + timedelta(hours=3))
        assert reached.wait(30)
    finally:
        scheduler.stop()
