"""Accepting connections without falling over: each connection is served on a thread of its own,
at most `limit` at once (past that, new ones wait in the kernel's backlog instead of failing), and
a stopping server wakes every blocked thread at once instead of polling."""

from __future__ import annotations

import errno
import logging
import resource
import selectors
import socket
import threading
from typing import Callable

log = logging.getLogger("mock_carriers.server")

_OUT_OF_DESCRIPTORS = (errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM)
_BACKOFF_SECONDS = 0.1  # after running out of descriptors: wait, never spin on a readable listener
_RESERVED_DESCRIPTORS = 128  # for listeners, webhook sockets, files and the rest of the process


def default_connection_limit() -> int:
    """Three quarters of the descriptor limit (leaving room for everything else), at most 10,000."""
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        soft = 65_536
    return max(8, min(soft - _RESERVED_DESCRIPTORS, soft * 3 // 4, 10_000))


class Connections:
    """The open client connections of one server, counted against its cap."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._open: set[socket.socket] = set()
        self._changed = threading.Condition()
        self._stopping = False

    def __len__(self) -> int:
        with self._changed:
            return len(self._open)

    def wait_for_room(self) -> bool:
        """Blocks while the server is full; False once it is stopping."""
        with self._changed:
            self._changed.wait_for(lambda: len(self._open) < self.limit or self._stopping)
            return not self._stopping

    def add(self, sock: socket.socket) -> None:
        with self._changed:
            self._open.add(sock)

    def discard(self, sock: socket.socket) -> None:
        with self._changed:
            self._open.discard(sock)
            self._changed.notify_all()

    def close_all(self) -> None:
        """Wake every thread blocked on a client (a read, a hang) by shutting its socket down."""
        with self._changed:
            self._stopping = True
            sockets = list(self._open)
            self._changed.notify_all()
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def wait_closed(self, timeout: float) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: not self._open, timeout)


def bind(host: str, port: int, backlog: int = 1024) -> socket.socket:
    family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
    sock = socket.create_server((host, port), family=family, backlog=backlog)
    sock.setblocking(False)
    return sock


class Listener:
    """Accepts on one socket and hands each connection to `serve(sock, address)` on a new thread."""

    def __init__(self, sock: socket.socket, serve: Callable[[socket.socket, tuple], None],
                 connections: Connections, name: str) -> None:
        self.sock = sock
        self._serve = serve
        self._connections = connections
        self._name = name
        self._wake_reader, self._wake_writer = socket.socketpair()
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def address(self) -> tuple:
        return self.sock.getsockname()

    def start(self) -> "Listener":
        self._thread = threading.Thread(target=self.run, name=f"mock-carriers-{self._name}", daemon=True)
        self._thread.start()
        return self

    def run(self) -> None:
        selector = selectors.DefaultSelector()
        selector.register(self.sock, selectors.EVENT_READ)
        selector.register(self._wake_reader, selectors.EVENT_READ)
        try:
            while not self._stopped.is_set() and self._connections.wait_for_room():
                ready = [key.fileobj for key, _ in selector.select()]
                if self._wake_reader in ready or self._stopped.is_set():
                    return
                self._accept_one()
        finally:
            selector.close()

    def _accept_one(self) -> None:
        try:
            conn, address = self.sock.accept()
        except BlockingIOError:
            return
        except OSError as exc:
            if exc.errno in _OUT_OF_DESCRIPTORS:
                log.warning("out of descriptors accepting a connection (%s); waiting before the next", exc)
                self._stopped.wait(_BACKOFF_SECONDS)
            return
        conn.setblocking(True)
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # answers go out whole, at once
        self._connections.add(conn)
        threading.Thread(target=self._serve_and_close, args=(conn, address), name="mock-carriers-connection",
                         daemon=True).start()

    def _serve_and_close(self, conn: socket.socket, address: tuple) -> None:
        try:
            self._serve(conn, address)
        except Exception:
            log.debug("connection from %s ended with an error", address, exc_info=True)
        finally:
            try:
                conn.close()
            finally:
                self._connections.discard(conn)

    def wake(self) -> None:
        """Stop accepting: the accept loop returns at once (the cap's wait ends with Connections.close_all)."""
        self._stopped.set()
        try:
            self._wake_writer.send(b"x")
        except OSError:
            pass

    def close(self) -> None:
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)
        for sock in (self.sock, self._wake_reader, self._wake_writer):
            sock.close()
