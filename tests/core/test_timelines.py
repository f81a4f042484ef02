"""Timelines falling due (core/timelines.py): each step's callback once, in order, never before its
time, under the namespace lock, across a namespace in time order; through a carrier over the admin
API (Sandbox), and on the core objects for what no carrier shows (polls, stops, a dropped world)."""

from __future__ import annotations

import gc
import json
import threading
import weakref
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import sandbox

from mock_carriers.core.clock import VirtualClock
from mock_carriers.core.durations import format_instant, parse_instant
from mock_carriers.core.lifecycle import Step
from mock_carriers.core.timelines import Timelines

START = datetime(2030, 1, 1, tzinfo=timezone.utc)
LINE = 115030210  # the walking Parcel2Go order line of the shipped fixtures


def _world() -> tuple[VirtualClock, threading.RLock, Timelines]:
    clock = VirtualClock()
    clock.freeze()
    clock.set(START)
    lock = threading.RLock()
    return clock, lock, Timelines(clock, lock)


minutes = st.integers(min_value=0, max_value=600)
step_times = st.lists(minutes, max_size=6).map(sorted)


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(times=st.lists(st.integers(1, 600), min_size=1, max_size=6).map(sorted), advances=st.lists(minutes, max_size=5))
def test_over_the_admin_api_each_step_sends_its_webhook_once_in_order_at_its_time(client, times, advances):
    """A Parcel2Go order line walking any ordered steps, the clock advanced by any amounts: after
    each advance the outbox holds one delivery per step due by then, in step order, each first
    attempted at its step's time."""
    events = [
        {"at": format_instant(START + timedelta(minutes=m)), "stage": "InTransit", "code": "ITR", "description": str(i)}
        for i, m in enumerate(times)
    ]
    overlay = {
        "parcel2go": {
            "webhook_retries": {"delays": []},
            "orders": {"76423950": {"lines": {str(LINE): {"events": events}}}},
        }
    }
    world = sandbox(client, "timelines", fixtures=overlay)
    world.clock.freeze()
    world.clock.set(format_instant(START))
    world.webhooks.subscribe("parcel2go", "http://127.0.0.1:9/hook", filters=["Tracking"])  # the carrier starts
    advanced = 0
    for by in advances:
        world.clock.advance(f"{by}m")
        advanced += by
        mine = [
            (delivery, json.loads(delivery["attempts"][0]["body"])["Payload"])
            for delivery in world.webhooks.deliveries("parcel2go")
            if json.loads(delivery["attempts"][0]["body"])["Payload"]["OrderLineId"] == LINE
        ]
        due = [index for index, m in enumerate(times) if m <= advanced]
        assert [int(payload["StatusDescription"]) for _, payload in mine] == due
        for (delivery, payload), index in zip(mine, due):
            when = START + timedelta(minutes=times[index])
            assert parse_instant(delivery["attempts"][0]["at"]) == when
            assert datetime.fromisoformat(payload["Timestamp"]) == when


@given(
    timelines=st.lists(step_times, min_size=1, max_size=3),
    moves=st.lists(
        st.one_of(
            st.tuples(st.just("advance"), minutes),
            st.tuples(st.just("set"), st.integers(-60, 700)),
            st.tuples(st.just("settle"), st.just(0)),
        ),
        max_size=8,
    ),
)
def test_each_step_falls_due_once_in_time_order_never_before_its_time(timelines, moves):
    """Any timelines of ordered steps, the clock advanced, set (back or forth) and settled in any
    order: every callback runs once, under the lock, with the clock at or past its step's time; in
    time order across the timelines (ties: the one started first); and after an advance or a settle
    every step due by then has run (a `set` alone runs nothing: it leaves that to the timers or the
    next settle)."""
    clock, lock, world = _world()
    fired: list[tuple[int, int]] = []  # (timeline, step), in the order the callbacks ran

    def record(timeline: int, event) -> None:
        assert event.at == START + timedelta(minutes=timelines[timeline][event.data["n"]])
        assert lock._is_owned() and clock.now() >= event.at
        fired.append((timeline, event.data["n"]))

    for t, times in enumerate(timelines):
        steps = [Step({"n": s}, START + timedelta(minutes=m)) for s, m in enumerate(times)]
        world.start(steps, lambda event, t=t: record(t, event))
    assert fired == []  # nothing runs as a timeline starts
    for move, value in moves:
        if move == "advance":
            clock.advance(timedelta(minutes=value))
        elif move == "set":
            clock.set(START + timedelta(minutes=value))
        else:
            world.settle()
        assert len(set(fired)) == len(fired)
        for t, times in enumerate(timelines):
            mine = [s for timeline, s in fired if timeline == t]
            assert mine == list(range(len(mine)))  # in order, none skipped
            if move != "set":
                due = [s for s, m in enumerate(times) if START + timedelta(minutes=m) <= clock.now()]
                assert set(due) <= set(mine)
    order = [(timelines[t][s], t, s) for t, s in fired]
    assert order == sorted(order)


