"""pytest plugin (auto-registered): `carriers_server`, `carriers` and `webhook_sink` fixtures.

    def test_tracking(carriers):
        client = MyClient(carriers.url("border-express"), **carriers.credentials("border-express"))

Each test gets a fresh namespace, dropped afterwards, so tests (and pytest-xdist workers) never
share state. `--mock-carriers-url` (or MOCK_CARRIERS_URL) uses a server already running, e.g. a
container; otherwise one starts in-process on a free loopback port, once per session.
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


@pytest.fixture(scope="session")
def carriers_server(request: pytest.FixtureRequest):
    """The MockCarriers server of this test session (per xdist worker)."""
    from mock_carriers.client import MockCarriers

    url = request.config.getoption("--mock-carriers-url")
    token = request.config.getoption("--mock-carriers-admin-token")
    mock = MockCarriers.connect(url, token) if url else MockCarriers.start()
    yield mock
    mock.stop()


@pytest.fixture
def carriers(carriers_server):
    """A fresh Sandbox (namespace) for one test, dropped after it."""
    sandbox = carriers_server.sandbox()
    yield sandbox
    sandbox.drop()


@pytest.fixture
def webhook_sink():
    """A real webhook receiver on 127.0.0.1 that records requests and answers chosen statuses."""
    from mock_carriers.webhook_sink import WebhookSink

    sink = WebhookSink()
    yield sink
    sink.stop()
