"""A real HTTP server on a thread: what `serve`, MockCarriers and the pytest plugin run.

Werkzeug's threaded WSGI server gives each connection its own thread (a slow request never
blocks another) and hands the app the client's socket (`werkzeug.socket`), on which the
connection-level fault effects act (connection_faults.py).
"""

from __future__ import annotations

import logging
import threading

from flask import Flask
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from mock_carriers.connection_faults import ENVIRON_KEY, ConnectionFaults
from mock_carriers.pipeline import DATED

log = logging.getLogger("mock_carriers.server")


class _QuietHandler(WSGIRequestHandler):
    """No access log line per request (the journal has them); errors still go to logging."""

    def run_wsgi(self) -> None:
        super().run_wsgi()
        if ENVIRON_KEY in self.environ:  # a connection fault: this connection carries nothing more
            self.close_connection = True

    def send_response(self, code: int, message: str | None = None) -> None:
        """The status line and Server; Date too, unless the app dated the response itself (carrier
        responses carry their namespace's time)."""
        self.log_request(code)
        self.send_response_only(code, message)
        self.send_header("Server", self.version_string())
        if not getattr(self, "environ", {}).get(DATED):  # no environ: a request line too bad to parse
            self.send_header("Date", self.date_time_string())

    def log_request(self, code="-", size="-") -> None:
        pass

    def log(self, type: str, message: str, *args) -> None:
        if type == "error":
            log.debug(message, *args)


class Server:
    def __init__(self, app: Flask, host: str = "127.0.0.1", port: int = 0) -> None:
        self._app = app
        self._stopping = threading.Event()
        self._server: BaseWSGIServer = make_server(host, port, ConnectionFaults(app, self._stopping), threaded=True,
                                                   request_handler=_QuietHandler)
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return self._server.server_port

    @property
    def url(self) -> str:
        """The base URL a client on this machine uses (a wildcard bind is reached on loopback)."""
        host = self._server.server_address[0]
        host = {"0.0.0.0": "127.0.0.1", "::": "::1"}.get(host, host)
        return f"http://[{host}]:{self.port}" if ":" in host else f"http://{host}:{self.port}"

    def start(self) -> "Server":
        self._thread = threading.Thread(target=self._server.serve_forever, name="mock-carriers-server",
                                        daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._server.serve_forever()

    def stop(self) -> None:
        self._stopping.set()  # hanging and dribbling answers end now
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._app.extensions["mock_carriers"].namespaces.close()  # timers and their threads too
