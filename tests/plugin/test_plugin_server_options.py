"""The plugin's server options as a user's suite sees them: a server given by URL that cannot serve
is one usage error before any test runs; the in-process server's host and port can be chosen."""

import socket

import pytest
from support import OTHER_PLUGINS_OFF

from mock_carriers import MockCarriers
from mock_carriers.webhook_sink import WebhookSink

pytest_plugins = ["pytester"]

THREE_TESTS = """
def test_one(carriers):
    pass

def test_two(carriers):
    pass

def test_three(carriers):
    pass
"""


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def free_ports(count: int) -> int:
    """The first of `count` consecutive ports free on 127.0.0.1 just now."""
    for _ in range(50):
        first = closed_port()
        sockets = []
        try:
            for port in range(first, first + count):
                sock = socket.socket()
                sockets.append(sock)
                sock.bind(("127.0.0.1", port))
            return first
        except OSError:
            continue
        finally:
            for sock in sockets:
                sock.close()
    raise AssertionError("no run of free ports")


def usage_error(pytester, *args, tests: str = THREE_TESTS):
    """The one ERROR line of a run that stopped before any test (in this process: it is quicker,
    and the plugin is the same; with -n, xdist's workers are processes of their own)."""
    pytester.makepyfile(test_three=tests)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", *OTHER_PLUGINS_OFF, *args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "Traceback" not in result.stdout.str() + result.stderr.str()
    assert "test_one" not in result.stdout.str()  # no test ran
    [line] = [line for line in result.stderr.lines if line.startswith("ERROR:")]
    return line


@pytest.mark.parametrize("url", ["localhost:8080", "ftp://127.0.0.1:8080"])
def test_a_url_without_an_http_scheme_is_one_usage_error(pytester, url):
    line = usage_error(pytester, "--mock-carriers-url", url)
    assert line == (
        f"ERROR: --mock-carriers-url (or MOCK_CARRIERS_URL) {url}: give the scheme and host, "
        f"such as http://127.0.0.1:8080"
    )


@pytest.mark.parametrize("workers", [[], ["-n", "2"]])
def test_a_url_nothing_answers_is_one_usage_error(pytester, workers):
    url = f"http://127.0.0.1:{closed_port()}"
    line = usage_error(pytester, "--mock-carriers-url", url, *workers)
    assert line.startswith(
        f"ERROR: --mock-carriers-url (or MOCK_CARRIERS_URL) {url}: no server answers (ConnectionError): start one"
    )


def test_the_environment_variable_is_checked_the_same_way(pytester, monkeypatch):
    monkeypatch.setenv("MOCK_CARRIERS_URL", "127.0.0.1:8080")
    assert "give the scheme and host" in usage_error(pytester)


WEBHOOKS_TEST = """
def test_webhooks(carriers, webhook_sink):
    carriers.webhooks.subscribe("parcellab", webhook_sink.url)
    carriers.clock.freeze()
    carriers.clock.advance("1h")
    webhook_sink.wait_for(2)
    assert len(carriers.webhooks.deliveries("parcellab")) == 2
    assert carriers.journal("parcellab") == []
"""


def test_a_server_with_an_admin_token_needs_it(pytester):
    with MockCarriers.start(admin_token="s3cret") as mock:
        line = usage_error(pytester, "--mock-carriers-url", mock.url)
        assert "the server has an admin token: give it with --mock-carriers-admin-token" in line
        pytester.makepyfile(test_webhooks=WEBHOOKS_TEST)
        pytester.runpytest_inprocess(
            "-p", "no:cacheprovider", "--mock-carriers-url", mock.url, "--mock-carriers-admin-token", "s3cret"
        ).assert_outcomes(passed=4)


def test_a_server_that_is_not_the_mock_is_named_so(pytester):
    sink = WebhookSink()  # answers 200 with no body to anything
    try:
        line = usage_error(pytester, "--mock-carriers-url", sink.url.removesuffix("/hook"))
    finally:
        sink.stop()
    assert "not a mock-carriers server? GET /__admin/health answered" in line


@pytest.mark.parametrize(
    "args, message",
    [
        (["--mock-carriers-port", "70000"], "--mock-carriers-port 70000: a port is 0 (a free one) to 65535"),
        (
            ["--mock-carriers-url", "http://127.0.0.1:1", "--mock-carriers-port", "8080"],
            "--mock-carriers-host and --mock-carriers-port are for the server the plugin starts",
        ),
    ],
)
def test_contradictory_or_impossible_options_are_usage_errors(pytester, args, message):
    assert message in usage_error(pytester, *args)


PORT_TEST = """
import os

def test_port(carriers_server, carriers):
    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))
    assert carriers_server.url == f"http://HOST:{PORT + worker}"
    assert carriers.url("bex") == f"http://HOST:{PORT + worker}/ns/{carriers.name}/bex"
"""


def test_the_in_process_server_takes_a_port_one_per_worker(pytester):
    port = free_ports(2)
    pytester.makepyfile(
        test_port=PORT_TEST.replace("HOST", "127.0.0.1").replace("PORT", str(port))
        + "\n\ndef test_again(carriers_server, carriers):\n    test_port(carriers_server, carriers)\n"
    )
    result = pytester.runpytest_inprocess(
        "-p", "no:cacheprovider", *OTHER_PLUGINS_OFF, "--mock-carriers-port", str(port), "-n", "2"
    )
    result.assert_outcomes(passed=2)


HOST_TEST = """
import requests

def test_host(carriers_server, carriers):
    assert carriers_server.url.startswith("http://[::1]:")
    assert carriers.url("bex").startswith(carriers_server.url + "/ns/")
    assert requests.get(carriers.url("bex") + "/nothing", timeout=5).status_code == 404
    carriers.violations(clear=True)
"""


def test_the_in_process_server_takes_a_host(pytester):
    pytester.makepyfile(test_host=HOST_TEST)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "--mock-carriers-host", "::1")
    result.assert_outcomes(passed=1)
