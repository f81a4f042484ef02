"""A real HTTP server on threads: what `serve`, MockCarriers and the pytest plugin run.

Each connection gets its own thread (a slow request never blocks another), at most
`max_connections` at once, with deadlines for every request head and body; the app gets the
client's socket (`werkzeug.socket`), on which the connection-level faults act (connection_faults.py).
Why our own layer rather than a production WSGI server: it runs in-process on threads (the pytest
plugin and MockCarriers start it inside a test run), and it owns the socket below WSGI.
"""

from __future__ import annotations

import threading

from flask import Flask

from mock_carriers import __version__
from mock_carriers.connection_faults import ConnectionFaults
from mock_carriers.serving.handler import Endpoint, RequestHandler
from mock_carriers.serving.listener import Address, Client, Connections, Listener, bind, default_connection_limit
from mock_carriers.serving.secure import TlsTerminator

WRITE_TIMEOUT = 30.0  # seconds a client may leave one write of its answer unread


class Server:
    """Plain HTTP on `port` (which is also a proxy for the carriers' hosts), and HTTPS for those
    hosts on `https_port` when given (0: a free port)."""

    def __init__(self, app: Flask, host: str = "127.0.0.1", port: int = 0, https_port: int | None = None) -> None:
        self._app = app
        state = app.extensions["mock_carriers"]
        settings = state.settings
        https_port = settings.https_port if https_port is None else https_port
        self._stopping = threading.Event()
        self.connections = Connections(settings.max_connections or default_connection_limit())
        plain = bind(host, port)
        self._tls = TlsTerminator(settings.ca_dir, state.hosts, plain.getsockname()[1])
        self._endpoint = Endpoint(
            ConnectionFaults(app, self._stopping),
            plain.getsockname()[:2],
            settings.request_timeout,
            WRITE_TIMEOUT,
            app.config["MAX_CONTENT_LENGTH"],
            self._tls,
            frozenset(state.hosts),
            f"mock-carriers/{__version__}",
        )
        self._listeners = [Listener(plain, self._serve_plain, self.connections, "http")]
        if https_port is not None:
            self._tls.authority()  # a CA folder that cannot be used stops start-up, named
            self._listeners.append(Listener(bind(host, https_port), self._serve_https, self.connections, "https"))

    def _serve_plain(self, client: Client) -> None:
        RequestHandler(client, client.address, self._endpoint)

    def _serve_https(self, client: Client) -> None:
        tls = self._tls.accept(client.sock, self._endpoint.request_timeout)
        if tls is not None:
            client.sock = tls
            RequestHandler(client, client.address, self._endpoint)

    @property
    def port(self) -> int:
        return self._listeners[0].address[1]

    @property
    def https_port(self) -> int | None:
        return self._listeners[1].address[1] if len(self._listeners) > 1 else None

    @property
    def url(self) -> str:
        """The base URL a client on this machine uses (a wildcard bind is reached on loopback)."""
        return _local_url("http", self._listeners[0].address)

    def listening_on(self) -> str:
        """Where it listens, for the start-up line. A wildcard address is no URL a client can use, so
        the line then says which ones are; the loopback one last, where scripts read the URL."""
        host, port = self._listeners[0].address[:2]
        if host not in _WILDCARDS:
            return self.url
        bound = f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"
        other = f"http://[<this host's address>]:{port}" if ":" in host else f"http://<this host's address>:{port}"
        return f"{bound} (every interface): from another machine {other}, from this one {self.url}"

    @property
    def https_url(self) -> str | None:
        return _local_url("https", self._listeners[1].address) if len(self._listeners) > 1 else None

    @property
    def ca_cert_path(self) -> str:
        """The CA certificate clients trust for HTTPS (made on first use)."""
        return str(self._tls.authority().cert_path)

    def start(self) -> "Server":
        for listener in self._listeners:
            listener.start()
        return self

    def serve_forever(self) -> None:
        for listener in self._listeners[1:]:
            listener.start()
        try:
            self._listeners[0].run()
        finally:
            self.stop()

    def stop(self) -> None:
        if self._stopping.is_set():
            return
        self._stopping.set()  # hanging and dribbling answers end now
        for listener in self._listeners:
            listener.wake()
        self.connections.close_all()
        for listener in self._listeners:
            listener.close()
        self.connections.wait_closed(timeout=5)
        self._app.extensions["mock_carriers"].namespaces.close()  # timers and their threads too


_WILDCARDS = {"0.0.0.0": "127.0.0.1", "::": "::1"}  # a wildcard bind, and where this machine reaches it


def _local_url(scheme: str, address: Address) -> str:
    host = _WILDCARDS.get(address[0], address[0])
    return f"{scheme}://[{host}]:{address[1]}" if ":" in host else f"{scheme}://{host}:{address[1]}"
