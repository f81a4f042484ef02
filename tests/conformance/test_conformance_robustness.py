"""Whatever a driver does (crash, hang with children, ignore SIGTERM, print garbage, write a result
that is no JSON object, do nothing, fail to start) it gets a clear verdict, and the kit returns.

The misbehaving drivers are graded together (`kit_batch`, with the other modules' batches, in a
process of their own against a server of their own), each test reading its own report."""

from __future__ import annotations

import socket
import sys
import threading
from contextlib import ExitStack
from pathlib import Path

import pytest
from kit_batches import KitBatch, kit_batch

from mock_carriers.kit import Options, TaskFailed, conform
from mock_carriers.kit.driver import Command, Run
from mock_carriers.kit.ports import listening_port

DRIVER = [sys.executable, str(Path(__file__).parents[1] / "conformance_command_driver.py")]
TWO = ("baseline", "server-error-once")


def options(only=TWO, task_timeout=8.0, **more) -> Options:
    return Options(only=only, request_timeout=1.0, task_timeout=task_timeout, workers=4, **more)


def misbehaving(how: str, *args: str) -> list[str]:
    return [*DRIVER, "--misbehave", how, *args]


def refuses(run):
    raise TaskFailed("my client refused")


CALLABLES = {
    "raises": (lambda run: 1 / 0, "the driver crashed: raised ZeroDivisionError: division by zero"),
    "returns-a-list": (lambda run: ["not", "a", "dict"], "a driver returns a dict (its result) or None, not list"),
    "hangs": (lambda run: threading.Event().wait(), "timed out"),
}


@kit_batch
def batch(server, pids: Path) -> KitBatch:
    """`pids`: where a hanging driver writes its own pid and its child's."""
    baseline = ("baseline",)
    jobs = {
        "crash": ("parcel2go", "quote", misbehaving("crash"), options()),
        "hang": ("bex", "track", misbehaving("hang", str(pids / "hang")), options(baseline, 3)),
        "never-listens": (
            "bex",
            "receive-webhooks",
            misbehaving("hang", str(pids / "never-listens")),
            options(("webhook-genuine",), 1.5),
        ),
        "deaf": ("bex", "receive-webhooks", misbehaving("deaf"), options(("webhook-genuine",), stop_grace=0.5)),
        "killed": ("border-express", "track", misbehaving("killed"), options(baseline)),
        "nothing": ("parcel2go", "quote", misbehaving("nothing"), options()),
        "list-result": ("bex", "track", misbehaving("list-result"), options(baseline)),
        "garbage": ("bex", "track", misbehaving("garbage"), options(baseline)),
        "cannot-start": ("bex", "track", Command(["/nonexistent/driver"]), options(baseline)),
        "task-failed": ("bex", "track", refuses, options(("baseline", "business-error"))),
    }
    jobs |= {name: ("bex", "track", behaviour, options(baseline, 1)) for name, (behaviour, _) in CALLABLES.items()}
    return KitBatch(jobs, len(jobs))


@pytest.fixture(scope="module")
def graded(kit_batches):
    return kit_batches(__name__)


@pytest.fixture(scope="module")
def reports(graded):
    return graded.report


@pytest.fixture(scope="module")
def pids(graded) -> Path:
    return graded.folder


