"""WebhookSink: a real HTTP receiver (on 127.0.0.1 unless told) that records every request and
answers the statuses a test chooses. The `webhook_sink` pytest fixture gives one per test.

    sink.answer(500, 500)            # the next two deliveries fail, later ones get 200
    sb.clock.advance("5m")
    assert [r.json()["Attempt"] for r in sink.received] == [1, 2, 3]

A mock in a container reaches a sink bound to all interfaces (`WebhookSink(host="0.0.0.0")`) at
the address it knows this machine by: subscribe `sink.url_for("host.docker.internal")`.
"""

from __future__ import annotations

import ipaddress
import json
import selectors
import socket
import socketserver
import threading
import time
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass(frozen=True)
class Received:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    status: int  # what the sink answered

    def json(self) -> Any:
        return json.loads(self.body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    server_address: tuple[str, int] | tuple[str, int, int, int]  # an IPv4 or IPv6 socket's: the host as text

    def server_bind(self) -> None:
        """As HTTPServer's, without its getfqdn(): a reverse DNS lookup for a name nothing uses."""
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]


class _Server6(_Server):
    address_family = socket.AF_INET6


class WebhookSink:
    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.received: list[Received] = []
        self._answers: deque[int] = deque()
        self._default = 200
        self._lock = threading.Condition()
        self._server = (_Server6 if ":" in host else _Server)((host, port), self._handler())
        self._server.timeout = 0  # handle_request() after select() said a connection waits: never block
        self._wake_read, self._wake = socket.socketpair()
        self._thread = threading.Thread(target=self._serve, name="webhook-sink", daemon=True)
        self._thread.start()

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        """The URL for a sender on this machine (a sink on all interfaces is reached on loopback)."""
        host = self._server.server_address[0]
        if ipaddress.ip_address(host).is_unspecified:
            host = "::1" if ":" in host else "127.0.0.1"
        return self.url_for(host)

    def url_for(self, host: str) -> str:
        """The URL for a sender that knows this machine as `host` (a mock in a container:
        "host.docker.internal", or this machine's address on the network the container is on)."""
        return f"http://{f'[{host}]' if ':' in host else host}:{self.port}/hook"

    def answer(self, *statuses: int, default: int | None = None) -> None:
        """Answer the next requests with these statuses in turn; then `default` (200 unless set)."""
        with self._lock:
            self._answers.extend(statuses)
            if default is not None:
                self._default = default

    def wait_for(self, count: int, timeout: float = 5.0) -> list[Received]:
        """Block until `count` requests have arrived (or fail with what did arrive)."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while len(self.received) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"expected {count} webhook requests, got {len(self.received)}")
                self._lock.wait(remaining)
            return list(self.received)

    def posts(self) -> list[Received]:
        with self._lock:
            return [r for r in self.received if r.method == "POST"]

    def stop(self) -> None:
        """Stop at once: socketserver's own shutdown() waits out its 0.5 s poll."""
        if self._thread.is_alive():
            self._wake.send(b"x")
            self._thread.join()
        self._server.server_close()
        self._wake.close()
        self._wake_read.close()

    def _serve(self) -> None:
        with selectors.DefaultSelector() as selector:
            selector.register(self._server, selectors.EVENT_READ)
            selector.register(self._wake_read, selectors.EVENT_READ)
            while True:
                ready = [key.fileobj for key, _ in selector.select()]
                if self._wake_read in ready:
                    return
                self._server.handle_request()

    def _record(self, handler: BaseHTTPRequestHandler) -> tuple[int, bytes]:
        parts = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        query = parse_qs(parts.query)
        with self._lock:
            if handler.command == "GET" and "echo" in query:  # webhook registration check
                status, reply = 200, query["echo"][0].encode()
            else:
                status, reply = (self._answers.popleft() if self._answers else self._default), b""
            self.received.append(
                Received(handler.command, parts.path, query, dict(handler.headers.items()), body, status)
            )
            self._lock.notify_all()
        return status, reply

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                status, reply = sink._record(self)
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            do_GET = do_POST = do_PUT = _answer

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler
