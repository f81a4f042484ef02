"""One client connection: HTTP/1.1 requests answered in order (keep-alive and pipelining), each
head and body read within a deadline, the body framed and bounded, protocol errors answered in
JSON (never an HTML page), and the WSGI app run for each request."""

from __future__ import annotations

import io
import json
import logging
import select
import socket
import ssl
from dataclasses import dataclass
from typing import Any, Callable

from werkzeug.serving import WSGIRequestHandler

from mock_carriers.connection_faults import ENVIRON_KEY
from mock_carriers.pipeline import DATED, PROXY_NAMESPACE
from mock_carriers.serving.body import RequestBody
from mock_carriers.serving.framing import FramingError, body_framing
from mock_carriers.serving.listener import Address, Client
from mock_carriers.serving.proxy import Refused, absolute_target, connect_target, proxy_namespace
from mock_carriers.serving.secure import TlsTerminator
from mock_carriers.serving.streams import DeadlineReader, SocketWriter

log = logging.getLogger("mock_carriers.server")

DRAIN_LIMIT = 64 * 1024  # unread body bytes read and thrown away so the connection can go on
LINGER_SECONDS = 1.0  # after answering a body it will not read, read on a little so the client sees the answer
LINGER_BYTES = 16 * 1024 * 1024
_NO_BODY_STATUSES = frozenset({204, 304})


@dataclass
class Endpoint:
    """What every connection's handler needs of its server (and the names Werkzeug's environ
    builder reads)."""

    app: Callable
    server_address: Address
    request_timeout: float
    write_timeout: float
    max_body_bytes: int
    tls: TlsTerminator
    carrier_hosts: frozenset[str]
    _server_version: str = "mock-carriers"
    ssl_context: Any = None
    multithread: bool = True
    multiprocess: bool = False
    passthrough_errors: bool = False

    def log(self, type: str, message: str, *args: Any) -> None:
        log.debug(message, *args)


class RequestHandler(WSGIRequestHandler):
    """Serves one Client (given as the handler's `request`) until it closes or times out."""

    protocol_version = "HTTP/1.1"
    default_request_version = "HTTP/1.0"  # errors before the version is read still get a status line
    server: Endpoint  # type: ignore[assignment]
    request: Client

    def __init__(self, client: Client, address: Address, endpoint: Endpoint) -> None:
        # Werkzeug's handler takes a socket and a server: a Client and an Endpoint stand in for them
        super().__init__(client, address, endpoint)  # type: ignore[arg-type]

    def setup(self) -> None:
        self.connection = self.request.sock
        self._head = b""
        self.reader = DeadlineReader(self.connection)
        self.rfile = io.BufferedReader(self.reader, 65536)
        self.wfile = SocketWriter(self.connection, self.server.write_timeout)
        self.reader.arm(self.server.request_timeout)  # the first request's head

    def finish(self) -> None:
        pass  # the listener closes the socket

    def handle_one_request(self) -> None:
        self.environ = {}
        super().handle_one_request()
        self.reader.arm(self.server.request_timeout)  # the next request's head, idle time included

    def parse_request(self) -> bool:
        if not super().parse_request():
            return False
        if len(self.requestline.split()) < 3:
            self.send_error(400, explain="HTTP/0.9 requests are not supported")
            return False
        return True

    def do_CONNECT(self) -> None:
        """Open a TLS tunnel to a carrier host (see proxy.py) and serve the requests inside it."""
        client = self.request
        try:
            if client.tunnel_host is not None:
                raise Refused(400, "bad_connect", "CONNECT inside a CONNECT tunnel")
            namespace = proxy_namespace(self.headers.get("Proxy-Authorization"))
            host = connect_target(self.path, self.server.carrier_hosts)
        except Refused as refused:
            self.send_error(refused.status, explain=refused.message, error=refused.code)
            return
        self.close_connection = True  # after the tunnel, this connection carries nothing more
        self.send_response_only(200, "Connection established")
        self.end_headers()
        self.send_bytes(b"")
        tls = self.server.tls.tunnel(self.connection, host, self.server.request_timeout)
        if tls is not None:
            client.sock, client.tunnel_host, client.namespace = tls, host, namespace
            RequestHandler(client, self.client_address, self.server)

    def run_wsgi(self) -> None:
        client = self.request
        try:
            length, chunked = body_framing(self.headers)
            namespace = client.namespace
            if "://" in self.path[:8]:  # absolute form: a client using us as its HTTP proxy
                if absolute_target(self.path, self.server.carrier_hosts, self.server.server_address[1]):
                    namespace = proxy_namespace(self.headers.get("Proxy-Authorization"))
        except FramingError as problem:
            self.send_error(400, explain=str(problem))
            return
        except Refused as refused:
            self.send_error(refused.status, explain=refused.message, error=refused.code)
            return
        self.reader.arm(self.server.request_timeout)  # the body gets a deadline of its own
        self.environ = environ = self.make_environ()
        if isinstance(self.connection, ssl.SSLSocket) or self.path.startswith("https://"):
            environ["wsgi.url_scheme"] = "https"
        if client.tunnel_host is not None and not environ.get("HTTP_HOST"):
            environ["HTTP_HOST"] = client.tunnel_host
        if namespace is not None:
            environ[PROXY_NAMESPACE] = namespace
        body = RequestBody(self.rfile, length, chunked, self.server.max_body_bytes)
        environ["wsgi.input"], environ["wsgi.input_terminated"] = body, True
        if length is not None:
            environ["CONTENT_LENGTH"] = str(length)
        answer = _Answer(self, body)
        try:
            iterable = self.server.app(environ, answer.start_response)
            try:
                for data in iterable:
                    answer.write(data)
                answer.end()
            finally:
                if hasattr(iterable, "close"):
                    iterable.close()
        except (ConnectionError, TimeoutError, ssl.SSLError):
            self.close_connection = True  # the client went away, or a connection fault broke it on purpose
            return
        except Exception:
            log.exception("unhandled error on %s %s", self.command, self.path[:200])
            if answer.sent:
                self.close_connection = True
            else:
                self.send_error(500, explain="internal error; see the server log")
            return
        if not body.done:
            self._linger()

    def send_error(
        self, code: int, message: str | None = None, explain: str | None = None, *, error: str | None = None
    ) -> None:
        """A protocol error (bad request line, headers too large, bad framing, a refused proxy
        request) as JSON, then close."""
        self.close_connection = True
        phrase = self.responses.get(code, ("Error", ""))[0]
        document = {
            "error": error or phrase.lower().replace(" ", "_").replace("-", "_"),
            "message": explain or message or phrase,
        }
        data = json.dumps(document).encode()
        try:
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.send_bytes(data if self.command != "HEAD" and code not in _NO_BODY_STATUSES else b"")
        except OSError:
            pass

    def flush_headers(self) -> None:
        """Keep the head to go out with the body's first bytes: one packet, not a head left
        waiting on the peer's delayed ACK."""
        self._head += b"".join(getattr(self, "_headers_buffer", []))
        self._headers_buffer: list[bytes] = []

    def send_bytes(self, data: bytes) -> None:
        head, self._head = self._head, b""
        if head or data:
            self.wfile.write(head + data)

    def handle_expect_100(self) -> bool:
        super().handle_expect_100()
        self.send_bytes(b"")  # the client waits for it before sending its body
        return True

    def send_response(self, code: int, message: str | None = None) -> None:
        """The status line and Server; Date too, unless the app dated the response itself (carrier
        responses carry their namespace's time)."""
        self.send_response_only(code, message)
        self.send_header("Server", self.version_string())
        if not self.environ.get(DATED):
            self.send_header("Date", self.date_time_string())

    def version_string(self) -> str:
        return self.server._server_version

    def log_request(self, code="-", size="-") -> None:
        pass  # the journal has every request

    def log_message(self, format: str, *args: Any) -> None:
        log.debug(format, *args)

    def log_error(self, format: str, *args: Any) -> None:
        log.debug(format, *args)

    def log(self, type: str, message: str, *args: Any) -> None:
        log.debug(message, *args)

    def _linger(self) -> None:
        """The client may still be sending a body we will not read (a 413, say): read and drop it
        for a moment before closing, so it reads our answer instead of a connection reset."""
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_WR)
            self.reader.arm(LINGER_SECONDS)
            dropped = 0
            while dropped < LINGER_BYTES and select.select([self.connection], [], [], LINGER_SECONDS)[0]:
                chunk = self.rfile.read1(65536)
                if not chunk:
                    break
                dropped += len(chunk)
        except (OSError, ValueError):
            pass


