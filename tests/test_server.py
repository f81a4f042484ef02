"""The threaded server: one slow client never blocks the others."""

import socket

import requests


def test_a_half_sent_request_does_not_block_other_clients(live_server):
    url = live_server()
    host, port = url.removeprefix("http://").split(":")
    slow = socket.create_connection((host, int(port)))
    try:
        slow.sendall(b"POST /border-express/token HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\ngrant")
        for _ in range(3):
            assert requests.get(f"{url}/__admin/health", timeout=2).status_code == 200
    finally:
        slow.close()


def test_requests_in_parallel_all_succeed(live_server):
    from concurrent.futures import ThreadPoolExecutor

    url = live_server()
    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(lambda _: requests.get(f"{url}/__admin/health", timeout=5).status_code, range(40)))
    assert statuses == [200] * 40
