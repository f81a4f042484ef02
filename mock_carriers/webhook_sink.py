"""WebhookSink: a real HTTP receiver on 127.0.0.1 that records every request and answers the
statuses a test chooses. The `webhook_sink` pytest fixture gives one per test.

    sink.answer(500, 500)            # the next two deliveries fail, later ones get 200
    sb.clock.advance("5m")
    assert [r.json()["Attempt"] for r in sink.received] == [1, 2, 3]
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass(frozen=True)
class Received:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    status: int  # what the sink answered

    def json(self):
        return json.loads(self.body)


class WebhookSink:
    def __init__(self, host: str = "127.0.0.1") -> None:
        self.received: list[Received] = []
        self._answers: deque[int] = deque()
        self._default = 200
        self._lock = threading.Condition()
        self._server = ThreadingHTTPServer((host, 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="webhook-sink", daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/hook"

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
        self._server.shutdown()
        self._server.server_close()

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
            self.received.append(Received(handler.command, parts.path, query, dict(handler.headers.items()),
                                          body, status))
            self._lock.notify_all()
        return status, reply

    def _handler(self):
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

            def log_message(self, format, *args) -> None:
                pass

        return Handler
