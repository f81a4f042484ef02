"""A shared server holds under slow, half-sent and too many connections: each is closed after its
deadline, the cap keeps the rest waiting in the backlog, and a hang ends when its client leaves."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import threading

import pytest
import requests
from launching import PYTHON
from serving_support import connect, read_response, read_until_closed
from support import wait_for

LOGIN = {"username": "mock-bex-user", "password": "mock-bex-password"}


def test_a_half_sent_head_is_closed_after_the_deadline(start_server):
    server = start_server(request_timeout=0.3)
    sock = connect(server)
    sock.sendall(b"POST /border-express/token HTTP/1.1\r\nHost: x\r\n")  # and nothing more
    assert read_until_closed(sock) == b""
    wait_for(lambda: len(server.connections) == 0)


def test_a_head_sent_a_byte_at_a_time_cannot_stretch_the_deadline(start_server):
    server = start_server(request_timeout=0.3)
    sock = connect(server)
    closed = False
    for byte in b"GET /__admin/health HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 400:
        try:
            sock.sendall(bytes([byte]))
        except OSError:
            closed = True
            break
        readable = sock.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) if _readable(sock, 0.05) else None
        if readable == b"":
            closed = True
            break
    assert closed  # 400 bytes at 50 ms each is 20 s; the server closed long before the end


def _readable(sock: socket.socket, seconds: float) -> bool:
    import select

    return bool(select.select([sock], [], [], seconds)[0])


def test_an_incomplete_body_gets_the_carriers_400_and_frees_the_thread(start_server, monkeypatch):
    from mock_carriers.serving import handler

    # after its 400 the server reads on for a while (see RequestHandler._linger); how long is not what
    # this checks, only that a client that stays silent then does not keep the thread
    monkeypatch.setattr(handler, "LINGER_SECONDS", 0.2)
    server = start_server(request_timeout=0.3)
    sock = connect(server)
    sock.sendall(
        b"POST /bex/api/service/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b'Content-Length: 100\r\n\r\n{"user'
    )
    head, body, _ = read_response(sock)
    assert head.startswith(b"HTTP/1.1 200") and "ex" in json.loads(body)  # BEX answers every error under 200
    assert read_until_closed(sock) == b""
    wait_for(lambda: len(server.connections) == 0)


def test_an_idle_keep_alive_connection_is_closed_after_the_deadline(start_server):
    server = start_server(request_timeout=0.3)
    sock = connect(server)
    sock.sendall(b"GET /__admin/health HTTP/1.1\r\nHost: x\r\n\r\n")
    read_response(sock)
    assert read_until_closed(sock) == b""


def test_past_the_cap_new_connections_wait_in_the_backlog_then_are_served(start_server):
    server = start_server(max_connections=3)
    idle = [connect(server) for _ in range(3)]
    wait_for(lambda: len(server.connections) == 3)
    waiting = connect(server, timeout=0.3)
    waiting.sendall(b"GET /__admin/health HTTP/1.1\r\nHost: x\r\n\r\n")
    with pytest.raises(TimeoutError):
        waiting.recv(1)  # not served while the server is full
    idle.pop().close()
    waiting.settimeout(5)
    head, body, _ = read_response(waiting)
    assert json.loads(body)["status"] == "ok"
    for sock in idle + [waiting]:
        sock.close()


def test_a_hang_ends_when_its_client_goes_away(start_server):
    server = start_server()
    url = f"http://127.0.0.1:{server.port}"
    assert requests.post(f"{url}/bex/api/service/login", json=LOGIN, timeout=5).status_code == 200  # warm
    requests.post(f"{url}/__admin/namespaces/default/faults", json={"effect": "hang", "max_ms": 60_000}, timeout=5)
    threads = threading.active_count()

    def give_up():
        with pytest.raises(requests.exceptions.ReadTimeout):
            requests.post(f"{url}/bex/api/service/login", json=LOGIN, timeout=0.2)

    callers = [threading.Thread(target=give_up) for _ in range(10)]
    for caller in callers:
        caller.start()
    for caller in callers:
        caller.join(5)
    wait_for(lambda: len(server.connections) == 0)  # not after the hang's full 60 s
    wait_for(lambda: threading.active_count() <= threads)


def test_stopping_the_server_ends_hanging_and_idle_connections(make_app):
    from mock_carriers.server import Server

    server = Server(make_app(), "127.0.0.1", 0).start()
    url = f"http://127.0.0.1:{server.port}"
    requests.post(f"{url}/__admin/namespaces/default/faults", json={"effect": "hang", "max_ms": 60_000}, timeout=5)
    idle = connect(server)
    hung = threading.Thread(
        target=lambda: pytest.raises(
            requests.exceptions.ConnectionError, requests.post, f"{url}/bex/api/service/login", json=LOGIN, timeout=30
        )
    )
    hung.start()
    wait_for(lambda: len(server.connections) == 2)
    server.stop()
    assert len(server.connections) == 0
    hung.join(5)
    assert not hung.is_alive() and read_until_closed(idle) == b""


SERVE_WITH_FEW_DESCRIPTORS = """
import resource, sys
resource.setrlimit(resource.RLIMIT_NOFILE, (96, 96))
from mock_carriers import create_app
from mock_carriers.server import Server
from mock_carriers.settings import Settings
server = Server(create_app(Settings(request_timeout=30)), "127.0.0.1", 0).start()
print(server.port, flush=True)
sys.stdin.read()
"""


def _cpu_seconds(pid: int) -> float:
    fields = open(f"/proc/{pid}/stat").read().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def test_more_half_sent_requests_than_descriptors_neither_stop_service_nor_spin():
    """Under a 96-descriptor limit, 150 connections that never finish their request: the server
    serves up to its cap, leaves the rest in the backlog without spinning, and serves again once
    they go."""
    process = subprocess.Popen(
        [*PYTHON, "-c", SERVE_WITH_FEW_DESCRIPTORS], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        port = int(process.stdout.readline())
        slow = []
        for _ in range(150):
            sock = socket.create_connection(("127.0.0.1", port), timeout=5)
            sock.sendall(b"POST /border-express/token HTTP/1.1\r\nHost: x\r\n")
            slow.append(sock)
        before = _cpu_seconds(process.pid)
        threading.Event().wait(0.5)  # fifty clock ticks: a spinning accept loop would use them all
        assert _cpu_seconds(process.pid) - before < 0.25  # waiting, not a core spinning on accept
        for sock in slow:
            sock.close()
        answer = requests.get(f"http://127.0.0.1:{port}/__admin/health", timeout=10)
        assert answer.status_code == 200
    finally:
        process.stdin.close()
        process.kill()
        process.wait()
