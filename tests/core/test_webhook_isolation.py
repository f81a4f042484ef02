"""Outbound webhooks under abuse: one namespace's slow receivers never delay another's deliveries.
Real receivers on 127.0.0.1 (tests/receivers.py), and a real server or the app in-process."""

import os
import threading
from datetime import timedelta

import pytest
import requests
from receivers import Dribbling, Hanging, KeepAlive
from support import BEX_LOGIN, IN_PROCESS, in_process_session, wait_for

from mock_carriers.client import MockCarriers
from mock_carriers.core.clock import Scheduler, VirtualClock
from mock_carriers.core.lanes import Lanes
from mock_carriers.core.outbound import Closed, Outbound
from mock_carriers.core.webhooks import GAVE_UP, RetryPolicy, WebhookHub

SUBMIT = {
    "accountNumber": "ACC1001",
    "serviceCode": "ONC",
    "senderSuburb": "Sandton",
    "receiverSuburb": "Umhlanga",
    "receiverContactName": "P",
    "dimensions": [{"dimension1": 10, "dimension2": 10, "dimension3": 10, "weight": 2}],
}


class World:
    """One namespace of a live server through the package's Sandbox, seen through BEX (a waybill
    submitted sends waybill_update). Worlds given one `session` share its keep-alive connections."""

    def __init__(self, url: str, namespace: str, session: requests.Session | None = None) -> None:
        self.http = session or requests.Session()
        self.http.trust_env = False  # calls go to 127.0.0.1: reading the proxy variables was a tenth of their CPU
        self.sandbox = MockCarriers(url, session=self.http).sandbox(namespace)

    def subscribe(self, receiver_url: str) -> None:
        self.sandbox.webhooks.subscribe("bex", receiver_url, secret="s" * 40, filters=["waybill_update"])

    def submit(self) -> None:
        base = f"{self.sandbox.url('bex')}/api/service"
        token = self.http.post(f"{base}/login", json=BEX_LOGIN, timeout=5).json()["value"]
        response = self.http.post(f"{base}/submitwaybillv4", headers={"token": token}, json=SUBMIT, timeout=5)
        assert response.status_code == 200 and response.json()["items"], response.text

    def outbox(self) -> dict:
        return self.sandbox.webhooks.outbox()

    def drop(self) -> None:
        self.sandbox.drop()


@pytest.fixture
def hanging():
    receiver = Hanging()
    yield receiver
    receiver.close()


def test_hanging_receivers_of_one_namespace_do_not_delay_another_namespace(live_server, hanging, webhook_sink):
    url = live_server()
    slow, fast = World(url, "slow"), World(url, "fast")
    for _ in range(10):  # more receivers than a shared pool of workers
        slow.subscribe(hanging.url)
    slow.submit()
    hanging.wait_for(accepted=4)  # attempts are in flight, waiting on receivers that never answer

    fast.subscribe(webhook_sink.url)
    fast.submit()
    webhook_sink.wait_for(1, timeout=30)
    assert hanging.ended == 0  # the fast namespace's delivery arrived while every slow attempt still hung


def _one_attempt(url: str, timeout: float):
    """One delivery to `url` with a single attempt, made by `advance` before it returns."""
    clock = VirtualClock()
    clock.freeze()
    hub = WebhookHub(clock, outbox_limit=10)
    hub.subscribe("c", url)
    delivery = hub.emit("c", "e", {}, lambda d, n, at: (b"{}", {}), RetryPolicy(delays=(), timeout=timeout))[0]
    clock.advance(timedelta(0))
    return delivery


# Any deadline shows it: the dribble only has to send its bytes closer together than the deadline (a
# per-read timeout would never fire), and its thread ends a byte or two after the mock hangs up.
@pytest.mark.parametrize("receiver", [Hanging, lambda: Dribbling(interval=0.1, body=20)], ids=["hanging", "dribbling"])
def test_an_attempt_has_a_total_deadline_however_the_receiver_stalls(receiver):
    stalling = receiver()
    try:
        delivery = _one_attempt(stalling.url, timeout=0.3)
        stalling.wait_for(ended=1)  # the mock hung up on it
    finally:
        stalling.close()
    [attempt] = delivery.attempts
    assert delivery.state == GAVE_UP and attempt.status is None
    assert attempt.error == "DeadlineExceeded: no complete answer within 0.3 s"


def _descriptors() -> int:
    return len(os.listdir("/proc/self/fd"))


def test_dropped_namespaces_leave_no_webhook_socket_open(make_app):
    """The namespaces are driven in-process (the app behind a test client): the sockets counted are
    the webhooks' own, to the receiver, and the HTTP layer's cost stays out of the 300 namespaces."""
    receiver = KeepAlive()
    client = make_app().test_client()
    try:
        with in_process_session(client) as session:
            warm = World(IN_PROCESS, "warm-up", session)  # the first delivery starts what every later one shares
            warm.subscribe(receiver.url)
            warm.submit()
            receiver.wait_for(1)
            warm.drop()
        receiver.wait_until_closed()  # the warm-up's webhook connection wound down, both ends
        baseline = _descriptors()

        with in_process_session(client) as session:
            worlds = [World(IN_PROCESS, f"ns{index}", session) for index in range(300)]
            for world in worlds:
                world.subscribe(receiver.url)
                world.submit()
            receiver.wait_for(301)
            for world in worlds:
                world.drop()
        wait_for(lambda: _descriptors() <= baseline, 20, "the descriptors back to the baseline")
    finally:
        receiver.close()


def test_closing_cuts_the_requests_in_flight(hanging):
    """What dropping or resetting a namespace does to its outbound requests."""
    outbound, outcome = Outbound(), []

    def send():
        try:
            outbound.request("POST", hanging.url, b"{}", deadline=60.0)
        except Exception as exc:
            outcome.append(exc)

    sender = threading.Thread(target=send)
    sender.start()
    hanging.wait_for(accepted=1)
    outbound.close()
    sender.join(30)
    hanging.wait_for(ended=1)
    assert [type(exc) for exc in outcome] == [Closed]
    with pytest.raises(Closed):
        outbound.request("POST", hanging.url, b"{}")


def test_advance_returns_with_every_attempt_of_its_window_made_while_lanes_are_busy(hanging):
    """First attempts queue on the namespace's lane (two at a time) behind receivers that never
    answer; an advance waits for them all, bounded by their deadlines, then makes every retry."""
    scheduler = Scheduler(Lanes(width=2))
    try:
        clock = VirtualClock(on_timer=scheduler.watch)
        clock.freeze()
        start = clock.timestamp()
        hub = WebhookHub(clock, outbox_limit=100)
        for _ in range(6):
            hub.subscribe("c", hanging.url)
        # each attempt runs into its deadline: three rounds of first attempts on the lane, then the six
        # retries one after another; 0.1 s keeps the lane busy well past the advance's start
        policy = RetryPolicy(delays=(60.0,), timeout=0.1)
        deliveries = hub.emit("c", "e", {}, lambda d, n, at: (b"{}", {}), policy)
        hanging.wait_for(accepted=2)  # the lane has taken the first two; four wait behind them
        clock.advance(timedelta(minutes=2))
    finally:
        scheduler.stop()
    for delivery in deliveries:
        assert delivery.state == GAVE_UP and [a.at - start for a in delivery.attempts] == [0.0, 60.0]
        assert all(a.error.startswith("DeadlineExceeded") for a in delivery.attempts)
