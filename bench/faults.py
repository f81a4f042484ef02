"""The fault layer's cost: the same request with no rules, and with 100 rules none of which match,
interleaved in one run (issue 8's target: at most 1.1x)."""

from __future__ import annotations

import statistics
import time

from mock_carriers import create_app

STATUSES = "/border-express/api/v1/consignments/BE10000001/Statuses"


def _timed(client, headers) -> float:
    started = time.perf_counter()
    client.get(STATUSES, headers=headers)
    return (time.perf_counter() - started) * 1e6


def per_request(rounds: int) -> tuple[float, float]:
    """Median microseconds in-process: (no rules, 100 non-matching rules), alternating."""
    bare_app, ruled_app = create_app(), create_app()
    clients = [bare_app.test_client(), ruled_app.test_client()]
    headers = []
    for client in clients:
        token = client.post("/border-express/token", data={
            "grant_type": "client_credentials", "client_id": "mock-be-client",
            "client_secret": "mock-be-secret"}).get_json()["access_token"]
        headers.append({"Authorization": f"Bearer {token}"})
    for index in range(100):  # rules for another carrier, or other paths of this one: none matches
        rule = {"carrier": "bex", "effect": "status"} if index % 2 else \
            {"carrier": "border-express", "path": f"/nowhere/{index}/*", "effect": "status"}
        clients[1].post("/__admin/namespaces/default/faults", json=rule)
    for _ in range(50):  # warm both
        _timed(clients[0], headers[0])
        _timed(clients[1], headers[1])
    bare, ruled = [], []
    for _ in range(rounds):
        bare.append(_timed(clients[0], headers[0]))
        ruled.append(_timed(clients[1], headers[1]))
    for app in (bare_app, ruled_app):
        app.extensions["mock_carriers"].namespaces.close()
    return statistics.median(bare), statistics.median(ruled)


def run(quick: bool = False) -> list[dict]:
    bare, ruled = per_request(300 if quick else 2000)
    return [
        {"name": "Statuses in-process, no fault rules (median)", "value": bare, "unit": "us"},
        {"name": "Statuses in-process, 100 non-matching rules", "value": ruled, "unit": "us"},
        {"name": "fault layer ratio, 100 rules / none", "value": ruled / bare, "unit": "x", "target": "<= 1.1x"},
    ]
