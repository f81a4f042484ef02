"""The server layer: what a request costs over a kept-alive connection and over a new one each
time, and what 200 half-sent requests (a slow or hostile peer) cost everyone else while they sit
there, and whether threads and sockets come back once the deadline has closed them."""

from __future__ import annotations

import socket
import statistics
import threading
import time

import requests

from tests.support import open_sockets

HEALTH = "/__admin/health"


def _median_us(call, count: int) -> float:
    samples = []
    for _ in range(count):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1e6)
    return statistics.median(samples)


def _server(**settings):
    from mock_carriers import create_app
    from mock_carriers.server import Server
    from mock_carriers.settings import Settings

    return Server(create_app(Settings(**settings))).start()


def per_request(count: int) -> tuple[float, float]:
    server = _server()
    try:
        session = requests.Session()
        kept = _median_us(lambda: session.get(server.url + HEALTH), count)
        fresh = _median_us(lambda: requests.get(server.url + HEALTH, headers={"Connection": "close"}), count)
    finally:
        server.stop()
    return kept, fresh


def slow_clients(held: int, count: int) -> dict:
    """A normal client's median request while `held` connections sit on half-sent heads."""
    server = _server(request_timeout=2.0)
    try:
        session = requests.Session()
        session.get(server.url + HEALTH)
        threads, sockets = threading.active_count(), open_sockets()
        alone = _median_us(lambda: session.get(server.url + HEALTH), count)
        port = int(server.url.rsplit(":", 1)[1])
        slow = []
        for _ in range(held):
            sock = socket.create_connection(("127.0.0.1", port))
            sock.sendall(b"POST /bex/api/service/login HTTP/1.1\r\nHost: x\r\n")
            slow.append(sock)
        crowded = _median_us(lambda: session.get(server.url + HEALTH), count)
        for sock in slow:  # the server closes them at the deadline: wait for that, then close ours
            sock.settimeout(10)
            sock.recv(1)
            sock.close()
        deadline = time.monotonic() + 10
        while (threading.active_count() > threads or open_sockets() > sockets) and time.monotonic() < deadline:
            time.sleep(0.05)
        return {
            "alone": alone,
            "crowded": crowded,
            "threads_over": threading.active_count() - threads,
            "sockets_over": open_sockets() - sockets,
        }
    finally:
        server.stop()


def run(quick: bool = False) -> list[dict]:
    kept, fresh = per_request(300 if quick else 2000)
    slow = slow_clients(200, 100 if quick else 500)
    return [
        {"name": "server: request on a kept-alive connection", "value": kept, "unit": "us"},
        {"name": "server: request on a new connection", "value": fresh, "unit": "us"},
        {"name": "server: request alone", "value": slow["alone"], "unit": "us"},
        {"name": "server: request beside 200 half-sent ones", "value": slow["crowded"], "unit": "us"},
        {"name": "server: threads left after the deadline", "value": slow["threads_over"], "unit": ""},
        {"name": "server: sockets left after the deadline", "value": slow["sockets_over"], "unit": ""},
    ]
