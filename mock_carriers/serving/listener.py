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
from dataclasses import dataclass
from typing import Callable

# a socket's address: (host, port) for IPv4, (host, port, flowinfo, scope_id) for IPv6
Address = tuple[str, int] | tuple[str, int, int, int]

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


@dataclass(eq=False)
class Client:
    """One client connection as the server tracks it. `sock` changes when TLS wraps it (the
    HTTPS port, or a CONNECT tunnel), and then so do `tunnel_host` and `namespace`."""

    sock: socket.socket
    address: Address
    tunnel_host: str | None = None  # the carrier host a CONNECT named: requests inside are to it, over TLS
    namespace: str | None = None  # the namespace the proxy's user name chose

    def close(self) -> None:
        try:
            self.sock.close()
        except OSError:
            pass


class Connections:
    """The open client connections of one server, counted against its cap."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._open: set[Client] = set()
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

    def add(self, client: Client) -> None:
        with self._changed:
            self._open.add(client)

    def discard(self, client: Client) -> None:
        with self._changed:
            self._open.discard(client)
            self._changed.notify_all()

    def close_all(self) -> None:
        """Wake every thread blocked on a client (a read, a hang) by shutting its socket down."""
        with self._changed:
            self._stopping = True
            clients = list(self._open)
            self._changed.notify_all()
        for client in clients:
            try:
                socket.socket.shutdown(client.sock, socket.SHUT_RDWR)  # under TLS too, without its goodbye
            except (OSError, ValueError):
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
    """Accepts on one socket and hands each connection to `serve(client)` on a new thread."""

    def __init__(
        self, sock: socket.socket, serve: Callable[[Client], None], connections: Connections, name: str
    ) -> None:
        self.sock = sock
        self._serve = serve
        self._connections = connections
        self._name = name
        self._wake_reader, self._wake_writer = socket.socketpair()
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def address(self) -> Address:
        address: Address = self.sock.getsockname()
        return address

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
        client = Client(conn, address)
        self._connections.add(client)
        threading.Thread(
            target=self._serve_and_close, args=(client,), name="mock-carriers-connection", daemon=True
        ).start()

    def _serve_and_close(self, client: Client) -> None:
        try:
            self._serve(client)
        except Exception:
            log.debug("connection from %s ended with an error", client.address, exc_info=True)
        finally:
            client.close()
            self._connections.discard(client)

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
