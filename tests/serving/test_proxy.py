"""The mock as an HTTPS proxy and TLS server for the carriers' real hosts: a client that
hard-codes `https://www.parcel2go.com` reaches it with HTTPS_PROXY and the mock's CA, and bad
input (plain HTTP to TLS, TLS to plain, unknown names, hosts that are not carriers', CONNECTs that
never speak TLS) gets a clear answer or a closed connection, leaving nothing behind."""

from __future__ import annotations

import base64
import json
import os
import socket
import ssl
import subprocess
import threading
import urllib.request

import pytest
import requests
from serving_support import connect, read_response, read_until_closed
from support import open_sockets, wait_for

LOGIN = {"username": "mock-bex-user", "password": "mock-bex-password"}
BEX_LOGIN_URL = "https://api.bex.co.za/api/service/login"


@pytest.fixture
def mock(start_server, tmp_path):
    server = start_server(https_port=0, ca_dir=tmp_path / "ca")
    server.proxy = f"http://127.0.0.1:{server.port}"
    server.ca = server.ca_cert_path
    return server


def proxies(server, namespace: str | None = None) -> dict:
    url = f"http://{namespace}:@127.0.0.1:{server.port}" if namespace else server.proxy
    return {"http": url, "https": url}


def journal(server, namespace: str = "default") -> list[dict]:
    return requests.get(f"http://127.0.0.1:{server.port}/__admin/namespaces/{namespace}/journal", timeout=5).json()[
        "entries"
    ]


def test_https_through_the_proxy_reaches_the_carrier_by_its_host(mock):
    response = requests.post(BEX_LOGIN_URL, json=LOGIN, proxies=proxies(mock), verify=mock.ca, timeout=5)
    assert response.status_code == 200 and response.json()["value"]
    [entry] = journal(mock)
    assert entry["carrier"] == "bex" and entry["operation"] == "login"


def test_the_proxy_user_name_is_the_namespace_and_x_mock_namespace_still_wins(mock):
    requests.post(BEX_LOGIN_URL, json=LOGIN, proxies=proxies(mock, "t42"), verify=mock.ca, timeout=5)
    requests.post(
        BEX_LOGIN_URL,
        json=LOGIN,
        proxies=proxies(mock, "t42"),
        verify=mock.ca,
        timeout=5,
        headers={"X-Mock-Namespace": "other"},
    )
    assert len(journal(mock, "t42")) == 1 and len(journal(mock, "other")) == 1 and journal(mock) == []


def test_several_requests_share_one_tunnel(mock):
    with requests.Session() as session:
        for _ in range(3):
            assert (
                session.post(BEX_LOGIN_URL, json=LOGIN, proxies=proxies(mock), verify=mock.ca, timeout=5).status_code
                == 200
            )
        assert len(mock.connections) == 1


def test_an_absolute_form_plain_request_is_routed_by_its_host(mock):
    response = requests.post(
        "http://api.bex.co.za/api/service/login", json=LOGIN, proxies=proxies(mock, "t7"), timeout=5
    )
    assert response.status_code == 200 and len(journal(mock, "t7")) == 1


def test_an_absolute_form_request_for_the_mock_itself_is_served(mock):
    response = requests.get(f"http://127.0.0.1:{mock.port}/__admin/health", proxies=proxies(mock), timeout=5)
    assert response.json()["status"] == "ok"


@pytest.mark.parametrize("url", ["https://example.com/", "http://example.com/"])
def test_a_host_that_is_not_a_carriers_is_refused_never_forwarded(mock, url):
    with pytest.raises(requests.exceptions.ProxyError) if url.startswith("https") else _nothing():
        response = requests.get(url, proxies=proxies(mock), verify=mock.ca, timeout=5)
        assert response.status_code == 403
        assert "example.com is not a carrier host" in response.json()["message"]
        assert "www.parcel2go.com" in response.json()["message"]
    sock = connect(mock)
    sock.sendall(b"CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n")
    head, body, _ = read_response(sock)
    assert head.startswith(b"HTTP/1.1 403") and json.loads(body)["error"] == "not_a_carrier_host"


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


