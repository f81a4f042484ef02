"""A real HTTP server on threads: what `serve`, MockCarriers and the pytest plugin run.

Each connection gets its own thread (a slow request never blocks another), at most
`max_connections` at once, with deadlines for every request head and body; the app gets the
client's socket (`werkzeug.socket`), on which the connection-level faults act (connection_faults.py).
Why our own layer rather than a production WSGI server: it runs in-process on threads (the pytest
plugin and MockCarriers start it inside a test run), and it owns the socket below WSGI.
"""

from __future__ import annotations

import socket
import threading

from flask import Flask

from mock_carriers import __version__
from mock_carriers.connection_faults import ConnectionFaults
from mock_carriers.serving.handler import Endpoint, RequestHandler
from mock_carriers.serving.listener import Connections, Listener, bind, default_connection_limit

WRITE_TIMEOUT = 30.0  # seconds a client may leave one write of its answer unread


class Server:
    def __init__(self, app: Flask, host: str = "127.0.0.1", port: int = 0) -> None:
        self._app = app
        settings = app.extensions["mock_carriers"].settings
        self._stopping = threading.Event()
        self.connections = Connections(settings.max_connections or default_connection_limit())
        sock = bind(host, port)
        self._endpoint = Endpoint(ConnectionFaults(app, self._stopping), sock.getsockname()[:2],
                                  settings.request_timeout, WRITE_TIMEOUT, app.config["MAX_CONTENT_LENGTH"],
                                  f"mock-carriers/{__version__}")
        self._listener = Listener(sock, self._serve_connection, self.connections, "http")

    def _serve_connection(self, conn: socket.socket, address: tuple) -> None:
        RequestHandler(conn, address, self._endpoint)

    @property
    def port(self) -> int:
        return self._listener.address[1]

    @property
    def url(self) -> str:
        """The base URL a client on this machine uses (a wildcard bind is reached on loopback)."""
        host = self._listener.address[0]
        host = {"0.0.0.0": "127.0.0.1", "::": "::1"}.get(host, host)
        return f"http://[{host}]:{self.port}" if ":" in host else f"http://{host}:{self.port}"

    def start(self) -> "Server":
        self._listener.start()
        return self

    def serve_forever(self) -> None:
        try:
            self._listener.run()
        finally:
            self.stop()

    def stop(self) -> None:
        if self._stopping.is_set():
            return
        self._stopping.set()  # hanging and dribbling answers end now
        self._listener.wake()
        self.connections.close_all()
        self._listener.close()
        self.connections.wait_closed(timeout=5)
        self._app.extensions["mock_carriers"].namespaces.close()  # timers and their threads too
