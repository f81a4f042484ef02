"""Outbound webhooks: first-attempt latency and delivery throughput to a local receiver (issue: webhooks)."""

from __future__ import annotations

import statistics
import time

import requests

from mock_carriers.webhook_sink import WebhookSink

LOGIN = {"username": "mock-bex-user", "password": "mock-bex-password"}
WAYBILL = {
    "accountNumber": "ACC1001",
    "serviceCode": "ONC",
    "senderSuburb": "Sandton",
    "receiverSuburb": "Umhlanga",
    "receiverContactName": "P",
    "dimensions": [{"dimension1": 10, "dimension2": 10, "dimension3": 10, "weight": 2}],
}


class StampedSink(WebhookSink):
    """A WebhookSink that also keeps, for each recorded request, the perf_counter() at which its
    handler started recording it (`stamps[i]` belongs to `received[i]`)."""

    def __init__(self) -> None:
        self.stamps: list[float] = []
        super().__init__()

    def _record(self, handler):
        arrived = time.perf_counter()
        with self._lock:  # a Condition over an RLock: the base class takes it again to append
            result = super()._record(handler)
            self.stamps.append(arrived)
        return result

    def count(self) -> int:
        with self._lock:
            return len(self.received)

    def first_stamp(self, start: int, action: str, timeout: float = 10.0) -> float:
        """The stamp of the first request from index `start` on whose BEX action is `action`."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                for index in range(start, len(self.received)):
                    if _action(self.received[index]) == action:
                        return self.stamps[index]
                start = len(self.received)
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"no {action} webhook within {timeout} s")
                self._lock.wait(remaining)


def _action(received) -> str | None:
    try:
        return received.json()["Notifications"][0]["Action"]
    except (ValueError, KeyError, IndexError, TypeError):
        return None


def _bex_session(url: str, sink: WebhookSink) -> requests.Session:
    session = requests.Session()
    response = session.post(
        f"{url}/__admin/namespaces/default/webhooks/subscriptions",
        json={"carrier": "bex", "url": sink.url, "secret": "x" * 40},
    )
    response.raise_for_status()
    token = session.post(f"{url}/bex/api/service/login", json=LOGIN).json()["value"]
    session.headers["token"] = token
    return session


def _submit(session: requests.Session, url: str) -> None:
    response = session.post(f"{url}/bex/api/service/submitwaybillv4", json=WAYBILL)
    response.raise_for_status()


def first_attempt_latency(url: str, runs: int) -> tuple[float, float, float]:
    """Median, max ms and median submit-response ms, from just before a BEX submit is sent to the
    sink starting to record the waybill_update POST it causes."""
    sink = StampedSink()
    try:
        session = _bex_session(url, sink)
        _submit(session, url)  # warm-up: first delivery imports requests, starts the scheduler and its pool
        sink.first_stamp(0, "waybill_update")
        samples, responses = [], []
        for _ in range(runs):
            time.sleep(0.05)  # let the scheduler settle back into its idle wait, as between real events
            before = sink.count()
            started = time.perf_counter()
            _submit(session, url)
            responses.append((time.perf_counter() - started) * 1000)
            samples.append((sink.first_stamp(before, "waybill_update") - started) * 1000)
    finally:
        sink.stop()
    return statistics.median(samples), max(samples), statistics.median(responses)


def http_throughput(url: str, waybills: int) -> tuple[float, float, float]:
    """Deliveries/s from the first submit until the sink has every POST of `waybills` submits,
    the submit rate alone (waybills/s, one client submitting back to back), and how many POSTs one
    submit causes right away (counted on a warm-up submit: the brief expected 2, see the report)."""
    sink = StampedSink()
    try:
        session = _bex_session(url, sink)
        _submit(session, url)  # warm-up, as above; then count what one submit sends in its first second
        sink.first_stamp(0, "waybill_update")
        time.sleep(1.0)
        per_submit = base = sink.count()
        started = time.perf_counter()
        for _ in range(waybills):
            _submit(session, url)
        submitted = time.perf_counter() - started
        sink.wait_for(base + per_submit * waybills, timeout=120)
        elapsed = time.perf_counter() - started
    finally:
        sink.stop()
    return per_submit * waybills / elapsed, waybills / submitted, per_submit


def engine_throughput(events: int) -> tuple[float, float]:
    """Deliveries/s of a bare WebhookHub on a real-time VirtualClock and a real Scheduler (no Flask
    in front): `events` emits with a trivial envelope, timed until every delivery is delivered.
    Also the emit rate alone (emits/s)."""
    from mock_carriers.core.clock import Scheduler, VirtualClock
    from mock_carriers.core.webhooks import DELIVERED, RetryPolicy, WebhookHub

    sink = StampedSink()
    scheduler = Scheduler()
    clock = VirtualClock(on_timer=scheduler.watch)
    hub = WebhookHub(clock, outbox_limit=events + 10)
    hub.subscribe("bench", sink.url)
    envelope, policy = (lambda delivery, number, sent_at: (b"{}", {})), RetryPolicy(delays=())
    try:
        hub.emit("bench", "warm-up", {}, envelope, policy)
        sink.wait_for(1, timeout=10)
        deliveries = []
        started = time.perf_counter()
        for _ in range(events):
            deliveries.extend(hub.emit("bench", "event", {}, envelope, policy))
        emitted = time.perf_counter() - started
        deadline = started + 120
        while sum(d.state == DELIVERED for d in deliveries) < events and time.perf_counter() < deadline:
            time.sleep(0.001)
        elapsed = time.perf_counter() - started
        delivered = sum(d.state == DELIVERED for d in deliveries)
    finally:
        sink.stop()
    return delivered / elapsed, events / emitted


def run(quick: bool = False) -> list[dict]:
    from mock_carriers import create_app
    from mock_carriers.server import Server

    server = Server(create_app()).start()
    try:
        latency, worst, response = first_attempt_latency(server.url, 10 if quick else 30)
        http_rate, submit_rate, per_submit = http_throughput(server.url, 50 if quick else 200)
    finally:
        server.stop()
    engine_rate, emit_rate = engine_throughput(200 if quick else 1000)
    return [
        {"name": "webhook first attempt latency (median)", "value": latency, "unit": "ms"},
        {"name": "webhook first attempt latency (max)", "value": worst, "unit": "ms"},
        {"name": "BEX submit response time (median)", "value": response, "unit": "ms"},
        {"name": "deliveries per second to a local receiver (HTTP)", "value": http_rate, "unit": "/s"},
        {"name": "BEX submits per second, one client", "value": submit_rate, "unit": "/s"},
        {"name": "webhook POSTs per BEX submit (immediate)", "value": per_submit, "unit": "", "target": "2"},
        {"name": "deliveries per second, bare WebhookHub", "value": engine_rate, "unit": "/s"},
        {"name": "WebhookHub emits per second", "value": emit_rate, "unit": "/s"},
    ]
