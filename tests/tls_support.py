"""Shared by the TLS tests (tests/tls/; fixtures too, imported by name):
a CA in the test's own folder, and a tiny TLS server that uses it: a plain socket wrapped with
`server_context`, answering every request with one fixed HTTP response."""

from __future__ import annotations

import socket
import ssl
import threading

import pytest
import requests
from cryptography import x509
from requests.adapters import HTTPAdapter

from mock_carriers.carriers import CARRIERS
from mock_carriers.tls import CertificateAuthority

BODY = b"served over TLS"
RESPONSE = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s" % (
    len(BODY),
    BODY,
)


class TinyTLSServer:
    """One connection at a time; handshake failures are kept in `failures`."""

    def __init__(self, context: ssl.SSLContext, address: str = "127.0.0.1") -> None:
        self.context = context
        self.listener = socket.create_server((address, 0), family=socket.AF_INET6 if ":" in address else socket.AF_INET)
        self.port = self.listener.getsockname()[1]
        self.failures: list[Exception] = []
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:  # closed (the listener is shut down to wake this accept)
                return
            with connection:
                connection.settimeout(5)
                try:
                    with self.context.wrap_socket(connection, server_side=True) as tls:
                        request = b""
                        while b"\r\n\r\n" not in request:
                            chunk = tls.recv(4096)
                            if not chunk:
                                break
                            request += chunk
                        tls.sendall(RESPONSE)
                except (ssl.SSLError, OSError) as exc:
                    self.failures.append(exc)

    def close(self) -> None:
        self.listener.shutdown(socket.SHUT_RDWR)  # wakes the accept at once, instead of a polling timeout
        self._thread.join(timeout=5)
        self.listener.close()


class PinnedHost(HTTPAdapter):
    """Connects wherever the URL says (127.0.0.1) but sends HOST as SNI and checks the certificate
    against HOST: what a client of the real carrier does once its host resolves to the mock."""

    def __init__(self, host: str) -> None:
        self.host = host
        super().__init__()

    def init_poolmanager(self, *args, **kwargs) -> None:
        super().init_poolmanager(*args, server_hostname=self.host, assert_hostname=self.host, **kwargs)


def get_as(host: str, port: int, verify) -> requests.Response:
    """GET / from the server on 127.0.0.1:PORT as if it were https://HOST/."""
    with requests.Session() as session:
        session.trust_env = False  # no proxy from the environment
        session.mount("https://", PinnedHost(host))
        return session.get(f"https://127.0.0.1:{port}/", headers={"Host": host}, verify=verify, timeout=10)


def handshake(port: int, cafile, server_hostname: str | None, address: str = "127.0.0.1") -> x509.Certificate:
    """Complete a handshake (SNI = SERVER_HOSTNAME, none if None), trusting only CAFILE; the server's leaf."""
    context = ssl.create_default_context(cafile=str(cafile))
    context.check_hostname = False  # the caller checks the names; verification of the chain stays on
    context.verify_flags |= ssl.VERIFY_X509_STRICT  # as Python 3.13 clients verify
    with socket.create_connection((address, port), timeout=10) as raw:
        with context.wrap_socket(raw, server_hostname=server_hostname) as tls:
            return x509.load_der_x509_certificate(tls.getpeercert(binary_form=True))


@pytest.fixture
def authority(tmp_path) -> CertificateAuthority:
    return CertificateAuthority.load_or_create(tmp_path / "ca")


@pytest.fixture
def tls_server(authority):
    """A TLS server on 127.0.0.1 serving every carrier host."""
    server = TinyTLSServer(authority.server_context(CARRIERS.hosts))
    yield server
    server.close()
