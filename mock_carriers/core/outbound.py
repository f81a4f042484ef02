"""Outbound HTTP (webhook attempts, URL checks) with one deadline per request.

A per-read timeout lets a receiver that sends a byte now and then hold a request for minutes, so a
request here has one deadline for connecting and the whole answer, kept by a watchdog that shuts the
socket down when it passes: whatever read is blocked returns at once. Each request has a connection
of its own, closed after it (`Connection: close`; keep-alive buys a webhook nothing), so no socket
idles between deliveries. `Outbound.close()` (its namespace dropped) cuts the requests in flight.
"""

from __future__ import annotations

import base64
import heapq
import itertools
import socket
import threading
import time
from dataclasses import dataclass
from http.client import HTTPConnection, HTTPSConnection
from typing import Callable, Mapping
from urllib.parse import SplitResult, quote, unquote, urlsplit

from mock_carriers import __version__

MAX_BODY = 64 * 1024  # bytes of an answer kept: a webhook's status is what counts, an echo is short
USER_AGENT = f"mock-carriers/{__version__}"


class OutboundError(Exception):
    """The request ended without an answer, for a reason of the mock's own (see the subclasses)."""


class DeadlineExceeded(OutboundError):
    pass


class Closed(OutboundError):
    pass


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes


class _Call:
    """One request's connection, which the watchdog or `Outbound.close` may cut at any moment."""

    def __init__(self, connection: HTTPConnection) -> None:
        self._lock = threading.Lock()
        self._connection: HTTPConnection | None = connection
        self.cut_by: str | None = None

    def cut(self, reason: str) -> None:
        with self._lock:
            if self._connection is None or self.cut_by is not None:
                return
            self.cut_by = reason
            self._shutdown()

    def connected(self) -> None:
        """Cut now if a cut came while connecting (there was no socket to shut down yet)."""
        with self._lock:
            if self.cut_by is not None:
                self._shutdown()

    def _shutdown(self) -> None:
        sock = self._connection.sock if self._connection is not None else None
        if sock is not None:
            try:  # socket.socket's own shutdown: for TLS too, without unwrapping it from another thread
                socket.socket.shutdown(sock, socket.SHUT_RDWR)
            except OSError:
                pass

    def finish(self) -> str | None:
        """Close the connection (no cut can touch it after this); answers why it was cut, if it was."""
        with self._lock:
            connection, self._connection = self._connection, None
        if connection is not None:  # None only if it was already finished
            connection.close()
        return self.cut_by


class _Watchdog:
    """One thread for every deadline in the process, started when needed and ended when idle."""

    def __init__(self, idle: float = 5.0) -> None:
        self._wake = threading.Condition()
        self._heap: list[tuple[float, int, Callable[[], None]]] = []
        self._sequence = itertools.count()
        self._idle = idle
        self._thread: threading.Thread | None = None

    def at(self, when: float, action: Callable[[], None]) -> None:
        """Run `action` at `when` (time.monotonic); an action that finds nothing to do is harmless."""
        with self._wake:
            heapq.heappush(self._heap, (when, next(self._sequence), action))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="mock-carriers-deadlines", daemon=True)
                self._thread.start()
            elif self._heap[0][2] is action:
                self._wake.notify()

    def _run(self) -> None:
        with self._wake:
            while True:
                now = time.monotonic()
                due = []
                while self._heap and self._heap[0][0] <= now:
                    due.append(heapq.heappop(self._heap)[2])
                if due:
                    self._wake.release()
                    try:
                        for action in due:
                            action()
                    finally:
                        self._wake.acquire()
                elif self._heap:
                    self._wake.wait(self._heap[0][0] - now)
                elif not self._wake.wait(self._idle) and not self._heap:
                    self._thread = None
                    return


_WATCHDOG = _Watchdog()


class Outbound:
    """The outbound requests of one namespace."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._in_flight: set[_Call] = set()
        self._closed = False

    def request(
        self,
        method: str,
        url: str,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        deadline: float = 10.0,
    ) -> Answer:
        """Send and read the answer (its first MAX_BODY bytes) within `deadline` seconds, redirects
        not followed; raises DeadlineExceeded, Closed, or what the network raised (OSError,
        http.client's errors, ValueError for a URL it cannot use)."""
        parts = urlsplit(url)
        connection = (HTTPSConnection if parts.scheme == "https" else HTTPConnection)(
            parts.hostname or "", parts.port, timeout=deadline
        )
        call = _Call(connection)
        with self._lock:
            if self._closed:
                raise Closed("the namespace was dropped")
            self._in_flight.add(call)
        _WATCHDOG.at(time.monotonic() + deadline, lambda: call.cut("deadline"))
        try:
            connection.connect()
            call.connected()
            connection.request(method, _target(parts), body=body, headers=_headers(parts, headers))
            response = connection.getresponse()
            answer = Answer(response.status, response.read(MAX_BODY))
        except Exception as exc:
            failure: Exception | None = exc
        else:
            failure = None
        finally:
            with self._lock:
                self._in_flight.discard(call)
            cut_by = call.finish()
        if cut_by == "closed":
            raise Closed("the namespace was dropped")
        if cut_by == "deadline" or isinstance(failure, TimeoutError):  # a cut mid-answer may look complete
            raise DeadlineExceeded(f"no complete answer within {deadline:g} s")
        if failure is not None:
            raise failure
        return answer

    def close(self) -> None:
        """Cut every request in flight and refuse new ones: what dropping a namespace does."""
        with self._lock:
            self._closed = True
            calls = list(self._in_flight)
        for call in calls:
            call.cut("closed")


def _target(parts: SplitResult) -> str:
    """The request target, with characters a URL may not hold quoted (as browsers and requests do)."""
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return quote(target, safe="!#$%&'()*+,/:;=?@[]~")


def _headers(parts: SplitResult, headers: Mapping[str, str] | None) -> dict[str, str]:
    sent = {"User-Agent": USER_AGENT, "Accept": "*/*", "Connection": "close"}
    if parts.username is not None:  # http://user:pass@host/: basic auth, as every HTTP client does
        credentials = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
        sent["Authorization"] = "Basic " + base64.b64encode(credentials.encode("utf-8")).decode("ascii")
    return {**sent, **(headers or {})}
