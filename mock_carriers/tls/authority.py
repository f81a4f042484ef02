"""The CA a user trusts once, and the TLS contexts it signs for: one leaf per host, issued on first
use, kept on disk beside the CA and in memory."""

from __future__ import annotations

import datetime as dt
import logging
import os
import ssl
import threading
from pathlib import Path
from typing import Iterable, Mapping

from cryptography import x509

from mock_carriers.tls import certificates as certs
from mock_carriers.tls.files import locked, private_folder, write_atomic
from mock_carriers.tls.names import LOCALHOST, file_stem, ip_address, leaf_name, subject_names

log = logging.getLogger("mock_carriers.tls")


def default_ca_dir(environ: Mapping[str, str] = os.environ) -> Path:
    """MOCK_CARRIERS_CA_DIR, else mock-carriers/ca in the user's data folder ($XDG_DATA_HOME or
    ~/.local/share): one CA per user, trusted once, shared by every server they start."""
    explicit = environ.get("MOCK_CARRIERS_CA_DIR")
    if explicit:
        return Path(explicit).expanduser()
    data = environ.get("XDG_DATA_HOME")
    home = Path(environ.get("HOME") or Path.home())
    base = Path(data) if data and Path(data).is_absolute() else home / ".local/share"
    return base / "mock-carriers" / "ca"


class CertificateAuthority:
    """The CA in DIRECTORY: `ca.pem` (give it to clients), `ca-bundle.pem` (it followed by the system's
    trusted CAs), `ca-key.pem` (never leaves the folder) and `leaves/<host>.pem` (a leaf and its key)."""

    def __init__(self, directory: Path, certificate: x509.Certificate, key: certs.PrivateKey) -> None:
        self.directory = directory
        self.cert_path = directory / "ca.pem"
        self.bundle_path = directory / "ca-bundle.pem"
        self._certificate = certificate
        self._key = key
        self._leaves: dict[str, tuple[ssl.SSLContext, dt.datetime]] = {}  # name -> (context, renew after)
        self._lock = threading.Lock()

    @classmethod
    def load_or_create(cls, directory: Path | None = None) -> "CertificateAuthority":
        """The CA in DIRECTORY (default: `default_ca_dir()`), made on first use and reused after. A CA
        that is missing, unreadable or expired is made anew, which the log says: clients must trust it again."""
        directory = Path(directory) if directory is not None else default_ca_dir()
        private_folder(directory)
        private_folder(directory / "leaves")
        with locked(directory / ".lock"):
            loaded = _read_ca(directory)
            if loaded is None:
                loaded = _make_ca(directory)
            authority = cls(directory, *loaded)
            _refresh_bundle(authority.bundle_path, certs.certificate_pem(loaded[0]))
        return authority

    def server_context(self, hosts: Iterable[str]) -> ssl.SSLContext:
        """A TLS server context whose certificate follows the client's SNI: each of HOSTS gets its own
        leaf; no SNI, an IP address or `localhost` gets the leaf for localhost, 127.0.0.1 and ::1; any
        other name is refused with an unrecognized_name alert. Raises ValueError for a bad host."""
        served = frozenset(map(leaf_name, hosts))
        context = _context(self._leaf_file(LOCALHOST)[0])

        def choose(ssl_object, server_name: str | None, _context) -> int | None:
            return self._choose(served, ssl_object, server_name)

        context.sni_callback = choose
        return context

    def leaf_context(self, host: str) -> ssl.SSLContext:
        """HOST's server context (shared, cached): for a proxy that knows the host from CONNECT.
        Raises ValueError when HOST is not a host name."""
        name = leaf_name(host)
        with self._lock:
            context, renew_after = self._leaves.get(name, (None, None))
            if context is None or renew_after is None or certs.now() >= renew_after:
                path, expires = self._leaf_file(name)
                context = _context(path)
                self._leaves[name] = context, expires - certs.RENEW_BEFORE
        return context

    def _choose(self, served: frozenset[str], ssl_object, server_name: str | None) -> int | None:
        """The SNI callback (also called without SNI): switch to the named host's context, or to
        localhost's (renewed like any other), or refuse."""
        try:
            name = LOCALHOST if server_name is None else leaf_name(server_name)
        except ValueError:
            return ssl.ALERT_DESCRIPTION_UNRECOGNIZED_NAME
        if name not in served:
            if name != LOCALHOST and not ip_address(name):  # an IP address has no place in SNI (RFC 6066)
                return ssl.ALERT_DESCRIPTION_UNRECOGNIZED_NAME
            name = LOCALHOST
        try:
            ssl_object.context = self.leaf_context(name)
        except (OSError, ValueError, ssl.SSLError) as exc:
            log.error("no certificate for %s: %s", name, exc)
            return ssl.ALERT_DESCRIPTION_INTERNAL_ERROR
        return None

    def _leaf_file(self, name: str) -> tuple[Path, dt.datetime]:
        """leaves/<name>.pem holding a current leaf for NAME (re-issued when missing, expiring within
        30 days, not covering NAME or signed by another CA), the CA and the leaf's key; and its expiry."""
        path = self.directory / "leaves" / f"{file_stem(name)}.pem"
        names = subject_names(name)
        at = certs.now()
        try:
            pem = path.read_bytes()
            leaf = x509.load_pem_x509_certificate(pem)
            if (
                certs.leaf_is_current(leaf, self._certificate, names, at)
                and certs.load_key(pem).public_key() == leaf.public_key()
            ):
                return path, leaf.not_valid_after_utc
        except FileNotFoundError:
            pass
        except (ValueError, TypeError):
            log.info("re-issuing the unreadable leaf %s", path)
        leaf, key = certs.make_leaf(self._certificate, self._key, names, at)
        # the CA after the leaf: servers send it along, so a client pinning the CA's key (Chromium's
        # --ignore-certificate-errors-spki-list) finds it in the chain
        write_atomic(path, certs.certificate_pem(leaf) + certs.certificate_pem(self._certificate) + certs.key_pem(key))
        return path, leaf.not_valid_after_utc