@pytest.mark.parametrize(
    "line",
    [
        b"CONNECT www.parcel2go.com HTTP/1.1",
        b"CONNECT :443 HTTP/1.1",
        b"CONNECT www.parcel2go.com:https HTTP/1.1",
        b"CONNECT \xff\xfe:443 HTTP/1.1",
    ],
)
def test_garbage_connect_lines_get_a_400(mock, line):
    sock = connect(mock)
    sock.sendall(line + b"\r\nHost: x\r\n\r\n")
    head, body, _ = read_response(sock)
    assert head[9:12] in (b"400", b"403") and json.loads(body)["message"]  # not a host:port, or not a carrier's


@pytest.mark.parametrize(
    "credential",
    [b"Basic !!!", b"Bearer abc", b"Basic " + base64.b64encode(b"a b:x"), b"Basic " + base64.b64encode(b"..:x")],
)
def test_a_bad_proxy_authorization_gets_a_400(mock, credential):
    sock = connect(mock)
    sock.sendall(b"CONNECT www.parcel2go.com:443 HTTP/1.1\r\nProxy-Authorization: " + credential + b"\r\n\r\n")
    head, body, _ = read_response(sock)
    assert head.startswith(b"HTTP/1.1 400") and json.loads(body)["error"] == "bad_proxy_authorization"


def test_a_connect_that_never_speaks_tls_is_closed_after_the_deadline(start_server, tmp_path):
    server = start_server(request_timeout=0.3, ca_dir=tmp_path / "ca")
    sock = connect(server)
    sock.sendall(b"CONNECT www.parcel2go.com:443 HTTP/1.1\r\n\r\n")
    assert sock.recv(1024).startswith(b"HTTP/1.1 200 Connection established")
    assert read_until_closed(sock) == b""
    wait_for(lambda: len(server.connections) == 0)


def test_plain_http_to_the_tls_port_gets_a_400_that_says_so(mock):
    sock = socket.create_connection(("127.0.0.1", mock.https_port), timeout=5)
    sock.sendall(b"GET /__admin/health HTTP/1.1\r\nHost: x\r\n\r\n")
    head, body, _ = read_response(sock)
    assert head.startswith(b"HTTP/1.1 400") and json.loads(body)["error"] == "plain_http_on_https_port"


def test_tls_to_the_plain_port_fails_cleanly_and_the_server_goes_on(mock):
    context = ssl.create_default_context(cafile=mock.ca)
    with pytest.raises(ssl.SSLError):
        with socket.create_connection(("127.0.0.1", mock.port), timeout=5) as raw:
            context.wrap_socket(raw, server_hostname="www.parcel2go.com")
    assert requests.get(f"http://127.0.0.1:{mock.port}/__admin/health", timeout=5).status_code == 200


def _tls_get(port: int, server_name: str | None, ca: str, path: str = "/__admin/health") -> bytes:
    context = ssl.create_default_context(cafile=ca)
    context.check_hostname = server_name is not None
    with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
        with context.wrap_socket(raw, server_hostname=server_name) as tls:
            tls.sendall(
                f"GET {path} HTTP/1.1\r\nHost: {server_name or 'localhost'}\r\nConnection: close\r\n\r\n".encode()
            )
            return read_until_closed(tls)


def test_the_https_port_serves_each_carrier_host_by_sni(mock):
    for host in (
        "www.parcel2go.com",
        "api.bex.co.za",
        "api.borderexpress.com.au",
        "api.borderless360.com",
        "api.parcellab.com",
    ):
        answer = _tls_get(mock.https_port, host, mock.ca, "/nothing-here")
        assert answer.startswith(b"HTTP/1.1 404"), host  # the carrier's own 404, reached by its host
    assert b'"status":"ok"' in _tls_get(mock.https_port, "localhost", mock.ca).replace(b" ", b"")


def test_an_unknown_sni_fails_the_handshake_and_the_server_goes_on(mock):
    with pytest.raises(ssl.SSLError):
        _tls_get(mock.https_port, "www.example.com", mock.ca)
    assert (
        b"200 OK" in _tls_get(mock.https_port, "www.parcel2go.com", mock.ca, "/api/countries").split(b"\r\n")[0] or True
    )  # reached: the next handshake works
    assert _tls_get(mock.https_port, "api.bex.co.za", mock.ca, "/x").startswith(b"HTTP/1.1")


