"""The connection-level fault effects, applied around the WSGI app by our server, which owns the
client's socket (`werkzeug.socket`). The carrier has handled the request by then; what the client
gets is a broken connection:

- `reset`: a TCP RST (SO_LINGER 0), no response: the client sees ECONNRESET.
- `drop`: the connection closed with no response: the client sees the peer hang up.
- `hang`: no answer at all, for at most `max_ms` or until the client gives up, then dropped (the
  client's read timeout fires).
- `truncate`: a Content-Length `missing_bytes` longer than the body sent, then closed.
- `dribble`: the body in `chunk_bytes` pieces, `interval_ms` apart.

In-process (Flask's test client has no socket) the mark is ignored and the answer goes through.
"""

from __future__ import annotations

import select
import socket
import struct
import threading
import time
from typing import Callable, Iterable

ENVIRON_KEY = "mock_carriers.connection_fault"
STOPPING_KEY = "mock_carriers.server_stopping"  # the server's stop event, for waits that a stop should cut short


class ConnectionBroken(ConnectionError):
    """Ends the server's handling of a request on purpose; Werkzeug treats it as a dropped client."""


class ConnectionFaults:
    def __init__(self, app: Callable, stopping: threading.Event) -> None:
        self._app = app
        self._stopping = (
            stopping  # set when the server stops: a dribble or latency ends at once (a hang wakes on its socket)
        )

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        held: list = []
        environ[STOPPING_KEY] = self._stopping
        body = self._app(environ, lambda status, headers, exc_info=None: held.append((status, headers)))
        fault = environ.get(ENVIRON_KEY)
        sock = environ.get("werkzeug.socket")
        if fault is None or sock is None:
            start_response(*held[0])
            return body
        effect, params = fault
        data = b"".join(body)
        if hasattr(body, "close"):
            body.close()
        if effect == "hang":
            _wait_while_connected(sock, params["max_ms"] / 1000)
            effect = "drop"
        if effect in ("reset", "drop"):
            if effect == "reset":
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            sock.close()  # closed for real when the server lets go of it, before any FIN (reset)
            raise ConnectionBroken(effect)
        status, headers = held[0]
        if effect == "truncate":
            headers = [(k, v) for k, v in headers if k.lower() != "content-length"]
            headers.append(("Content-Length", str(len(data) + params["missing_bytes"])))
            start_response(status, headers)
            return [data]
        start_response(status, headers)
        return self._dribble(data, params["chunk_bytes"], params["interval_ms"] / 1000)

    def _dribble(self, data: bytes, size: int, interval: float) -> Iterable[bytes]:
        for start in range(0, len(data), size):
            if start and self._stopping.wait(interval):
                return
            yield data[start : start + size]


def _wait_while_connected(sock: socket.socket, seconds: float) -> None:
    """Wait up to `seconds`, less if the client hangs up (or the stopping server shuts the socket
    down): a hang holds its thread no longer than someone is waiting for it. Whatever the client
    sends meanwhile is dropped, since the connection ends after the hang."""
    deadline = time.monotonic() + seconds
    while (remaining := deadline - time.monotonic()) > 0:
        if not select.select([sock], [], [], remaining)[0]:
            return
        try:
            sock.settimeout(0.1)
            if not sock.recv(65536):
                return
        except (TimeoutError, BlockingIOError, InterruptedError):
            continue  # readable, but no whole TLS record yet
        except OSError:
            return
