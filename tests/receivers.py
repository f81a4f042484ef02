"""Misbehaving webhook receivers on 127.0.0.1, raw sockets, for the tests of outbound isolation:
one that accepts and never answers, one that answers a byte at a time."""

from __future__ import annotations

import socket
import threading
import time


class Receiver:
    """A listening socket whose every connection is handled by `_serve` on its own thread; counts
    the connections made and those the client ended (hung up, or cut by a deadline)."""

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0), backlog=128)
        self._changed = threading.Condition()
        self.accepted = 0
        self.ended = 0
        self._connections: list[socket.socket] = []
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._listener.getsockname()[1]}/hook"

    def wait_for(self, accepted: int = 0, ended: int = 0, timeout: float = 30.0) -> None:
        with self._changed:
            if not self._changed.wait_for(lambda: self.accepted >= accepted and self.ended >= ended, timeout):
                raise AssertionError(f"wanted {accepted} accepted / {ended} ended, got {self.accepted} / {self.ended}")

    def close(self) -> None:
        with self._changed:
            self._closed = True
            connections, self._connections = self._connections, []
        self._listener.close()
        for connection in connections:
            try:  # ends it at once: close() alone frees nothing while a handler thread still reads it
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:  # the client hung up already
                pass
            connection.close()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self._listener.accept()
            except OSError:
                return
            with self._changed:
                if self._closed:
                    connection.close()
                    return
                self._connections.append(connection)
                self.accepted += 1
                self._changed.notify_all()
            threading.Thread(target=self._handle, args=(connection,), daemon=True).start()

    def _handle(self, connection: socket.socket) -> None:
        try:
            self._serve(connection)
        except OSError:
            pass
        with self._changed:
            self.ended += 1
            self._changed.notify_all()

    def _serve(self, connection: socket.socket) -> None:
        raise NotImplementedError


def _read_request(connection: socket.socket) -> bool:
    """Reads up to the end of the request's headers; False if the client hung up first."""
    seen = b""
    while b"\r\n\r\n" not in seen:
        chunk = connection.recv(65536)
        if not chunk:
            return False
        seen += chunk
    return True


class Hanging(Receiver):
    """Reads the request, then never answers: waits until the client gives up."""

    def _serve(self, connection: socket.socket) -> None:
        if _read_request(connection):
            while connection.recv(65536):
                pass


class Dribbling(Receiver):
    """Answers 200 one byte every `interval` seconds (status line, headers, then a long body), so a
    per-read timeout never fires."""

    def __init__(self, interval: float = 0.5, body: int = 1000) -> None:
        self.interval, self.body = interval, body
        super().__init__()

    def _serve(self, connection: socket.socket) -> None:
        if not _read_request(connection):
            return
        answer = b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % self.body + b"x" * self.body
        for index in range(len(answer)):
            connection.sendall(answer[index : index + 1])
            time.sleep(self.interval)


class KeepAlive:
    """A well-behaved receiver that keeps each connection open for the client's next request
    (HTTP/1.1 keep-alive, as most web servers do): 204 to every POST."""

    def __init__(self) -> None:
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        receiver = self
        self.posts = 0
        self.open = 0  # connections the receiver has accepted and not yet closed
        self._changed = threading.Condition()

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                self.send_response(204)
                self.end_headers()
                with receiver._changed:
                    receiver.posts += 1
                    receiver._changed.notify_all()

            def log_message(self, format, *args) -> None:
                pass

        class Server(ThreadingHTTPServer):
            daemon_threads = True
            # socketserver's default backlog of 5 overflows when hundreds of namespaces deliver at once,
            # and a connection reset there is retried only a minute later (the test's wait runs out)
            request_queue_size = 1024

            def process_request(self, request, client_address) -> None:
                receiver._count_open(+1)
                super().process_request(request, client_address)

            def shutdown_request(self, request) -> None:
                super().shutdown_request(request)
                receiver._count_open(-1)

        self._server = Server(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/hook"

    def wait_for(self, posts: int, timeout: float = 60.0) -> None:
        with self._changed:
            if not self._changed.wait_for(lambda: self.posts >= posts, timeout):
                raise AssertionError(f"wanted {posts} POSTs, got {self.posts}")

    def wait_until_closed(self, timeout: float = 30.0) -> None:
        """Until every connection made to it has been closed (by the client; then by the receiver)."""
        with self._changed:
            if not self._changed.wait_for(lambda: self.open == 0, timeout):
                raise AssertionError(f"{self.open} connections still open")

    def _count_open(self, change: int) -> None:
        with self._changed:
            self.open += change
            self._changed.notify_all()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