def gone(pid: int) -> bool:
    """No such process, or only its zombie left for init to reap."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except FileNotFoundError:
        return True
    return state in ("Z", "X")


def test_a_crashing_driver_fails_every_check_showing_its_traceback(reports):
    report = reports("crash")
    for check in TWO:
        verdict = report.verdict(check)
        assert verdict.status == "fail" and "crashed: exit 1 without an error in its result" in verdict.summary
        assert "RuntimeError: the driver fell over" in verdict.outcome["stderr"]
    assert not report.passed


def test_a_hanging_driver_and_its_children_are_killed_at_the_time_limit(reports, pids):
    verdict = reports("hang").verdict("baseline")
    assert (
        verdict.status == "fail"
        and verdict.summary == "the driver was still running at its 3.0 s time limit and was killed"
    )
    assert verdict.outcome["kind"] == "timed out"
    assert all(gone(int(pid)) for pid in (pids / "hang").read_text().split())


def test_a_webhook_driver_that_never_listens_is_told_so(reports):
    verdict = reports("never-listens").verdict("webhook-genuine")
    assert verdict.status == "fail"
    assert "nothing listened on 127.0.0.1" in verdict.summary


def test_a_webhook_driver_that_ignores_sigterm_is_killed_and_said_to(reports):
    verdict = reports("deaf").verdict("webhook-genuine")
    assert verdict.status == "fail"
    assert verdict.summary == "the driver crashed: did not exit within 0.5 s of the kit's SIGTERM: killed"
    assert [sent.startswith("delivery") and "answered 200" in sent for sent in verdict.evidence[:3]] == [True] * 3


def test_a_driver_killed_by_a_signal_is_a_crash(reports):
    assert "killed by signal 9 (SIGKILL)" in reports("killed").verdict("baseline").summary


def test_a_driver_that_does_nothing_is_told_what_it_missed(reports):
    report = reports("nothing")
    assert report.verdict("baseline").summary == "the driver exited 0, but no getQuotes request answered success"
    assert (
        "never sent the request the status fault waits for (getQuotes)" in report.verdict("server-error-once").summary
    )


def test_a_result_that_is_not_an_object_is_named(reports):
    outcome = reports("list-result").verdict("baseline").outcome
    assert (
        outcome["kind"] == "succeeded"
        and outcome["result_problem"] == "the result file holds a list, not a JSON object"
    )


def test_garbage_output_and_an_unreadable_result_are_contained(reports):
    outcome = reports("garbage").verdict("baseline").outcome
    assert outcome["result_problem"].startswith("the result file is not JSON")
    assert len(outcome["stdout"]) <= 4096 + 3 and outcome["stdout"].startswith("...")


def test_a_command_that_cannot_start_is_named(reports):
    assert "could not start '/nonexistent/driver'" in reports("cannot-start").verdict("baseline").summary


@pytest.mark.parametrize("name", CALLABLES)
def test_a_misbehaving_callable_gets_a_clear_verdict(reports, name):
    verdict = reports(name).verdict("baseline")
    assert verdict.status == "fail" and CALLABLES[name][1] in verdict.summary + verdict.outcome["kind"]


def test_a_callable_reports_a_failure_with_task_failed(reports):
    report = reports("task-failed")
    assert (
        report.verdict("baseline").summary
        == "the driver reported a failure where it should have succeeded: my client refused"
    )
    assert report.verdict("business-error").status == "fail"  # it never reached the call the fault waits for


def test_a_callable_that_ends_after_it_was_abandoned_ends_quietly(carriers_server, monkeypatch):
    release, threads = threading.Event(), []

    def late(run):
        threads.append(threading.current_thread())
        release.wait()
        raise TaskFailed("too late")  # its result file's folder is gone by now

    report = conform(carriers_server, "bex", "track", late, options(("baseline",), 0.5))
    assert report.verdict("baseline").outcome["kind"] == "timed out"
    uncaught = []
    monkeypatch.setattr(threading, "excepthook", uncaught.append)
    release.set()
    threads[0].join(10)
    assert not threads[0].is_alive() and uncaught == []


def test_webhook_runs_at_once_each_get_a_port_no_outgoing_connection_takes():
    low = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    with ExitStack() as held:
        ports = [held.enter_context(listening_port("127.0.0.1")) for _ in range(50)]
        assert len(set(ports)) == 50 and all(1024 <= port < low for port in ports)


def test_a_port_handed_out_while_command_drivers_start_is_free_to_bind(tmp_path):
    """A child forked while a port is probed would hold that port until it execs: drivers started
    by commands while other runs are handed ports never leave one of those ports taken."""
    taken: list[OSError] = []

    def start_commands(index: int) -> None:
        for number in range(12):
            folder = tmp_path / f"{index}-{number}"
            folder.mkdir()
            run = Run("bex", "book", "http://127.0.0.1:9", {}, {}, {}, str(folder / "c.json"), str(folder / "r.json"))
            Command([sys.executable, "-I", "-S", "-c", "pass"]).start(run).wait(10)

    def listen_on_handed_ports() -> None:
        for _ in range(150):
            with listening_port("127.0.0.1") as port, socket.socket() as listener:
                listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as http.server's
                try:
                    listener.bind(("127.0.0.1", port))
                except OSError as exc:
                    taken.append(exc)

    threads = [threading.Thread(target=start_commands, args=(index,)) for index in range(3)]
    threads += [threading.Thread(target=listen_on_handed_ports) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert taken == []