def _read_ca(directory: Path) -> tuple[x509.Certificate, certs.PrivateKey] | None:
    cert_path, key_path = directory / "ca.pem", directory / "ca-key.pem"
    if not cert_path.exists() and not key_path.exists():
        return None
    try:
        certificate = x509.load_pem_x509_certificate(cert_path.read_bytes())
        key = certs.load_key(key_path.read_bytes())
        problem = certs.ca_problem(certificate, key, certs.now())
    except (OSError, ValueError, TypeError) as exc:
        problem = str(exc) or type(exc).__name__
    if problem is None:
        return certificate, key
    log.warning("the CA in %s is unusable (%s): making a new one, which clients must trust again", directory, problem)
    return None


def _make_ca(directory: Path) -> tuple[x509.Certificate, certs.PrivateKey]:
    key = certs.new_key()
    certificate = certs.make_ca(key, certs.now())
    write_atomic(directory / "ca-key.pem", certs.key_pem(key))
    write_atomic(directory / "ca.pem", certs.certificate_pem(certificate), 0o644)
    log.info("made the mock's CA %s (%s)", directory / "ca.pem", certificate.subject.rfc4514_string())
    return certificate, key


def _refresh_bundle(path: Path, ca_pem: bytes) -> None:
    """Write PATH as the CA followed by the system's trusted CAs, unless it already says that."""
    bundle = ca_pem + b"\n" + _system_cas()
    try:
        if path.read_bytes() == bundle:
            return
    except OSError:
        pass
    write_atomic(path, bundle, 0o644)


def _system_cas() -> bytes:
    """certifi's CAs (what requests trusts), else the ones OpenSSL was built to trust."""
    candidates = []
    try:
        import certifi

        candidates.append(certifi.where())
    except ImportError:
        pass
    candidates.append(ssl.get_default_verify_paths().cafile)
    for candidate in candidates:
        try:
            return Path(candidate).read_bytes()
        except (OSError, TypeError):
            continue
    return b""


def _context(leaf_file: Path, attempts: int = 3) -> ssl.SSLContext:
    """A server context with the leaf file's certificate and key. OpenSSL opens the file once for
    each; another process sharing the CA folder may replace the file in between (with a whole leaf
    of its own, written atomically), so a mismatched pair is read again."""
    for _ in range(attempts - 1):
        try:
            return _loaded(leaf_file)
        except ssl.SSLError as exc:
            if "KEY_VALUES_MISMATCH" not in str(exc):
                raise
    return _loaded(leaf_file)


def _loaded(leaf_file: Path) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(leaf_file)
    return context
