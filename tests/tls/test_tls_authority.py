"""The CA folder: made once and reused, private, safe when two start at once; leaves re-issued
when they expire soon or come from another CA; a broken CA re-made, and said so."""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import stat
import subprocess
import threading
from pathlib import Path

import certifi
import pytest
from cryptography import x509
from launching import PYTHON
from tls_support import TinyTLSServer, authority, get_as, handshake  # noqa: F401 (fixtures)

from mock_carriers.tls import CertificateAuthority, default_ca_dir
from mock_carriers.tls import certificates as certs
from mock_carriers.tls.certificates import load_key

P2G = "www.parcel2go.com"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def leaf_on_disk(authority: CertificateAuthority, host: str) -> x509.Certificate:
    return x509.load_pem_x509_certificate((authority.directory / "leaves" / f"{host}.pem").read_bytes())


def served_leaf(authority: CertificateAuthority, host: str) -> x509.Certificate:
    """The leaf a fresh server on this folder's CA presents for HOST."""
    server = TinyTLSServer(CertificateAuthority.load_or_create(authority.directory).server_context([host]))
    try:
        assert get_as(host, server.port, verify=str(authority.cert_path)).status_code == 200
        return handshake(server.port, authority.cert_path, host)
    finally:
        server.close()


def test_the_folder_and_every_key_are_private(authority):
    authority.leaf_context(P2G)
    assert mode(authority.directory) == 0o700
    assert mode(authority.directory / "leaves") == 0o700
    assert mode(authority.directory / "ca-key.pem") == 0o600
    assert {mode(leaf) for leaf in (authority.directory / "leaves").iterdir()} == {0o600}
    assert mode(authority.cert_path) == mode(authority.bundle_path) == 0o644  # certificates are public


def test_an_existing_folder_is_made_private(tmp_path):
    (tmp_path / "ca").mkdir(mode=0o755)
    assert mode(CertificateAuthority.load_or_create(tmp_path / "ca").directory) == 0o700


def test_the_ca_is_reused_across_loads(authority):
    authority.leaf_context(P2G)
    first_leaf = leaf_on_disk(authority, P2G)
    again = CertificateAuthority.load_or_create(authority.directory)
    assert again.cert_path.read_bytes() == authority.cert_path.read_bytes()
    again.leaf_context(P2G)
    assert leaf_on_disk(again, P2G) == first_leaf  # the leaf on disk is reused too


def test_the_ca_is_what_the_brief_says(authority):
    ca = x509.load_pem_x509_certificate(authority.cert_path.read_bytes())
    assert ca.subject == ca.issuer and ca.subject.rfc4514_string().startswith("CN=mock-carriers local CA ")
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).critical
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    usage = ca.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.key_cert_sign and usage.crl_sign and not usage.digital_signature
    assert dt.timedelta(days=3649) < ca.not_valid_after_utc - ca.not_valid_before_utc <= dt.timedelta(days=3650)


def test_a_leaf_is_short_lived_backdated_and_for_servers(authority):
    leaf = served_leaf(authority, P2G)
    assert leaf.not_valid_after_utc - leaf.not_valid_before_utc <= dt.timedelta(days=397)
    assert leaf.not_valid_before_utc < dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=59)
    assert (
        x509.oid.ExtendedKeyUsageOID.SERVER_AUTH in leaf.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    )
    assert leaf.extensions.get_extension_for_class(x509.KeyUsage).value.digital_signature
    ca = x509.load_pem_x509_certificate(authority.cert_path.read_bytes())
    assert (
        leaf.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier).value.key_identifier
        == ca.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value.key_identifier
    )


def test_two_cas_differ(tmp_path):
    one, two = (CertificateAuthority.load_or_create(tmp_path / name) for name in ("one", "two"))
    subjects = {x509.load_pem_x509_certificate(ca.cert_path.read_bytes()).subject for ca in (one, two)}
    assert len(subjects) == 2


def test_a_leaf_expiring_within_30_days_is_reissued(authority):
    ca_cert = x509.load_pem_x509_certificate(authority.cert_path.read_bytes())
    ca_key = load_key((authority.directory / "ca-key.pem").read_bytes())
    a_year_ago = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=380)
    old, old_key = certs.make_leaf(ca_cert, ca_key, [P2G], a_year_ago)
    (authority.directory / "leaves" / f"{P2G}.pem").write_bytes(certs.certificate_pem(old) + certs.key_pem(old_key))
    leaf = served_leaf(authority, P2G)
    assert leaf != old and leaf.not_valid_after_utc > dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=390)
    assert leaf_on_disk(authority, P2G) == leaf


def test_a_leaf_signed_by_another_ca_is_reissued(authority, tmp_path):
    other = CertificateAuthority.load_or_create(tmp_path / "other")
    other.leaf_context(P2G)
    shutil.copyfile(other.directory / "leaves" / f"{P2G}.pem", authority.directory / "leaves" / f"{P2G}.pem")
    assert served_leaf(authority, P2G) != leaf_on_disk(other, P2G)


def test_an_unreadable_leaf_is_reissued(authority):
    (authority.directory / "leaves" / f"{P2G}.pem").write_text("not a certificate")
    assert served_leaf(authority, P2G) == leaf_on_disk(authority, P2G)


