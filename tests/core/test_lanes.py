"""Lanes: work by key, each key with threads of its own, under a global cap."""

import threading

from support import wait_for

from mock_carriers.core.lanes import Lanes


def _until(condition, timeout: float = 10.0) -> None:
    wait_for(condition, timeout)


def test_a_blocked_lane_holds_up_no_other_lane_and_threads_end_when_idle():
    lanes, release, done, lock = Lanes(width=2, linger=0.05), threading.Event(), [], threading.Lock()
    running = {"now": 0, "most": 0}

    def slow():
        with lock:
            running["now"] += 1
            running["most"] = max(running["most"], running["now"])
        release.wait()
        with lock:
            running["now"] -= 1
            done.append("slow")

    for _ in range(5):
        lanes.submit("slow", slow)
    lanes.submit("fast", lambda: done.append("fast"))
    _until(lambda: "fast" in done)
    assert "slow" not in done
    release.set()
    _until(lambda: len(done) == 6 and lanes.threads == 0)
    assert running["most"] == 2  # the lane's width


def test_one_thread_per_lane_runs_its_work_in_order():
    lanes, seen = Lanes(width=1, linger=0.05), []
    for number in range(50):
        lanes.submit("a", lambda n=number: seen.append(n))
    _until(lambda: len(seen) == 50)
    assert seen == list(range(50))


def test_beyond_the_cap_lanes_wait_in_line_and_all_their_work_runs():
    lanes, release, seen = Lanes(width=1, cap=2, linger=5.0), threading.Event(), []
    lanes.submit("blocked", release.wait)
    lanes.submit("lingering", lambda: seen.append("lingering"))
    _until(lambda: seen == ["lingering"])  # its thread now lingers, waiting for more work
    for name in ("x", "y", "z"):
        lanes.submit(name, lambda n=name: seen.append(n))
    _until(lambda: len(seen) == 4)  # the lingering thread gave up its quiet lane for those in line
    assert seen == ["lingering", "x", "y", "z"] and lanes.threads <= 2
    release.set()


def test_a_failing_callback_does_not_end_its_lane(caplog):
    lanes, seen = Lanes(width=1, linger=0.05), []
    lanes.submit("a", lambda: 1 / 0)
    lanes.submit("a", lambda: seen.append("after"))
    _until(lambda: seen == ["after"])
    assert "a timer failed" in caplog.text


def test_stop_takes_no_more_work_and_finishes_what_was_handed_out():
    """A clock counts on every timer handed out running (an advance waits for them)."""
    lanes, release, seen = Lanes(width=1, cap=1, linger=5.0), threading.Event(), []
    lanes.submit("a", release.wait)
    lanes.submit("a", lambda: seen.append("a"))
    lanes.submit("b", lambda: seen.append("b"))  # waits in line: the cap is reached
    lanes.stop()
    lanes.submit("a", lambda: seen.append("too late"))
    release.set()
    _until(lambda: lanes.threads == 0)  # no lingering once stopped
    assert seen == ["a", "b"]
