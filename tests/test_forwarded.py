"""Reverse proxies: X-Forwarded-Proto/-Host/-Port and RFC 7239 Forwarded are believed from a trusted
peer only (loopback unless `trust_forwarded` says otherwise), the last value (the peer's own) wins,
and whatever the headers hold, a bad value is ignored and nothing fails."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from support import examples

from mock_carriers.cli import main
from mock_carriers.settings import Settings

DISCOVERY = "/ns/t42/parcel2go/auth/.well-known/openid-configuration"
PLAIN = "http://127.0.0.1:8080"
UNCHANGED = f"{PLAIN}/ns/t42/parcel2go/auth"
PROPERTY = settings(
    max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def issuer(http, headers: dict, peer: str = "127.0.0.1", path: str = DISCOVERY) -> str:
    """Where the discovery document says the identity server is: the links' root, as the mock saw the request."""
    environ = {
        "REMOTE_ADDR": peer,
        **{"HTTP_" + name.upper().replace("-", "_"): value for name, value in headers.items()},
    }
    response = http.get(path, base_url=PLAIN, environ_overrides=environ)
    assert response.status_code == 200, response.data
    return response.get_json()["issuer"]


@pytest.mark.parametrize(
    "headers, root",
    [
        ({"X-Forwarded-Proto": "HTTPS"}, "https://127.0.0.1:8080"),
        ({"X-Forwarded-Host": "mock.example.test"}, "http://mock.example.test"),
        ({"X-Forwarded-Port": "8443"}, "http://127.0.0.1:8443"),
        ({"X-Forwarded-Proto": "https", "X-Forwarded-Host": "mock.example.test:443"}, "https://mock.example.test"),
        (
            {"X-Forwarded-Proto": "http", "X-Forwarded-Host": "mock.example.test", "X-Forwarded-Port": "80"},
            "http://mock.example.test",
        ),
        ({"X-Forwarded-Host": "[2001:db8::7]:9000"}, "http://[2001:db8::7]:9000"),
        (
            {"X-Forwarded-Proto": "http, https", "X-Forwarded-Host": "spoofed.example, mock.example.test"},
            "https://mock.example.test",
        ),
        ({"Forwarded": 'Proto=HTTPS;Host="mock.example.test:8443"'}, "https://mock.example.test:8443"),
        (
            {"Forwarded": "proto=http;host=spoofed.example, for=10.1.2.3;proto=https;host=mock.example.test"},
            "https://mock.example.test",
        ),
        ({"Forwarded": "proto=https", "X-Forwarded-Host": "mock.example.test"}, "https://mock.example.test"),
        ({"Forwarded": "host=mock.example.test", "X-Forwarded-Host": "other.example"}, "http://mock.example.test"),
        (
            {"Forwarded": "proto=https;host=mock.example.test", "X-Forwarded-Port": "8443"},
            "https://mock.example.test:8443",
        ),
    ],
)
def test_a_trusted_proxy_says_what_the_client_used(client, headers, root):
    assert issuer(client, headers) == f"{root}/ns/t42/parcel2go/auth"


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Forwarded-Proto": "ftp"},
        {"X-Forwarded-Proto": "https, "},
        {"X-Forwarded-Host": "evil.example/path"},
        {"X-Forwarded-Host": "a b"},
        {"X-Forwarded-Host": "mock.example.test:99999"},
        {"X-Forwarded-Host": "[::1"},
        {"X-Forwarded-Host": "[not:v6]"},
        {"X-Forwarded-Host": "user@mock.example.test"},
        {"X-Forwarded-Port": "0"},
        {"X-Forwarded-Port": "65536"},
        {"X-Forwarded-Port": "\u0663"},
        {"X-Forwarded-Port": "-1"},
        {"Forwarded": 'proto=https;host="unterminated'},
        {"Forwarded": "proto=https;proto=http"},
        {"Forwarded": "proto=https host=mock.example.test"},
        {"Forwarded": "proto = https"},
        {"Forwarded": "proto=https, "},
        {"Forwarded": "host=mock.example.test:8443"},
        {"Forwarded": ";;,,"},
    ],
)
def test_a_bad_forwarded_value_is_ignored(client, headers):
    assert issuer(client, headers) == UNCHANGED


def test_host_routing_and_the_journal_see_the_forwarded_host(client):
    response = client.get(
        "/auth/.well-known/openid-configuration",
        base_url=PLAIN,
        headers={"X-Forwarded-Proto": "https", "X-Forwarded-Host": "www.parcel2go.com"},
    )
    assert response.get_json()["issuer"] == "https://www.parcel2go.com/auth"
    [entry] = client.get("/__admin/namespaces/default/journal?carrier=parcel2go").get_json()["entries"]
    assert entry["request"]["headers"]["Host"] == "www.parcel2go.com"


def test_the_admin_document_gives_base_urls_as_the_client_reached_the_mock(client):
    direct = client.put("/__admin/namespaces/t42", base_url="https://mock.example.test").get_json()
    assert direct["carriers"]["bex"]["base_url"] == "https://mock.example.test/ns/t42/bex"
    proxied = client.get(
        "/__admin/namespaces/t42", base_url=PLAIN, headers={"Forwarded": "proto=https;host=mock.example.test"}
    ).get_json()
    assert proxied["carriers"]["bex"]["base_url"] == "https://mock.example.test/ns/t42/bex"


