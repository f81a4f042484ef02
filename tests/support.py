"""Helpers the tests import by name (`from support import ...`): carriers' paths and test credentials,
token fetches, and the sandbox of an in-process app. Fixtures stay in conftest.py, which tests never
import (that breaks under `--import-mode=importlib`)."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit

import pytest
import requests
from bodies import P2G_QUOTE_PARCEL, p2g_order_with
from hypothesis import settings
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

from mock_carriers.client import MockCarriers, Sandbox

BE = "/border-express"


def be_token(
    client, prefix: str = BE, client_id: str = "mock-be-client", secret: str = "mock-be-secret", **kwargs
) -> str:
    response = client.post(
        f"{prefix}/token",
        data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret},
        **kwargs,
    )
    assert response.status_code == 200, response.data
    return response.get_json()["access_token"]


def bearer(token: str) -> dict:
    return {"Authorization": f"bearer {token}"}


BEX = "/bex"
BEX_LOGIN = {"username": "mock-bex-user", "password": "mock-bex-password"}
BEX_WAYBILL = {  # a waybill the default fixtures accept (submitting it sends waybill_update)
    "accountNumber": "ACC1001",
    "serviceCode": "ONC",
    "senderSuburb": "Sandton",
    "receiverSuburb": "Umhlanga",
    "receiverContactName": "Priya Naidoo",
    "dimensions": [{"dimension1": 10, "dimension2": 10, "dimension3": 10, "weight": 2}],
}


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


def p2g_checkout(carriers, client) -> dict:
    """The example Parcel2Go client's whole checkout in a namespace (`carriers`): quote, a collection
    date, order, pay. Answers the order."""
    service = carriers.references("parcel2go")["domestic_service"]
    quotes = client.quote([P2G_QUOTE_PARCEL])
    assert service in [q["Service"]["Slug"] for q in quotes]
    assert quotes == sorted(quotes, key=lambda q: q["TotalPrice"])
    first_date = client.collection_dates(service, "YO12 7JZ")[0]
    order = client.create_order(p2g_order_with(Service=service, CollectionDate=first_date, Upsells=[]))
    client.pay_with_prepay(order)
    return order


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


class CarrierSandbox:
    """One carrier's webhook subscriptions, outbox and clock in a fresh namespace of a live server,
    through the package's Sandbox (`sandbox` for the rest of it)."""

    def __init__(self, url: str, carrier: str, namespace: str = "default", **options) -> None:
        self.url, self.carrier = url, carrier
        self.sandbox = MockCarriers.connect(url).sandbox(namespace, **options)
        self.clock = self.sandbox.clock

    def subscribe(self, receiver_url: str, **extra) -> dict:
        return self.sandbox.webhooks.subscribe(self.carrier, receiver_url, **extra)

    def deliveries(self) -> list[dict]:
        return self.sandbox.webhooks.deliveries(self.carrier)


PL = "/parcellab"
PL_AUTH = {"Authorization": "Parcellab-API-Token " + __import__("base64").b64encode(b"1612197:mock-pl-token").decode()}


# What a user's suite needs in a process pytester starts (xdist's workers, say) is pytest, xdist and
# this plugin. Each other plugin installed here would be imported, and its modules assertion-rewritten,
# by every such process: about two seconds of CPU each, for nothing the tests look at.
OTHER_PLUGINS_OFF = ("-p", "no:schemathesis", "-p", "no:anyio", "-p", "no:hypothesispytest")


IN_PROCESS = "http://in-process.invalid"


class _TestClientAdapter(BaseAdapter):
    """requests' transport onto a Flask test client: the package's client talks to an in-process app."""

    def __init__(self, client) -> None:
        super().__init__()
        self._client = client

    def send(self, request: requests.PreparedRequest, **kwargs) -> requests.Response:
        parts = urlsplit(request.url)
        answer = self._client.open(
            parts.path,
            method=request.method,
            query_string=parts.query,
            data=request.body,
            headers=dict(request.headers),
        )
        response = requests.Response()
        response.status_code, response._content = answer.status_code, answer.get_data()
        response.headers = CaseInsensitiveDict(answer.headers)
        response.url, response.request, response.encoding = request.url, request, "utf-8"
        return response

    def close(self) -> None:
        pass


def sandbox(client, name: str = "default", **options) -> Sandbox:
    """A fresh namespace `name` of the app behind a Flask test client, as the package's Sandbox;
    `options` as MockCarriers.sandbox takes them. Get it before the test's first request to the
    namespace: it replaces the namespace."""
    session = requests.Session()
    session.mount(IN_PROCESS, _TestClientAdapter(client))
    return MockCarriers(IN_PROCESS, session=session).sandbox(name, **options)


def examples(default: int) -> int:
    """How many examples a property gets that has `default` in the suite's default hypothesis profile:
    ten times as many under `pytest --hypothesis-profile=thorough` (which sets max_examples to 1000)."""
    return max(1, round(default * settings().max_examples / 100))


def wait_for(condition: Callable[[], object], timeout: float = 10.0, what: str = "the condition") -> None:
    """Poll `condition` until it holds; fail the test if it never does (a wait, not a speed check)."""
    give_up = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > give_up:
            pytest.fail(f"{what} never held")
        time.sleep(0.01)


def open_sockets() -> int:
    """This process's open sockets, counted through /proc (Linux, where the suite runs)."""
    count = 0
    for fd in os.listdir("/proc/self/fd"):
        try:
            count += os.readlink(f"/proc/self/fd/{fd}").startswith("socket:")
        except OSError:  # closed between listing and reading
            pass
    return count


CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")


def chromium_driver(*flags: str, size: str = "1280,1000"):
    """Headless Chromium from Debian's `chromium`, driven by selenium through Debian's
    `chromium-driver` (nothing is downloaded). Without them the test fails, saying what to install:
    a browser test that did not run has not passed. The caller quits the driver."""
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.fail(
            f"{CHROMIUM} or {CHROMEDRIVER} is missing: `apt-get install chromium chromium-driver` (.ci/run does)",
            pytrace=False,
        )
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in [
        "--headless=new",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--disable-dev-shm-usage",
        f"--window-size={size}",
        *(["--no-sandbox"] if os.geteuid() == 0 else []),
        *flags,
    ]:
        options.add_argument(flag)
    return webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))


class PageServer:
    """One static HTML page at `url` on 127.0.0.1 (another origin than the mock's), for browser tests."""

    def __init__(self, page: bytes) -> None:
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        class Page(BaseHTTPRequestHandler):
            def do_GET(self):
                found = self.path == "/"
                self.send_response(200 if found else 404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(page) if found else 0))
                self.end_headers()
                if found:
                    self.wfile.write(page)

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def in_process_session(client) -> requests.Session:
    """A requests session onto the app behind a Flask test client, for IN_PROCESS and for the URLs
    the app gives out (http://localhost/..., a test client's host); it reads no proxy variables."""
    session = requests.Session()
    session.trust_env = False
    for base in (IN_PROCESS, "http://localhost/"):
        session.mount(base, _TestClientAdapter(client))
    return session


def attempts_in(sandbox: Sandbox, operation: str) -> list[tuple[int, list[str]]]:
    """Each journal entry of `operation` in a namespace, as its status and the fault effects that hit it."""
    return [
        (entry["response"]["status"], [fault["effect"] for fault in entry["faults"]])
        for entry in sandbox.journal(operation=operation)
    ]


def paths_in(value, path=()):
    """Every path to a value inside a JSON-like `value` (keys and indexes; the document itself last)."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from paths_in(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from paths_in(item, (*path, index))
    yield path