def test_a_leaf_whose_key_is_lost_or_another_is_reissued(authority):
    authority.leaf_context(P2G)
    path = authority.directory / "leaves" / f"{P2G}.pem"
    certificate = path.read_text().split("-----BEGIN PRIVATE KEY-----")[0]
    path.write_text(certificate)
    assert served_leaf(authority, P2G) == leaf_on_disk(authority, P2G)
    path.write_text(certificate + certs.key_pem(certs.new_key()).decode())
    assert served_leaf(authority, P2G) == leaf_on_disk(authority, P2G)


@pytest.mark.parametrize("damage", ["garbage certificate", "missing key", "another key"])
def test_an_unusable_ca_is_made_anew_and_the_log_says_so(authority, tmp_path, caplog, damage):
    before = authority.cert_path.read_bytes()
    if damage == "garbage certificate":
        authority.cert_path.write_text("-----BEGIN CERTIFICATE-----\nnonsense\n-----END CERTIFICATE-----\n")
    elif damage == "missing key":
        (authority.directory / "ca-key.pem").unlink()
    else:
        other = CertificateAuthority.load_or_create(tmp_path / "other")
        shutil.copyfile(other.directory / "ca-key.pem", authority.directory / "ca-key.pem")
    with caplog.at_level(logging.WARNING, logger="mock_carriers.tls"):
        remade = CertificateAuthority.load_or_create(authority.directory)
    assert remade.cert_path.read_bytes() != before
    assert "unusable" in caplog.text and "trust again" in caplog.text
    served_leaf(remade, P2G)  # and it works


def test_two_threads_starting_at_once_make_one_ca(tmp_path):
    barrier = threading.Barrier(6)
    made: list[bytes] = []

    def start() -> None:
        barrier.wait()
        made.append(CertificateAuthority.load_or_create(tmp_path / "ca").cert_path.read_bytes())

    threads = [threading.Thread(target=start) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(made) == 6 and len(set(made)) == 1
    assert (tmp_path / "ca" / "ca.pem").read_bytes() == made[0]


def test_two_processes_starting_at_once_make_one_ca(tmp_path):
    script = (
        "import sys; from pathlib import Path; from mock_carriers.tls import CertificateAuthority; "
        "ca = CertificateAuthority.load_or_create(Path(sys.argv[1])); ca.leaf_context('localhost'); "
        "sys.stdout.write(ca.cert_path.read_text())"
    )
    processes = [
        subprocess.Popen([*PYTHON, "-c", script, str(tmp_path / "ca")], stdout=subprocess.PIPE, text=True)
        for _ in range(4)
    ]
    outputs = {process.communicate(timeout=60)[0] for process in processes}
    assert [process.returncode for process in processes] == [0] * 4
    assert outputs == {(tmp_path / "ca" / "ca.pem").read_text()}
    served_leaf(CertificateAuthority.load_or_create(tmp_path / "ca"), P2G)


def test_the_bundle_is_the_ca_then_the_systems_cas(authority):
    bundle = authority.bundle_path.read_bytes()
    assert bundle.startswith(authority.cert_path.read_bytes())
    assert bundle.endswith(Path(certifi.where()).read_bytes())


def test_no_public_file_holds_a_private_key(authority):
    for path in (authority.cert_path, authority.bundle_path):
        assert b"PRIVATE KEY" not in path.read_bytes()


def test_a_leaf_for_an_ip_address_names_it_as_an_address(authority):
    authority.leaf_context("10.0.0.7")
    names = leaf_on_disk(authority, "10.0.0.7").extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert [str(address) for address in names.get_values_for_type(x509.IPAddress)] == ["10.0.0.7"]


def test_every_spelling_of_localhost_shares_one_leaf(authority):
    contexts = {id(authority.leaf_context(host)) for host in ("localhost", "LOCALHOST.", "127.0.0.1", "::1", "[::1]")}
    assert len(contexts) == 1


@pytest.mark.parametrize(
    "host",
    [
        "",
        "*.parcel2go.com",
        "a_b.example",
        "bücher.example",
        "a..b",
        "-x.example",
        "x" * 64 + ".example",
        "fe80::1%eth0",
    ],
)
def test_a_bad_host_name_is_refused_clearly(authority, host):
    with pytest.raises(ValueError, match="not a host name"):
        authority.leaf_context(host)
    with pytest.raises(ValueError, match="not a host name"):
        authority.server_context(["www.parcel2go.com", host])


def test_default_ca_dir():
    assert default_ca_dir({"MOCK_CARRIERS_CA_DIR": "/srv/ca", "XDG_DATA_HOME": "/x"}) == Path("/srv/ca")
    assert default_ca_dir({"XDG_DATA_HOME": "/data", "HOME": "/home/u"}) == Path("/data/mock-carriers/ca")
    assert default_ca_dir({"HOME": "/home/u"}) == Path("/home/u/.local/share/mock-carriers/ca")
    assert default_ca_dir({"XDG_DATA_HOME": "relative", "HOME": "/home/u"}) == Path(
        "/home/u/.local/share/mock-carriers/ca"
    )  # the XDG spec ignores a relative path
