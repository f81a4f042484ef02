"""Real TLS handshakes against `server_context`: requests and curl trust the CA, SNI picks the leaf,
an unknown name is refused, no name gets the localhost leaf."""

from __future__ import annotations

import ipaddress
import os
import ssl
import subprocess

import pytest
import requests
from cryptography import x509
from hypothesis import given
from hypothesis import strategies as st
from tls_support import BODY, TinyTLSServer, authority, get_as, handshake, tls_server  # noqa: F401 (fixtures)

from mock_carriers.carriers import CARRIERS
from mock_carriers.tls import CertificateAuthority


def names_in(leaf: x509.Certificate) -> set[str]:
    return {str(name.value) for name in leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value}


@pytest.mark.parametrize("host", sorted(CARRIERS.hosts))
def test_each_carrier_host_is_served_its_own_leaf(tls_server, authority, host):
    response = get_as(host, tls_server.port, verify=str(authority.cert_path))
    assert (response.status_code, response.content) == (200, BODY)
    assert names_in(handshake(tls_server.port, authority.cert_path, host)) == {host}


def test_the_bundle_verifies_the_mock(tls_server, authority):
    response = get_as("api.parcellab.com", tls_server.port, verify=str(authority.bundle_path))
    assert response.status_code == 200


def test_a_client_that_does_not_trust_the_ca_is_refused(tls_server):
    with pytest.raises(requests.exceptions.SSLError):
        get_as("www.parcel2go.com", tls_server.port, verify=True)  # the system's CAs only


def test_another_ca_does_not_verify_the_mock(tls_server, tmp_path):
    other = CertificateAuthority.load_or_create(tmp_path / "other")
    with pytest.raises(requests.exceptions.SSLError):
        get_as("www.parcel2go.com", tls_server.port, verify=str(other.cert_path))


def test_an_unknown_name_fails_the_handshake_with_unrecognized_name(tls_server, authority):
    with pytest.raises(ssl.SSLError) as refused:
        handshake(tls_server.port, authority.cert_path, "www.example.com")
    assert refused.value.reason == "TLSV1_UNRECOGNIZED_NAME"
    with pytest.raises(requests.exceptions.SSLError, match="UNRECOGNIZED_NAME"):
        get_as("parcel2go.com", tls_server.port, verify=str(authority.cert_path))


def test_no_name_gets_the_localhost_leaf(tls_server, authority):
    assert names_in(handshake(tls_server.port, authority.cert_path, None)) == {"localhost", "127.0.0.1", "::1"}
    for url in (f"https://127.0.0.1:{tls_server.port}/", f"https://localhost:{tls_server.port}/"):
        with requests.Session() as session:
            session.trust_env = False
            assert session.get(url, verify=str(authority.cert_path), timeout=10).content == BODY


def test_localhost_by_name_gets_the_localhost_leaf(tls_server, authority):
    assert "localhost" in names_in(handshake(tls_server.port, authority.cert_path, "LOCALHOST"))


def test_the_ipv6_loopback_is_in_the_localhost_leaf(authority):
    try:
        server = TinyTLSServer(authority.server_context([]), "::1")
    except OSError:
        pytest.skip("no IPv6 loopback here")
    try:
        with requests.Session() as session:
            session.trust_env = False
            response = session.get(f"https://[::1]:{server.port}/", verify=str(authority.cert_path), timeout=10)
        assert response.content == BODY
    finally:
        server.close()


def _curl(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["curl", "--silent", "--show-error", "--noproxy", "*", "--max-time", "10", *args],
        capture_output=True,
        text=True,
        timeout=30,
        env=env,
    )


def test_curl_trusts_the_ca_at_the_carriers_real_host(tls_server, authority):
    port = tls_server.port
    result = _curl(
        "--cacert",
        str(authority.cert_path),
        "--resolve",
        f"www.parcel2go.com:{port}:127.0.0.1",
        f"https://www.parcel2go.com:{port}/",
    )
    assert (result.returncode, result.stdout) == (0, BODY.decode()), result.stderr


def test_curl_with_the_bundle_from_the_environment(tls_server, authority):
    port = tls_server.port
    env = {**os.environ, "CURL_CA_BUNDLE": str(authority.bundle_path)}
    result = _curl("--resolve", f"api.bex.co.za:{port}:127.0.0.1", f"https://api.bex.co.za:{port}/", env=env)
    assert (result.returncode, result.stdout) == (0, BODY.decode()), result.stderr


def test_curl_to_an_unknown_host_fails_the_handshake(tls_server, authority):
    port = tls_server.port
    result = _curl(
        "--cacert",
        str(authority.cert_path),
        "--resolve",
        f"www.example.com:{port}:127.0.0.1",
        f"https://www.example.com:{port}/",
    )
    assert result.returncode == 35 and "unrecognized name" in result.stderr, result.stderr


@pytest.fixture(scope="module")
def shared_authority(tmp_path_factory) -> CertificateAuthority:
    return CertificateAuthority.load_or_create(tmp_path_factory.mktemp("shared") / "ca")


class _Connection:
    """What the SNI callback sees of a connection: a context it may replace."""

    context = None


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text[1:-1] if text.startswith("[") else text)
    except ValueError:
        return False
    return True


carrier_hosts = sorted(CARRIERS.hosts)
spellings = st.sampled_from(carrier_hosts).flatmap(
    lambda host: st.sampled_from([host, host.upper(), host + ".", host.title() + "."])
)
host_names = st.one_of(
    spellings,
    st.sampled_from(
        [
            "localhost",
            "LocalHost.",
            "127.0.0.1",
            "::1",
            "[::1]",
            "10.1.2.3",
            "",
            ".",
            "*.parcel2go.com",
            "www.parcel2go.com..",
            "a_b.example",
        ]
    ),
    st.from_regex(r"[A-Za-z0-9.\-_*\[\]:%]{1,40}", fullmatch=True),
    st.text(max_size=80),
)


@given(host=host_names)
def test_any_server_name_is_served_or_refused_never_an_error(shared_authority, host):
    context = shared_authority.server_context(carrier_hosts)
    connection = _Connection()
    result = context.sni_callback(connection, host, context)
    name = host.lower().removesuffix(".")
    if host.isascii() and name in CARRIERS.hosts:
        assert result is None and connection.context is shared_authority.leaf_context(name)
    elif result is None:  # the localhost leaf
        assert connection.context is shared_authority.leaf_context("localhost")
        assert name == "localhost" or _is_ip(host.lower())
    else:
        assert result == ssl.ALERT_DESCRIPTION_UNRECOGNIZED_NAME and connection.context is None
