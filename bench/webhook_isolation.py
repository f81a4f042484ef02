"""Webhook isolation (issue: hold under abuse): how much one namespace's slow receivers (20 that never
answer, 8 that answer a byte every 0.5 s) delay another namespace's deliveries to a fast receiver,
and the threads and descriptors the server holds before, during and after.

The slow receivers run in a child process, so the counts are the server's alone."""

from __future__ import annotations

import multiprocessing
import os
import threading
import time

import requests

from bench.webhooks import LOGIN, WAYBILL, first_attempt_latency

HANGING, DRIBBLING = 20, 8
SLOW = "slow"


def _receivers(pipe) -> None:
    """The child process: a hanging and a dribbling receiver, until the parent says stop."""
    from tests.receivers import Dribbling, Hanging

    hanging, dribbling = Hanging(), Dribbling(interval=0.5, body=1000)
    pipe.send((hanging.url, dribbling.url))
    pipe.recv()
    hanging.close()
    dribbling.close()


def _counts() -> tuple[int, int]:
    return threading.active_count(), len(os.listdir("/proc/self/fd"))


def _settle(target: tuple[int, int], timeout: float = 20.0) -> tuple[tuple[int, int], float]:
    """The counts once both are down to `target` (or `timeout` has passed), and the seconds it took.
    Threads end on their own (a lane after 1 s idle, the deadline watchdog after 5 s)."""
    started = time.monotonic()
    while True:
        counts = _counts()
        if all(now <= goal for now, goal in zip(counts, target)) or time.monotonic() - started > timeout:
            return counts, time.monotonic() - started
        time.sleep(0.1)


def _load_slow_namespace(url: str, hanging: str, dribbling: str) -> None:
    """28 subscriptions in namespace `slow`, and one waybill whose update goes to all of them."""
    admin = f"{url}/__admin/namespaces/{SLOW}"
    requests.put(admin, json={}, timeout=5).raise_for_status()
    for index in range(HANGING + DRIBBLING):
        target = f"{hanging}/{index}" if index < HANGING else f"{dribbling}/{index}"
        requests.post(
            f"{admin}/webhooks/subscriptions",
            timeout=5,
            json={"carrier": "bex", "url": target, "secret": "s" * 40, "filters": ["waybill_update"]},
        ).raise_for_status()
    base = f"{url}/ns/{SLOW}/bex/api/service"
    token = requests.post(f"{base}/login", json=LOGIN, timeout=5).json()["value"]
    requests.post(f"{base}/submitwaybillv4", headers={"token": token}, json=WAYBILL, timeout=5).raise_for_status()


def run(quick: bool = False) -> list[dict]:
    from mock_carriers import create_app
    from mock_carriers.server import Server

    runs = 10 if quick else 30
    parent, child = multiprocessing.get_context("spawn").Pipe()
    process = multiprocessing.get_context("spawn").Process(target=_receivers, args=(child,), daemon=True)
    process.start()
    hanging, dribbling = parent.recv()
    server = Server(create_app()).start()
    try:
        alone, _, _ = first_attempt_latency(server.url, runs)
        requests.delete(f"{server.url}/__admin/namespaces/default", timeout=5)
        time.sleep(6.0)  # the first deliveries' threads end (see _settle)
        before = _counts()

        _load_slow_namespace(server.url, hanging, dribbling)
        loaded, worst, _ = first_attempt_latency(server.url, runs)
        during = _counts()
        outbox = requests.get(f"{server.url}/__admin/namespaces/{SLOW}/webhooks", timeout=5).json()
        in_flight = sum(1 for d in outbox["deliveries"] if d["state"] == "pending")

        requests.delete(f"{server.url}/__admin/namespaces/{SLOW}", timeout=5)
        requests.delete(f"{server.url}/__admin/namespaces/default", timeout=5)
        after, settled_in = _settle(before)
    finally:
        server.stop()
        parent.send("stop")
        process.join(5)
    return [
        {"name": "fast namespace's first attempt, alone (median)", "value": alone, "unit": "ms"},
        {"name": "the same beside 20 hanging + 8 dribbling receivers (median)", "value": loaded, "unit": "ms"},
        {"name": "delay the slow receivers add (median)", "value": loaded - alone, "unit": "ms", "target": "< 100"},
        {"name": "the same, worst of the runs", "value": worst, "unit": "ms"},
        {"name": "slow deliveries still pending while measured", "value": in_flight, "unit": ""},
        *(
            {"name": f"server {kind} {when}", "value": counts[index], "unit": ""}
            for index, kind in enumerate(("threads", "descriptors"))
            for when, counts in (("before", before), ("during", during), ("after the drop", after))
        ),
        {"name": "seconds until back to the counts before", "value": settled_in, "unit": "s"},
    ]


if __name__ == "__main__":
    for row in run(quick=False):
        print(row)
