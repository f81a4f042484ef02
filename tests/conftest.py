"""Shared fixtures. Every app the tests build checks each response against contracts/ (one hook,
here), and a test that caused a contract violation fails at teardown."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Callable

import pytest
from hypothesis import settings

from mock_carriers import create_app
from mock_carriers.server import Server
from mock_carriers.settings import Settings

BE = "/border-express"

# No deadline: a deadline is a timed assertion, and a loaded CI machine would fail it at random.
settings.register_profile("mock-carriers", deadline=None)
settings.load_profile("mock-carriers")


ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def pytester(pytester, monkeypatch):
    """pytester, with its subprocesses importing this checkout's mock_carriers (and so its plugin)
    rather than whichever copy is installed in the environment."""
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    return pytester


@pytest.fixture(scope="session")
def _violations() -> list[str]:
    return []


@pytest.fixture(autouse=True)
def no_contract_violations(_violations):
    start = len(_violations)
    yield
    found = _violations[start:]
    assert not found, "responses broke the contract:\n" + "\n".join(found)


@pytest.fixture
def make_settings(_violations, tmp_path):
    def make(**overrides) -> Settings:
        return Settings(check_responses=True, on_contract_violation=_violations.append, **overrides)
    return make


@pytest.fixture
def make_app(make_settings):
    """Apps built for one test, closed after it (their timer threads stop with them)."""
    apps = []

    def make(**overrides):
        apps.append(create_app(make_settings(**overrides)))
        return apps[-1]
    yield make
    for app in apps:
        app.extensions["mock_carriers"].namespaces.close()


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def live_server(make_app):
    """A real server on 127.0.0.1 (free port) for tests that touch sockets; returns its URL."""
    servers = []

    def start(**overrides) -> str:
        server = Server(make_app(**overrides), "127.0.0.1", 0).start()
        servers.append(server)
        return server.url
    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def start_server(make_app):
    """Like live_server, but returns the Server itself, for tests that look into its connections."""
    servers = []

    def start(**overrides) -> Server:
        servers.append(Server(make_app(**overrides), "127.0.0.1", 0).start())
        return servers[-1]
    yield start
    for server in servers:
        server.stop()


def be_token(client, prefix: str = BE, client_id: str = "mock-be-client", secret: str = "mock-be-secret",
             **kwargs) -> str:
    response = client.post(f"{prefix}/token", data={"grant_type": "client_credentials", "client_id": client_id,
                                                    "client_secret": secret}, **kwargs)
    assert response.status_code == 200, response.data
    return response.get_json()["access_token"]


def bearer(token: str) -> dict:
    return {"Authorization": f"bearer {token}"}


BEX = "/bex"
BEX_LOGIN = {"username": "mock-bex-user", "password": "mock-bex-password"}


def bex_token(client, alternate: bool = False, prefix: str = BEX) -> str:
    response = client.post(f"{prefix}/api/service/login", json={**BEX_LOGIN, "preferAlternateToken": alternate})
    return response.get_json()["value"]



P2G = "/parcel2go"
P2G_CLIENT = {"client_id": "mock-p2g-client", "client_secret": "mock-p2g-secret"}
P2G_PUBLIC_ONLY = {"client_id": "mock-p2g-public-only", "client_secret": "mock-p2g-public-secret"}


def p2g_token(client, credentials: dict = P2G_CLIENT, scope: str | None = None, prefix: str = P2G) -> str:
    form = {"grant_type": "client_credentials", **credentials, **({"scope": scope} if scope else {})}
    response = client.post(f"{prefix}/auth/connect/token", data=form)
    assert response.status_code == 200, response.data
    return response.get_json()["access_token"]


def settled(deliveries: Callable[[], list[dict]], attempts: int) -> list[dict]:
    """The outbox's deliveries once the first has recorded the answer to its attempt number
    `attempts` (the receiver gets a POST a moment before the mock has read the answer)."""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        found = deliveries()
        done = found and found[0]["attempts"]
        if done and len(done) >= attempts and (done[-1]["status"] or done[-1]["error"]):
            return found
        time.sleep(0.01)
    raise AssertionError(f"delivery did not record attempt {attempts}: {deliveries()}")


B360 = "/borderless360/api/v1/public_api"
B360_AUTH = {"Authorization": "Token mock-b360-token"}
B360_OTHER = {"Authorization": "Token mock-b360-other-token"}


class AdminCalls:
    """The admin API calls webhook tests make against a live server, for one carrier and namespace."""

    def __init__(self, url: str, carrier: str, namespace: str = "default") -> None:
        import requests

        self._http = requests
        self.url, self.carrier = url, carrier
        self.admin = f"{url}/__admin/namespaces/{namespace}"

    def subscribe(self, receiver_url: str, **extra) -> dict:
        response = self._http.post(f"{self.admin}/webhooks/subscriptions", timeout=5,
                                   json={"carrier": self.carrier, "url": receiver_url, **extra})
        assert response.status_code == 201, response.text
        return response.json()

    def clock(self, **body) -> dict:
        return self._http.post(f"{self.admin}/clock", json=body, timeout=30).json()

    def deliveries(self) -> list[dict]:
        return self._http.get(f"{self.admin}/webhooks?carrier={self.carrier}", timeout=5).json()["deliveries"]


PL = "/parcellab"
PL_AUTH = {"Authorization": "Parcellab-API-Token "
                            + __import__("base64").b64encode(b"1612197:mock-pl-token").decode()}
