"""Making the CA and its leaves with `cryptography`. ECDSA P-256 keys, so a leaf costs
milliseconds; the extensions are the ones strict verifiers (Python 3.13's VERIFY_X509_STRICT,
browsers, Java, .NET) ask for."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Sequence

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from mock_carriers.tls.names import ip_address

CA_VALIDITY = dt.timedelta(days=3650)
LEAF_VALIDITY = dt.timedelta(days=397)  # browsers refuse a leaf valid for longer
BACKDATE = dt.timedelta(hours=1)  # a client whose clock lags a little still takes a fresh leaf
RENEW_BEFORE = dt.timedelta(days=30)

PrivateKey = ec.EllipticCurvePrivateKey


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def new_key() -> PrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def make_ca(key: PrivateKey, at: dt.datetime) -> x509.Certificate:
    """A self-signed CA that may sign leaves only; the random suffix tells two machines' CAs apart."""
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "mock-carriers"),
            x509.NameAttribute(NameOID.COMMON_NAME, f"mock-carriers local CA {secrets.token_hex(4)}"),
        ]
    )
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(at - BACKDATE)
        .not_valid_after(at - BACKDATE + CA_VALIDITY)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(key_cert_sign=True, crl_sign=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )


def make_leaf(
    ca: x509.Certificate, ca_key: PrivateKey, names: Sequence[str], at: dt.datetime
) -> tuple[x509.Certificate, PrivateKey]:
    """A server certificate for NAMES (DNS names or IP addresses), signed by CA."""
    key = new_key()
    first = names[0]
    # A common name holds 64 characters at most; without one, the names must be a critical extension.
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, first)] if len(first) <= 64 else [])
    start = at - BACKDATE
    ca_ski = ca.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(min(start + LEAF_VALIDITY, ca.not_valid_after_utc))
        .add_extension(x509.SubjectAlternativeName([_general_name(name) for name in names]), critical=not subject)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(digital_signature=True), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    return certificate, key


def leaf_is_current(leaf: x509.Certificate, ca: x509.Certificate, names: Sequence[str], at: dt.datetime) -> bool:
    """LEAF is signed by CA, covers NAMES and stays valid for RENEW_BEFORE more."""
    try:
        leaf.verify_directly_issued_by(ca)
        covered = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except (ValueError, TypeError, InvalidSignature, x509.ExtensionNotFound):
        return False
    return set(map(_general_name, names)) <= set(covered) and leaf.not_valid_after_utc - at > RENEW_BEFORE


def ca_problem(ca: x509.Certificate, key: PrivateKey, at: dt.datetime) -> str | None:
    """Why CA and KEY cannot serve as the mock's CA, or None."""
    if ca.public_key() != key.public_key():
        return "its key does not match its certificate"
    if ca.not_valid_after_utc <= at:
        return f"it expired on {ca.not_valid_after_utc:%Y-%m-%d}"
    return None


def certificate_pem(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.PEM)


def key_pem(key: PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def load_key(pem: bytes) -> PrivateKey:
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise ValueError("not an ECDSA key")
    return key


def _general_name(name: str) -> x509.GeneralName:
    address = ip_address(name)
    return x509.IPAddress(address) if address is not None else x509.DNSName(name)


def _key_usage(**granted: bool) -> x509.KeyUsage:
    usages = (
        "digital_signature",
        "content_commitment",
        "key_encipherment",
        "data_encipherment",
        "key_agreement",
        "key_cert_sign",
        "crl_sign",
        "encipher_only",
        "decipher_only",
    )
    return x509.KeyUsage(**{usage: granted.get(usage, False) for usage in usages})
