"""The fault layer's cost: the same request with no rules, and with 100 rules none of which match,
interleaved in one run (issue 8's target: at most 1.1x)."""

from __future__ import annotations

from bench.interleaved import medians
from mock_carriers import create_app

STATUSES = "/border-express/api/v1/consignments/BE10000001/Statuses"


def per_request(rounds: int) -> tuple[float, float]:
    """Median microseconds in-process: (no rules, 100 non-matching rules), alternating."""
    apps = [create_app(), create_app()]
    clients = [app.test_client() for app in apps]
    token = {}
    for client in clients:
        token[client] = client.post(
            "/border-express/token",
            data={"grant_type": "client_credentials", "client_id": "mock-be-client", "client_secret": "mock-be-secret"},
        ).get_json()["access_token"]
    for index in range(100):  # rules for another carrier, or other paths of this one: none matches
        rule = (
            {"carrier": "bex", "effect": "status"}
            if index % 2
            else {"carrier": "border-express", "path": f"/nowhere/{index}/*", "effect": "status"}
        )
        clients[1].post("/__admin/namespaces/default/faults", json=rule)
    bare, ruled = medians(clients, lambda c: c.get(STATUSES, headers={"Authorization": f"Bearer {token[c]}"}), rounds)
    for app in apps:
        app.extensions["mock_carriers"].namespaces.close()
    return bare, ruled


def run(quick: bool = False) -> list[dict]:
    bare, ruled = per_request(300 if quick else 2000)
    return [
        {"name": "Statuses in-process, no fault rules (median)", "value": bare, "unit": "us"},
        {"name": "Statuses in-process, 100 non-matching rules", "value": ruled, "unit": "us"},
        {"name": "fault layer ratio, 100 rules / none", "value": ruled / bare, "unit": "x", "target": "<= 1.1x"},
    ]
