"""Strict mode's cost: the same requests on a server without it and on one with it, interleaved in
one run (issue 9's target: at most 1.3x). A Parcel2Go quote has a JSON body to check against its
schema; a Border Express Statuses read has only its path and headers."""

from __future__ import annotations

from bench.interleaved import medians
from mock_carriers import create_app
from mock_carriers.settings import Settings

QUOTE = {
    "CollectionAddress": {"Country": "GBR"},
    "DeliveryAddress": {"Country": "GBR"},
    "Parcels": [{"Value": 150, "Weight": 2, "Length": 9, "Width": 8, "Height": 10}],
}
STATUSES = "/border-express/api/v1/consignments/BE10000001/Statuses"


def _tokens(client) -> dict[str, dict]:
    be = client.post(
        "/border-express/token",
        data={"grant_type": "client_credentials", "client_id": "mock-be-client", "client_secret": "mock-be-secret"},
    ).get_json()["access_token"]
    p2g = client.post(
        "/parcel2go/auth/connect/token",
        data={"grant_type": "client_credentials", "client_id": "mock-p2g-client", "client_secret": "mock-p2g-secret"},
    ).get_json()["access_token"]
    return {"be": {"Authorization": f"Bearer {be}"}, "p2g": {"Authorization": f"Bearer {p2g}"}}


def per_request(rounds: int) -> dict[str, tuple[float, float]]:
    """Median microseconds in-process, (without strict mode, with it), for each request."""
    apps = [create_app(Settings(strict=False)), create_app(Settings(strict=True))]
    clients = [app.test_client() for app in apps]
    headers = {client: _tokens(client) for client in clients}
    figures = {
        "quote": medians(
            clients, lambda c: c.post("/parcel2go/api/quotes", json=QUOTE, headers=headers[c]["p2g"]), rounds
        ),
        "statuses": medians(clients, lambda c: c.get(STATUSES, headers=headers[c]["be"]), rounds),
    }
    assert not apps[1].test_client().get("/__admin/namespaces/default/violations").get_json()["violations"]
    for app in apps:
        app.extensions["mock_carriers"].namespaces.close()
    return figures


def run(quick: bool = False) -> list[dict]:
    figures = per_request(300 if quick else 2000)
    rows = []
    for name, label in (("quote", "Parcel2Go quote (JSON body)"), ("statuses", "Border Express Statuses")):
        lenient, strict = figures[name]
        rows += [
            {"name": f"{label}, strict mode off (median)", "value": lenient, "unit": "us"},
            {"name": f"{label}, strict mode on", "value": strict, "unit": "us"},
            {"name": f"strict mode ratio, {label}", "value": strict / lenient, "unit": "x", "target": "<= 1.3x"},
        ]
    return rows
