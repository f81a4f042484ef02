"""Start-up, reset and per-request cost of the core platform (issue: core platform)."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from functools import cache

import requests

FORM = {"grant_type": "client_credentials", "client_id": "mock-be-client", "client_secret": "mock-be-secret"}
STATUSES = "/border-express/api/v1/consignments/BE10000001/Statuses"


@cache
def _as_installed() -> dict[str, str]:
    """The environment of the timed processes: Python may keep bytecode (in a folder of its own, not
    the checkout), as it has for a pip-installed package; a run before the timed ones writes it."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = tempfile.mkdtemp(prefix="mock-carriers-bench-")
    subprocess.run([sys.executable, "-c", _IN_PROCESS], env=env, capture_output=True, check=True)
    return env


def cold_start(runs: int) -> float:
    """Median ms from spawning `mock-carriers serve --port 0` to its first 200 over loopback."""
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-m", "mock_carriers", "serve", "--port", "0"],
            stdout=subprocess.PIPE,
            text=True,
            env=_as_installed(),
        )
        url = process.stdout.readline().split()[-1]
        while True:
            try:
                if requests.get(f"{url}/__admin/health", timeout=1).status_code == 200:
                    break
            except requests.ConnectionError:
                time.sleep(0.001)
        samples.append((time.perf_counter() - started) * 1000)
        process.terminate()
        process.wait()
    return statistics.median(samples)


_IN_PROCESS = """
import time
started = time.perf_counter()
from mock_carriers import create_app
client = create_app().test_client()
assert client.get("/__admin/health").status_code == 200
print((time.perf_counter() - started) * 1000)
"""


def create_app_first_request(runs: int) -> float:
    """Median ms, in a fresh interpreter each run, of importing, create_app() and the first request."""
    samples = [
        float(
            subprocess.run(
                [sys.executable, "-c", _IN_PROCESS], capture_output=True, text=True, check=True, env=_as_installed()
            ).stdout
        )
        for _ in range(runs)
    ]
    return statistics.median(samples)


P2G_TOKEN = {"grant_type": "client_credentials", "client_id": "mock-p2g-client", "client_secret": "mock-p2g-secret"}


def another_app(runs: int) -> float:
    """Median ms of one more app in a warm process (what each test that builds its own app pays):
    create_app() and a first request to every carrier, whose models read their fixtures then."""
    from mock_carriers import create_app

    def once() -> float:
        started = time.perf_counter()
        app = create_app()
        client = app.test_client()
        client.post("/parcel2go/auth/connect/token", data=P2G_TOKEN)
        client.post("/border-express/token", data=FORM)
        for path in ("/bex/api/service/quote", "/borderless360/api/v1/public_api/orders/", "/parcellab/v4/track/"):
            client.get(path)
        elapsed = (time.perf_counter() - started) * 1000
        app.extensions["mock_carriers"].namespaces.close()
        return elapsed

    once()  # the process's first app pays for imports
    return statistics.median(once() for _ in range(runs))


def namespace_with_overlay(runs: int) -> float:
    """Median ms of PUT /__admin/namespaces/{ns} with a Parcel2Go fixture overlay never sent before
    (merged onto the largest shipped fixtures and checked against the carrier's schema)."""
    from mock_carriers import create_app

    app = create_app()
    client = app.test_client()
    samples = []
    for i in range(runs + 1):
        client_entry = {"client_secret": f"s{i}", "account": "mock-p2g-account", "scopes": ["public-api"]}
        body = {"fixtures": {"parcel2go": {"clients": {f"bench-{i}": client_entry}}}}
        started = time.perf_counter()
        assert client.put(f"/__admin/namespaces/bench-{i}", json=body).status_code == 201
        samples.append((time.perf_counter() - started) * 1000)
    app.extensions["mock_carriers"].namespaces.close()
    return statistics.median(samples[1:])  # the first pays for building the validators


