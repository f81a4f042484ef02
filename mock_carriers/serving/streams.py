"""Socket streams that a slow or silent peer cannot hold forever.

Every read from a client runs against the connection's current deadline (the head must arrive
within it, then the body within the next), so a half-sent request costs one thread for at most
`request_timeout` seconds instead of forever.
"""

from __future__ import annotations

import io
import socket
import time

_QUICKACK = getattr(socket, "TCP_QUICKACK", None)  # Linux


class DeadlineReader(io.RawIOBase):
    """A socket's bytes, each read allowed only until `deadline` (a time.monotonic() instant).

    Each read also asks for quick ACKs: a client that sends a request's head and body in two
    writes without TCP_NODELAY (urllib3 inside a proxy tunnel does) would otherwise wait for our
    delayed ACK, 40 ms, before its body leaves."""

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock
        self.deadline: float | None = None

    def readable(self) -> bool:
        return True

    def arm(self, seconds: float) -> None:
        self.deadline = time.monotonic() + seconds

    def readinto(self, buffer) -> int:
        if self.deadline is not None:
            remaining = self.deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("the request did not arrive in time")
            self._sock.settimeout(remaining)
        if _QUICKACK is not None:
            self._sock.setsockopt(socket.IPPROTO_TCP, _QUICKACK, 1)
        return self._sock.recv_into(buffer)


class SocketWriter(io.BufferedIOBase):
    """Writes go straight to the socket (no buffering to forget to flush), within `timeout` each,
    so a client that never reads its answer cannot hold the thread either."""

    def __init__(self, sock: socket.socket, timeout: float) -> None:
        self._sock = sock
        self._timeout = timeout

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self._sock.settimeout(self._timeout)
        self._sock.sendall(data)
        return len(data)
