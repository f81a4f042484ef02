"""The threaded server: one slow client never blocks the others."""

import socket

import requests

from mock_carriers.client import MockCarriers


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


def _dates(host: str, port: int, path: str) -> list[str]:
    import http.client

    connection = http.client.HTTPConnection(host, port, timeout=5)
    connection.request("GET", path)
    response = connection.getresponse()
    response.read()
    connection.close()
    return [value for name, value in response.getheaders() if name == "Date"]


def test_a_carrier_response_is_dated_by_its_namespace_clock_once(live_server):
    url = live_server()
    clock = MockCarriers.connect(url).sandbox("default").clock
    clock.freeze()
    clock.set("2030-01-01T00:00:00Z")
    host, port = url.removeprefix("http://").split(":")
    assert _dates(host, int(port), "/bex/api/service/login") == ["Tue, 01 Jan 2030 00:00:00 GMT"]
    [admin_date] = _dates(host, int(port), "/__admin/health")  # the admin API lives in the host's time
    assert not admin_date.endswith("2030 00:00:00 GMT")
    bad = socket.create_connection((host, int(port)))
    bad.sendall(b"NOT A REQUEST LINE HTTP/1.1\r\n\r\n")
    assert b"Date: " in bad.recv(4096)
    bad.close()