class _Answer:
    """The response of one request, framed so the connection can carry the next one: by its
    Content-Length, else chunked (HTTP/1.1), else by closing."""

    def __init__(self, handler: RequestHandler, body: RequestBody) -> None:
        self._handler = handler
        self._body = body
        self._status: str | None = None
        self._headers: list[tuple[str, str]] = []
        self._chunked = False
        self.sent = False

    def start_response(self, status: str, headers: list[tuple[str, str]], exc_info=None):
        if exc_info and self.sent:
            raise exc_info[1].with_traceback(exc_info[2])
        self._status, self._headers = status, headers
        return self.write

    def write(self, data: bytes) -> None:
        handler = self._handler
        if not self.sent:
            self._send_head()
        if not data or handler.command == "HEAD":
            handler.send_bytes(b"")
        elif self._chunked:
            handler.send_bytes(b"%x\r\n%s\r\n" % (len(data), data))
        else:
            handler.send_bytes(data)

    def end(self) -> None:
        if not self.sent:
            self._send_head()
        self._handler.send_bytes(b"0\r\n\r\n" if self._chunked else b"")

    def _send_head(self) -> None:
        handler = self._handler
        assert self._status is not None, "the app wrote before start_response"
        self.sent = True
        code = int(self._status.split(None, 1)[0])
        names = {name.lower() for name, _ in self._headers}
        no_body = handler.command == "HEAD" or 100 <= code < 200 or code in _NO_BODY_STATUSES
        if "content-length" not in names and not no_body:
            if handler.request_version >= "HTTP/1.1":
                self._chunked = True
            else:
                handler.close_connection = True
        if ENVIRON_KEY in handler.environ:  # a connection fault: this connection carries nothing more
            handler.close_connection = True
        if not self._body.done and not self._body.drain(DRAIN_LIMIT):
            handler.close_connection = True
        handler.send_response(code, self._status.split(None, 1)[1] if " " in self._status else None)
        for name, value in self._headers:
            if name.lower() not in ("connection", "keep-alive", "transfer-encoding"):
                handler.send_header(name, value)
        if self._chunked:
            handler.send_header("Transfer-Encoding", "chunked")
        if handler.close_connection:
            handler.send_header("Connection", "close")
        elif handler.request_version == "HTTP/1.0":
            handler.send_header("Connection", "keep-alive")
        handler.end_headers()
