"""HTTP/1.1 as clients speak it: keep-alive, pipelining, framing, and protocol errors in JSON."""

from __future__ import annotations

import http.client
import json

import requests
from serving_support import connect, read_response, read_until_closed

LOGIN = b'{"username": "mock-bex-user", "password": "mock-bex-password"}'


def _login(length: bytes = b"%d" % len(LOGIN)) -> bytes:
    return (
        b"POST /bex/api/service/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Content-Length: " + length + b"\r\n\r\n" + LOGIN
    )


def test_keep_alive_carries_several_requests_on_one_connection(start_server):
    server = start_server()
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    ports = set()
    for _ in range(3):
        connection.request("POST", "/bex/api/service/login", body=LOGIN, headers={"Content-Type": "application/json"})
        response = connection.getresponse()
        assert response.status == 200 and response.getheader("Connection") is None
        assert json.loads(response.read())["value"]
        ports.add(connection.sock.getsockname()[1])
    assert len(ports) == 1  # the same socket every time
    connection.close()


def test_pipelined_requests_are_answered_in_order(start_server):
    server = start_server()
    sock = connect(server)
    sock.sendall(_login() + b"GET /__admin/health HTTP/1.1\r\nHost: x\r\n\r\n" + _login())
    head, body, rest = read_response(sock)
    assert head.startswith(b"HTTP/1.1 200") and json.loads(body)["value"]
    head, body, rest = read_response(sock, rest)
    assert json.loads(body)["status"] == "ok"
    head, body, rest = read_response(sock, rest)
    assert json.loads(body)["value"] and rest == b""
    sock.close()


def test_a_client_that_asks_to_close_is_closed_after_its_answer(start_server):
    server = start_server()
    sock = connect(server)
    sock.sendall(b"GET /__admin/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    data = read_until_closed(sock)
    assert b"Connection: close" in data and data.endswith(b"}\n") or data.endswith(b"}")


def test_two_different_content_lengths_are_a_400(start_server):
    server = start_server()
    sock = connect(server)
    sock.sendall(
        b"POST /bex/api/service/login HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\n" + LOGIN
    )
    head, body, _ = read_response(sock)
    assert head.startswith(b"HTTP/1.1 400") and b"Content-Length" in json.loads(body)["message"].encode()
    assert read_until_closed(sock) == b""
    entries = requests.get(f"http://127.0.0.1:{server.port}/__admin/namespaces/default/journal", timeout=5).json()
    assert entries["entries"] == []  # never reached a carrier


def test_the_same_content_length_twice_is_one(start_server):
    server = start_server()
    sock = connect(server)
    sock.sendall(_login(b"%d\r\nContent-Length: %d" % (len(LOGIN), len(LOGIN))))
    head, body, _ = read_response(sock)
    assert head.startswith(b"HTTP/1.1 200")


def test_content_length_with_chunked_coding_is_a_400(start_server):
    server = start_server()
    sock = connect(server)
    sock.sendall(
        b"POST /bex/api/service/login HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
    )
    head, body, _ = read_response(sock)
    assert head.startswith(b"HTTP/1.1 400") and json.loads(body)["error"] == "bad_request"


def test_a_chunked_body_is_read(start_server):
    server = start_server()

    def pieces():
        yield LOGIN[:10]
        yield LOGIN[10:]

    response = requests.post(
        f"http://127.0.0.1:{server.port}/bex/api/service/login",
        data=pieces(),
        headers={"Content-Type": "application/json"},
        timeout=5,
    )
    assert response.status_code == 200 and response.json()["value"]


def test_a_chunked_body_over_the_limit_is_the_carriers_413(start_server):
    server = start_server()
    piece = b"x" * (1024 * 1024)

    def pieces():
        for _ in range(11):
            yield piece

    response = requests.post(
        f"http://127.0.0.1:{server.port}/parcel2go/api/quotes",
        data=pieces(),
        headers={"Content-Type": "application/json"},
        timeout=30,
    )
    assert response.status_code == 413
    assert "Message" in response.json()  # Parcel2Go's own shape, not "bad JSON"


def test_bad_chunk_sizes_are_a_400(start_server):
    server = start_server()
    sock = connect(server)
    sock.sendall(b"POST /parcel2go/api/quotes HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n")
    head, body, _ = read_response(sock)
    assert head.startswith(b"HTTP/1.1 400") and b"Message" in body


def test_an_oversized_header_is_a_431_in_json(start_server):
    server = start_server()
    sock = connect(server)
    sock.sendall(b"GET /__admin/health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 70_000 + b"\r\n\r\n")
    data = read_until_closed(sock)
    assert data.startswith(b"HTTP/1.1 431") and b"application/json" in data and b"<html" not in data.lower()


def test_too_many_headers_is_a_431_in_json(start_server):
    server = start_server()
    sock = connect(server)
    sock.sendall(b"GET /__admin/health HTTP/1.1\r\n" + b"".join(b"X-%d: 1\r\n" % n for n in range(120)) + b"\r\n")
    data = read_until_closed(sock)
    assert data.startswith(b"HTTP/1.1 431") and b"<html" not in data.lower()


def test_an_oversized_request_line_is_a_414_in_json(start_server):
    server = start_server()
    sock = connect(server)
    sock.sendall(b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
    data = read_until_closed(sock)
    assert data.startswith(b"HTTP/1.1 414") and b"application/json" in data


def test_garbage_gets_a_400_in_json_and_the_server_goes_on(start_server):
    server = start_server()
    for garbage in (
        b"NOT A REQUEST LINE HTTP/1.1\r\n\r\n",
        b"\x00\x01\x02\r\n\r\n",
        b"GET /\r\n\r\n",
        b"GET / HTTP/9.9\r\n\r\n",
        b"GET / FTP/1.0\r\n\r\n",
    ):
        sock = connect(server)
        sock.sendall(garbage)
        data = read_until_closed(sock)
        assert data.split(b" ", 2)[1] in (b"400", b"505"), (garbage, data)
        body = data.partition(b"\r\n\r\n")[2]
        assert json.loads(body)["message"]
        sock.close()
    assert requests.get(f"http://127.0.0.1:{server.port}/__admin/health", timeout=5).status_code == 200


def test_trace_and_unknown_methods_get_the_carriers_405_and_are_journaled(start_server):
    server = start_server()
    url = f"http://127.0.0.1:{server.port}"
    for method in ("TRACE", "PROPFIND", "BREW"):
        response = requests.request(method, f"{url}/parcel2go/api/quotes", timeout=5)
        assert response.status_code == 405, method
        assert "POST" in response.headers["Allow"]
        assert "Message" in response.json()
    journal = requests.get(f"{url}/__admin/namespaces/default/journal", timeout=5).json()["entries"]
    assert sorted(entry["request"]["method"] for entry in journal) == ["BREW", "PROPFIND", "TRACE"]