@pytest.mark.parametrize(
    "peer, trusted",
    [
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("::1", True),
        ("::ffff:127.0.0.1", True),
        ("10.0.0.5", False),
        ("::2", False),
        ("", False),
        ("not an address", False),
    ],
)
def test_only_loopback_is_trusted_by_default(client, peer, trusted):
    found = issuer(client, {"X-Forwarded-Proto": "https"}, peer=peer)
    assert found == (UNCHANGED.replace("http:", "https:") if trusted else UNCHANGED)


@pytest.mark.parametrize(
    "trust, peer, trusted",
    [
        ("10.0.0.0/8", "10.0.0.5", True),
        ("10.0.0.0/8", "127.0.0.1", False),
        ("10.0.0.5, 192.168.0.0/16", "192.168.4.4", True),
        (("2001:db8::/32", "10.0.0.5"), "2001:db8::1", True),
        ("*", "203.0.113.9", True),
        ("none", "127.0.0.1", False),
        ("NONE", "127.0.0.1", False),
    ],
)
def test_trust_forwarded_widens_or_narrows_the_trusted_peers(make_app, trust, peer, trusted):
    found = issuer(make_app(trust_forwarded=trust).test_client(), {"X-Forwarded-Proto": "https"}, peer=peer)
    assert found == (UNCHANGED.replace("http:", "https:") if trusted else UNCHANGED)


def test_the_environment_sets_the_trusted_peers(make_app):
    settings = Settings.from_env({"MOCK_CARRIERS_TRUST_FORWARDED": "10.0.0.0/8,::1"})
    assert settings.trust_forwarded == "10.0.0.0/8,::1"
    http = make_app(trust_forwarded=settings.trust_forwarded).test_client()
    assert issuer(http, {"X-Forwarded-Proto": "https"}, peer="10.0.0.5").startswith("https://")
    assert issuer(http, {"X-Forwarded-Proto": "https"}, peer="127.0.0.1") == UNCHANGED


@pytest.mark.parametrize("trust", ["10.0.0.0/33", "localhost", "", " , ", "*,10.0.0.0/8", "none,::1"])
def test_a_bad_trust_forwarded_value_is_refused_by_name(make_app, trust):
    with pytest.raises(ValueError, match="trust_forwarded"):
        make_app(trust_forwarded=trust)


def test_serve_refuses_a_bad_trust_forwarded_value():
    result = CliRunner().invoke(
        main, ["serve", "--port", "0", "--trust-forwarded", "10.0.0.0/8", "--trust-forwarded", "proxy.internal"]
    )
    assert result.exit_code != 0 and "'proxy.internal' is not an IP address or CIDR range" in result.output


# --- whatever the headers hold -----------------------------------------------------------------------

PIECES = [
    "proto",
    "host",
    "for",
    "by",
    "=",
    ";",
    ",",
    '"',
    "\\",
    " ",
    "\t",
    "https",
    "http",
    "HTTPS",
    ":",
    "443",
    "8443",
    "99999",
    "[",
    "]",
    "::1",
    "mock.example.test",
    "127.0.0.1",
    "\u00e9",
    "\x00",
    "/",
    "@",
]
values = st.one_of(
    st.text(st.characters(max_codepoint=255), max_size=60), st.lists(st.sampled_from(PIECES), max_size=20).map("".join)
)
HEADERS = ("Forwarded", "X-Forwarded-Proto", "X-Forwarded-Host", "X-Forwarded-Port")
ROOT = r"https?://(?:[A-Za-z0-9][A-Za-z0-9_.-]*|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?"


@PROPERTY
@given(st.dictionaries(st.sampled_from(HEADERS), values, min_size=1))
@example({"X-Forwarded-Host": "0.."})  # an empty label: no URL can be made of it
@example({"X-Forwarded-Host": "0_"})  # an underscore: Werkzeug refuses it as a Host
def test_any_forwarded_headers_from_a_trusted_peer_give_a_well_formed_link_or_none(client, headers):
    import re

    assert re.fullmatch(ROOT + "/ns/t42/parcel2go/auth", issuer(client, headers))


@PROPERTY
@given(st.dictionaries(st.sampled_from(HEADERS), values, min_size=1))
def test_forwarded_headers_from_an_untrusted_peer_change_nothing(client, headers):
    assert issuer(client, headers, peer="10.0.0.5") == UNCHANGED


LABEL = r"[a-z0-9](?:[a-z0-9-]{0,10}[a-z0-9])?"
hosts = st.from_regex(rf"{LABEL}(?:\.{LABEL}){{0,3}}", fullmatch=True)


@PROPERTY
@given(st.sampled_from(["http", "https"]), hosts, st.integers(1, 65535), st.booleans())
def test_any_valid_forwarded_values_are_taken_exactly(client, proto, host, port, standard):
    default = {"http": 80, "https": 443}[proto]
    expected = f"{proto}://{host}{'' if port == default else f':{port}'}/ns/t42/parcel2go/auth"
    header = (
        {"Forwarded": f'for=192.0.2.1;proto={proto};host="{host}:{port}"'}
        if standard
        else {"X-Forwarded-Proto": proto, "X-Forwarded-Host": host, "X-Forwarded-Port": str(port)}
    )
    assert issuer(client, header) == expected
