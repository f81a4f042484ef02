"""pytest plugin (auto-registered): `carriers_server`, `carriers` and `webhook_sink` fixtures.

    def test_tracking(carriers):
        client = MyClient(carriers.url("border-express"), **carriers.credentials("border-express"))

Each test gets a fresh namespace, dropped afterwards, so tests (and pytest-xdist workers) never
share state. `--mock-carriers-url` (or MOCK_CARRIERS_URL) uses a server already running, e.g. a
container; otherwise one starts in-process on a free loopback port, once per session.

`carriers_proxy` is the same namespace with HTTPS_PROXY (and the CA bundle) set for the test, so a
client that hard-codes `https://www.parcel2go.com` and the like reaches it unchanged.

The namespace is in strict mode: a request that breaks its carrier's contract fails the test that
sent it, with the rule and the JSON path (`--mock-carriers-strict=off`, or the marker
`carriers_strict(False)`, turns that off).
"""

from __future__ import annotations

import os

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("mock-carriers")
    group.addoption("--mock-carriers-url", default=os.environ.get("MOCK_CARRIERS_URL"),
                    help="use the mock-carriers server at this URL instead of starting one")
    group.addoption("--mock-carriers-admin-token", default=os.environ.get("MOCK_CARRIERS_ADMIN_TOKEN"),
                    help="admin token of that server, if it has one")
    group.addoption("--mock-carriers-strict", choices=("on", "off"), default="on",
                    help="fail a test whose requests break a carrier's contract (default: on)")


@pytest.fixture(scope="session")
def carriers_server(request: pytest.FixtureRequest):
    """The MockCarriers server of this test session (per xdist worker)."""
    from mock_carriers.client import MockCarriers

    url = request.config.getoption("--mock-carriers-url")
    token = request.config.getoption("--mock-carriers-admin-token")
    mock = MockCarriers.connect(url, token) if url else MockCarriers.start()
    yield mock
    mock.stop()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "carrier_scenario(path): apply this scenario file (relative to the test "
                                       "file) to the test's `carriers` namespace first")
    config.addinivalue_line("markers", "carriers_strict(on): whether the test's `carriers` namespace checks "
                                       "requests against the contracts (default: --mock-carriers-strict)")


@pytest.fixture
def carriers(carriers_server, request: pytest.FixtureRequest):
    """A fresh Sandbox (namespace) for one test, dropped after it; with the `carrier_scenario`
    marker, the scenario's world (its own `namespace` is ignored: each test keeps its own)."""
    sandbox = carriers_server.sandbox(strict=_strict(request))
    marker = request.node.get_closest_marker("carrier_scenario")
    if marker is not None:
        sandbox.apply_scenario(request.path.parent / marker.args[0])
    yield sandbox
    sandbox.drop()


def _strict(request: pytest.FixtureRequest) -> bool:
    marker = request.node.get_closest_marker("carriers_strict")
    if marker is not None:
        return bool(marker.args[0]) if marker.args else True
    return request.config.getoption("--mock-carriers-strict") == "on"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    """After a test passes, fail it if its requests broke a carrier's contract."""
    result = yield
    sandbox = getattr(item, "funcargs", {}).get("carriers")
    violations = sandbox.violations() if sandbox is not None else []
    if violations:
        from mock_carriers.client import violation_report

        pytest.fail(violation_report(violations) + "\n  (a test that breaks the contract on purpose: "
                    "carriers.violations(clear=True) takes them, or mark it carriers_strict(False))", pytrace=False)
    return result


@pytest.fixture
def carriers_proxy(carriers, monkeypatch: pytest.MonkeyPatch):
    """The test's `carriers` namespace, with the environment set (for the test only) so that a
    client calling the carriers' real hosts over HTTPS reaches it through the mock as a proxy,
    trusting the mock's CA: the client runs with no change at all."""
    for name, value in carriers.proxy_env().items():
        monkeypatch.setenv(name, value)
    return carriers


@pytest.fixture
def webhook_sink():
    """A real webhook receiver on 127.0.0.1 that records requests and answers chosen statuses."""
    from mock_carriers.webhook_sink import WebhookSink

    sink = WebhookSink()
    yield sink
    sink.stop()