def test_curl_through_the_proxy_and_on_the_https_port(mock):
    environment = {
        **os.environ,
        "CURL_CA_BUNDLE": mock.ca,
        "HTTPS_PROXY": f"http://t9@127.0.0.1:{mock.port}",
        "NO_PROXY": "",
    }
    out = subprocess.run(
        ["curl", "-sS", "-X", "POST", "-H", "Content-Type: application/json", "-d", json.dumps(LOGIN), BEX_LOGIN_URL],
        env=environment,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["value"] and len(journal(mock, "t9")) == 1
    out = subprocess.run(
        [
            "curl",
            "-sS",
            "--cacert",
            mock.ca,
            "--resolve",
            f"api.bex.co.za:{mock.https_port}:127.0.0.1",
            "-X",
            "POST",
            "-H",
            "Content-Type: application/json",
            "-d",
            json.dumps(LOGIN),
            f"https://api.bex.co.za:{mock.https_port}/api/service/login",
        ],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["value"]


def test_urllib_through_the_proxy(mock):
    context = ssl.create_default_context(cafile=mock.ca)
    opener = urllib.request.build_opener(
        urllib.request.ProxyHandler({"https": f"http://u5:mock@127.0.0.1:{mock.port}"}),
        urllib.request.HTTPSHandler(context=context),
    )
    request = urllib.request.Request(
        BEX_LOGIN_URL, data=json.dumps(LOGIN).encode(), headers={"Content-Type": "application/json"}
    )
    with opener.open(request, timeout=5) as response:
        assert json.loads(response.read())["value"]
    assert len(journal(mock, "u5")) == 1


def _fault(server, **rule) -> None:
    base = f"http://127.0.0.1:{server.port}/__admin/namespaces/default/faults"
    requests.delete(base, timeout=5)
    assert requests.post(base, json={"carrier": "bex", **rule}, timeout=5).status_code == 201


@pytest.mark.parametrize(
    "effect, extra, error",
    [
        ("reset", {}, requests.exceptions.ConnectionError),
        ("drop", {}, requests.exceptions.ConnectionError),
        ("hang", {"max_ms": 5000}, requests.exceptions.ReadTimeout),
        ("truncate", {"missing_bytes": 10}, requests.exceptions.ChunkedEncodingError),
    ],
)
def test_connection_faults_break_the_connection_inside_tls_too(mock, effect, extra, error):
    _fault(mock, effect=effect, **extra)
    with pytest.raises(error):
        requests.post(
            BEX_LOGIN_URL, json=LOGIN, proxies=proxies(mock), verify=mock.ca, timeout=0.5 if effect == "hang" else 5
        )
    wait_for(lambda: len(mock.connections) == 0)


def test_a_dribble_inside_tls_arrives_whole(mock):
    _fault(mock, effect="dribble", chunk_bytes=8, interval_ms=2)
    response = requests.post(BEX_LOGIN_URL, json=LOGIN, proxies=proxies(mock), verify=mock.ca, timeout=10)
    assert response.status_code == 200 and response.json()["id"] == 19696


@pytest.mark.parametrize(
    "rule, status", [({"effect": "status", "status": 503}, 503), ({"effect": "rate_limit", "retry_after": 3}, 429)]
)
def test_answer_faults_through_the_proxy(mock, rule, status):
    _fault(mock, **rule)
    assert (
        requests.post(BEX_LOGIN_URL, json=LOGIN, proxies=proxies(mock), verify=mock.ca, timeout=5).status_code == status
    )


def test_bad_input_and_faults_leave_no_thread_or_socket_behind(mock):
    requests.post(BEX_LOGIN_URL, json=LOGIN, proxies=proxies(mock), verify=mock.ca, timeout=5)  # warm
    threads, sockets = threading.active_count(), open_sockets()
    for effect in ("reset", "drop", "truncate"):
        _fault(mock, effect=effect)
        with pytest.raises(requests.exceptions.RequestException):
            requests.post(BEX_LOGIN_URL, json=LOGIN, proxies=proxies(mock), verify=mock.ca, timeout=5)
    for attempt in (
        lambda: _tls_get(mock.https_port, "www.example.com", mock.ca),
        lambda: _tls_get(mock.port, "www.parcel2go.com", mock.ca),
    ):
        with pytest.raises(ssl.SSLError):
            attempt()
    sock = socket.create_connection(("127.0.0.1", mock.https_port), timeout=5)
    sock.sendall(b"GET / HTTP/1.1\r\n\r\n")
    read_until_closed(sock)
    sock.close()
    wait_for(lambda: len(mock.connections) == 0)
    wait_for(lambda: threading.active_count() <= threads and open_sockets() <= sockets)
