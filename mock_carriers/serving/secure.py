"""TLS for the carriers' hosts: the HTTPS port, and the tunnels a CONNECT opens. The certificate
authority comes from mock_carriers.tls, imported on first need, so a server that never speaks TLS
never loads `cryptography`."""

from __future__ import annotations

import json
import logging
import socket
import ssl
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

if TYPE_CHECKING:
    from mock_carriers.tls import CertificateAuthority

log = logging.getLogger("mock_carriers.server")

TLS_HANDSHAKE = 0x16  # the first byte of every TLS connection (a handshake record)


class TlsTerminator:
    def __init__(self, ca_dir: Path | None, hosts: Iterable[str], plain_port: int) -> None:
        self._ca_dir = ca_dir
        self._hosts = frozenset(hosts)
        self._plain_port = plain_port
        self._lock = threading.Lock()
        self._authority: CertificateAuthority | None = None
        self._context: ssl.SSLContext | None = None

    def authority(self) -> CertificateAuthority:
        """The CA, made or loaded once (a broken folder raises here, at start-up for --https-port)."""
        with self._lock:
            if self._authority is None:
                from mock_carriers.tls import CertificateAuthority

                self._authority = CertificateAuthority.load_or_create(self._ca_dir)
                self._context = self._authority.server_context(self._hosts)
            return self._authority

    def accept(self, sock: socket.socket, timeout: float) -> ssl.SSLSocket | None:
        """A connection to the HTTPS port: TLS with the leaf its SNI names; plain HTTP gets a 400
        that says so. None when there is nothing to serve (the socket is then done)."""
        sock.settimeout(timeout)
        try:
            first = sock.recv(1, socket.MSG_PEEK)
        except OSError:
            return None
        if not first:
            return None
        if first[0] != TLS_HANDSHAKE:
            self._refuse_plain(sock)
            return None
        self.authority()
        return _handshake(self._context, sock, timeout)

    def tunnel(self, sock: socket.socket, host: str, timeout: float) -> ssl.SSLSocket | None:
        """The TLS end of a CONNECT tunnel to `host`, with that host's leaf whatever SNI says."""
        return _handshake(self.authority().leaf_context(host), sock, timeout)

    def _refuse_plain(self, sock: socket.socket) -> None:
        message = f"this port speaks HTTPS; use https://, or plain HTTP on port {self._plain_port}"
        body = json.dumps({"error": "plain_http_on_https_port", "message": message})
        head = (
            f"HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n"
            "Connection: close\r\n\r\n"
        )
        try:
            sock.sendall(head.encode() + body.encode())
            sock.shutdown(socket.SHUT_WR)
            sock.settimeout(1.0)
            while sock.recv(65536):  # let the client finish sending before we close, so it reads the 400
                pass
        except OSError:
            pass


def _handshake(context: ssl.SSLContext | None, sock: socket.socket, timeout: float) -> ssl.SSLSocket | None:
    assert context is not None
    try:
        tls = context.wrap_socket(sock, server_side=True, do_handshake_on_connect=False)
    except (OSError, ValueError):
        return None
    try:
        tls.settimeout(timeout)
        tls.do_handshake()
        return tls
    except (OSError, ValueError) as exc:  # a client that never speaks TLS, or refuses our certificate
        log.debug("TLS handshake failed: %s", exc)
        tls.close()
        return None
