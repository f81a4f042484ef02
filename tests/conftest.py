"""Shared fixtures. Every app the tests build checks each response against contracts/ (one hook,
here), and a test that caused a contract violation fails at teardown."""

from __future__ import annotations

import gc
import importlib
import os
import pkgutil
from pathlib import Path

import head_start
import pytest
from hypothesis import settings

import mock_carriers
from mock_carriers import create_app
from mock_carriers.server import Server
from mock_carriers.settings import Settings

# No deadline: a deadline is a timed assertion, and a loaded CI machine would fail it at random.
# `--hypothesis-profile=thorough` gives every property ten times its examples (see support.examples).
settings.register_profile("mock-carriers", deadline=None)
settings.register_profile("thorough", deadline=None, max_examples=1000)
settings.load_profile("mock-carriers")


ROOT = Path(__file__).resolve().parents[1]


def pytest_collection_finish(session):
    """What collection built (every module, test item, parsed contract) lives to the end of the run:
    moved out of the cycle collector's sight, each full collection during the tests walks only what
    the tests make (the suite spent a tenth of its CPU re-walking it). The tests allocate fast (a
    hypothesis example, a request through the test client), so the youngest generation is collected
    every 10,000 allocations rather than 700: a fourteenth as many collections of each generation (a
    run of the in-process tests made 58 full ones, about 60 ms each), and cyclic garbage is freed a
    little later (the tests that check what is freed disable the collector and count references).
    Then the slow set-ups the selected tests read start ahead of them (tests/head_start.py)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)
    head_start.start(session)


# `__main__` runs the CLI; the deprecated alias `contracts` warns when imported, and only re-exports.
NOT_PRELOADED = ("mock_carriers.__main__", "mock_carriers.contracts")
# What the package imports only when first needed (inside functions).
LAZY_IMPORTS = ("yaml", "yaml.cyaml", "jsonschema", "jsonschema_rs", "referencing", "referencing.jsonschema", "certifi")


@pytest.fixture(scope="session")
def _everything_loaded() -> None:
    """pytester drops every module first imported while it lives (its runs in this process, and the
    test around them). A module of the package, or one it imports lazily, loaded then would later be
    imported a second time, and objects of the first copy (a YAML node, a schema error) would fail
    isinstance checks against the second: so they are all loaded before the first pytester."""
    for module in pkgutil.walk_packages(mock_carriers.__path__, "mock_carriers."):
        if module.name not in NOT_PRELOADED:
            importlib.import_module(module.name)
    for name in LAZY_IMPORTS:
        importlib.import_module(name)
    gc.collect()
    gc.freeze()  # as after collection: each pytester run's collections walk only what it makes


@pytest.fixture
def pytester(_everything_loaded, pytester, monkeypatch):
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


@pytest.fixture(scope="session")
def _shared_app(_violations):
    app = create_app(Settings(check_responses=True, on_contract_violation=_violations.append))
    yield app
    app.extensions["mock_carriers"].namespaces.close()


@pytest.fixture
def app(_shared_app):
    """An app with the default settings. Building one costs more than most tests (werkzeug compiles
    every route), so the tests of a process share it, and every namespace is reset after each test:
    each starts from the shipped world, as in an app of its own. A test that wants other settings,
    or a server (stopping one closes its app), uses make_app."""
    yield _shared_app
    _shared_app.extensions["mock_carriers"].namespaces.clear()


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