def namespace_reset(runs: int, objects: int = 10_000) -> tuple[float, float]:
    """Median µs of DELETE /__admin/namespaces/{ns} with `objects` tokens and journal entries, and with none."""
    from mock_carriers import create_app
    from mock_carriers.core.journal import JournalEntry
    from mock_carriers.settings import Settings

    app = create_app(Settings(journal_limit=objects))
    client = app.test_client()
    state = app.extensions["mock_carriers"]
    carrier = state.carriers.load("border-express")

    def timed_reset(fill: int) -> float:
        client.put("/__admin/namespaces/bench")
        namespace = state.namespaces.get("bench")
        tokens = namespace.tokens(carrier)
        for i in range(fill):
            tokens.issue(f"client-{i % 10}")
            namespace.journal.record(
                JournalEntry(
                    "border-express",
                    "getConsignment",
                    "GET",
                    "/x",
                    "",
                    {"HTTP_A": "b"},
                    b"",
                    200,
                    [("C", "d")],
                    b"{}",
                    0.0,
                    0.1,
                )
            )
        del namespace, tokens
        started = time.perf_counter()
        assert client.delete("/__admin/namespaces/bench").status_code == 204
        elapsed = (time.perf_counter() - started) * 1e6
        time.sleep(0.2)  # let the background freeing finish, so it does not land in the next sample
        return elapsed

    full = statistics.median(timed_reset(objects) for _ in range(runs))
    empty = statistics.median(timed_reset(0) for _ in range(runs))
    return full, empty


def per_request(requests_count: int) -> tuple[float, float, float, float]:
    """Median µs of an authenticated Statuses read and of a bare Flask route, on one real server
    (and in-process through the test client), interleaved in the same run."""
    from mock_carriers import create_app
    from mock_carriers.server import Server

    app = create_app()
    app.add_url_rule("/bare", "bare", lambda: {"ok": True})
    server = Server(app).start()
    try:
        session = requests.Session()
        token = session.post(f"{server.url}/border-express/token", data=FORM).json()["access_token"]
        headers = {"Authorization": f"bearer {token}"}
        real = _interleave(
            lambda: session.get(f"{server.url}{STATUSES}", headers=headers),
            lambda: session.get(f"{server.url}/bare"),
            requests_count,
        )
        client = app.test_client()
        local = _interleave(
            lambda: client.get(STATUSES, headers=headers), lambda: client.get("/bare"), requests_count * 5
        )
    finally:
        server.stop()
    return (*real, *local)


def _interleave(mock, bare, count: int) -> tuple[float, float]:
    mock_samples, bare_samples = [], []
    for _ in range(count):
        for call, samples in ((mock, mock_samples), (bare, bare_samples)):
            started = time.perf_counter()
            call()
            samples.append((time.perf_counter() - started) * 1e6)
    return statistics.median(mock_samples), statistics.median(bare_samples)


def run(quick: bool = False) -> list[dict]:
    runs = 5 if quick else 15
    full, empty = namespace_reset(runs)
    mock_real, bare_real, mock_local, bare_local = per_request(200 if quick else 1000)
    return [
        {
            "name": "cold start: serve to first 200 (median)",
            "value": cold_start(runs),
            "unit": "ms",
            "target": "<= 250 ms",
        },
        {
            "name": "create_app + first request, fresh interpreter",
            "value": create_app_first_request(runs),
            "unit": "ms",
            "target": "<= 100 ms",
        },
        {
            "name": "another app + a first request to each carrier, warm process",
            "value": another_app(runs),
            "unit": "ms",
        },
        {"name": "namespace with a new Parcel2Go fixture overlay", "value": namespace_with_overlay(runs), "unit": "ms"},
        {"name": "namespace reset, 10k tokens + 10k journal", "value": full, "unit": "us"},
        {"name": "namespace reset, empty", "value": empty, "unit": "us"},
        {"name": "namespace reset ratio full/empty", "value": full / empty, "unit": "x", "target": "<= 2x"},
        {"name": "Statuses read over loopback (median)", "value": mock_real, "unit": "us"},
        {"name": "bare Flask route over loopback (median)", "value": bare_real, "unit": "us"},
        {"name": "per-request ratio over loopback", "value": mock_real / bare_real, "unit": "x", "target": "<= 1.5x"},
        {"name": "Statuses read in-process (median)", "value": mock_local, "unit": "us"},
        {"name": "bare Flask route in-process (median)", "value": bare_local, "unit": "us"},
        {"name": "per-request ratio in-process", "value": mock_local / bare_local, "unit": "x"},
    ]