def test_a_poll_driven_step_falls_due_on_the_read_that_reaches_it():
    clock, _, world = _world()
    seen = []
    steps = [
        Step({"n": 0}, START - timedelta(hours=1)),
        Step({"n": 1}, after_polls=1),
        Step({"n": 2}, START + timedelta(hours=1)),
    ]
    timeline = world.start(steps, lambda event: seen.append((event.data["n"], event.at)))
    assert [e.data["n"] for e in timeline.poll(clock.now())] == [0] and seen == []
    clock.advance(timedelta(minutes=5))
    assert [e.data["n"] for e in timeline.poll(clock.now())] == [0, 1]
    assert seen == [(1, START + timedelta(minutes=5))]  # the first is history: no callback
    clock.advance(timedelta(hours=1))
    assert seen[1:] == [(2, START + timedelta(hours=1))] and timeline.pending() == []


def test_a_timed_step_behind_a_poll_driven_one_waits_for_it():
    clock, _, world = _world()
    seen = []
    steps = [Step({"n": 0}, after_polls=0), Step({"n": 1}, START + timedelta(minutes=1))]
    timeline = world.start(steps, lambda event: seen.append(event.data["n"]))
    clock.advance(timedelta(hours=1))
    assert seen == []
    timeline.poll(clock.now())
    assert seen == [0, 1]


def test_history_goes_to_on_history_and_the_rest_to_on_due():
    clock, _, world = _world()
    due, history = [], []
    steps = [Step({"n": n}, START + timedelta(minutes=m)) for n, m in enumerate((-90, -30, 0, 30))]
    world.start(
        steps,
        on_due=lambda event: due.append(event.data["n"]),
        on_history=lambda event: history.append(event.data["n"]),
        history_before=START - timedelta(hours=1),
    )
    world.settle()
    assert history == [0] and due == [1, 2]
    clock.advance(timedelta(minutes=30))
    assert due == [1, 2, 3]


def test_steps_before_the_start_run_nothing_without_on_history():
    clock, _, world = _world()
    seen = []
    world.start([Step({"n": 0}, START - timedelta(minutes=1)), Step({"n": 1}, START)], seen.append)
    clock.advance(timedelta(0))
    assert [event.data["n"] for event in seen] == [1]


def test_a_stopped_timeline_ends_where_it_is():
    clock, _, world = _world()
    seen = []
    steps = [Step({"n": n}, START + timedelta(minutes=n)) for n in range(3)]
    timeline = world.start(steps, lambda event: seen.append(event.data["n"]))
    clock.advance(timedelta(minutes=1))
    timeline.stop()
    clock.advance(timedelta(hours=1))
    assert seen == [0, 1] and timeline.pending() == [] and len(timeline.due(clock.now())) == 2


def test_a_failing_callback_does_not_stop_the_walk():
    clock, _, world = _world()
    seen = []

    def callback(event) -> None:
        seen.append(event.data["n"])
        if event.data["n"] == 0:
            raise RuntimeError("a carrier's bug")

    world.start([Step({"n": n}, START + timedelta(minutes=n)) for n in range(2)], callback)
    with pytest.raises(RuntimeError):
        clock.advance(timedelta(minutes=5))  # the admin API answers it as its 500; a scheduler logs it
    clock.advance(timedelta(minutes=5))
    assert seen == [0, 1]


def test_a_closed_world_runs_nothing_more_and_lets_its_callbacks_go():
    """A dropped namespace's timelines: no step falls due, and the model the callbacks hold (which
    holds the timelines) is freed by reference counting, not left to the cycle collector."""

    class Model:
        def __init__(self) -> None:
            self.seen: list[int] = []
            self.timeline = world.start(
                [Step({"n": n}, START + timedelta(minutes=n)) for n in range(3)],
                lambda event: self.seen.append(event.data["n"]),
            )

    clock, _, world = _world()
    model = Model()
    seen = model.seen
    gc.disable()
    try:
        world.close()
        clock.advance(timedelta(hours=1))
        world.settle()
        gone = weakref.ref(model)
        del model
        assert gone() is None and seen == []
    finally:
        gc.enable()


def test_a_finished_timeline_lets_its_callbacks_go():
    clock, _, world = _world()

    class Model:
        def __init__(self) -> None:
            self.timeline = world.start([Step({}, START)], lambda event: self)

    model = Model()
    gc.disable()
    try:
        clock.advance(timedelta(0))
        gone = weakref.ref(model)
        del model
        assert gone() is None
    finally:
        gc.enable()
