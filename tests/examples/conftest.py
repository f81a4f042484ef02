"""The examples under /examples run against the mock here. Each example is a standalone file a
user copies, so their folder is put on sys.path rather than packaged. (This folder is a package,
`__init__.py`, so this conftest does not shadow the suite's own `conftest` module.)"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "examples"))


@pytest.fixture
def sleeps() -> list[float]:
    """An injectable `sleep` for the clients: it records how long they would wait, and returns."""
    return []


@pytest.fixture
def subscribe(carriers_server, carriers, request):
    """Subscribe a URL to a carrier's webhooks, as the carrier's portal or support desk would
    (`POST /__admin/namespaces/{ns}/webhooks/subscriptions`)."""
    token = request.config.getoption("--mock-carriers-admin-token")
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    admin = f"{carriers_server.url}/__admin"

    def call(carrier: str, url: str, **extra) -> dict:
        response = requests.post(f"{admin}/namespaces/{carriers.name}/webhooks/subscriptions", headers=headers,
                                 json={"carrier": carrier, "url": url, **extra}, timeout=10)
        assert response.status_code == 201, response.text
        return response.json()
    return call


@pytest.fixture
def attempts(carriers):
    """`attempts(operation)`: each journal entry of that operation, as its status and the fault
    effects that hit it."""
    def of(operation: str) -> list[tuple[int, list[str]]]:
        return [(entry["response"]["status"], [fault["effect"] for fault in entry["faults"]])
                for entry in carriers.journal() if entry["operation"] == operation]
    return of
