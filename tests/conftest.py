"""Shared fixtures. Every app the tests build checks each response against contracts/ (one hook,
here), and a test that caused a contract violation fails at teardown."""

from __future__ import annotations

import pytest

from mock_carriers import create_app
from mock_carriers.server import Server
from mock_carriers.settings import Settings

BE = "/border-express"


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
    return lambda **overrides: create_app(make_settings(**overrides))


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

