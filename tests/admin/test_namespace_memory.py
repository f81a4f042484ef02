"""Dropping or resetting a namespace frees it at once, by reference counting: nothing it holds
points back at it, so it does not wait for Python's cycle collector (which may not run for a long
while on a server that allocates little between requests)."""

import gc
import time
import weakref

import pytest
from support import B360_AUTH, PL_AUTH, be_token, bearer, bex_token, p2g_token

QUOTE = {
    "CollectionAddress": {"Country": "GBR"},
    "DeliveryAddress": {"Country": "GBR"},
    "Parcels": [{"Value": 150, "Weight": 2, "Length": 9, "Width": 8, "Height": 10}],
}


@pytest.fixture
def no_cycle_collector():
    gc.collect()
    gc.disable()
    yield
    gc.enable()


def use_every_carrier(client, namespace: str) -> None:
    """Requests that build each carrier's model (and tokens, timers, journal entries) in the namespace."""
    prefix = f"/ns/{namespace}"
    references = {
        name: carrier["references"]
        for name, carrier in client.get(f"/__admin/namespaces/{namespace}").get_json()["carriers"].items()
    }
    token = be_token(client, prefix=f"{prefix}/border-express")
    assert (
        client.get(
            f"{prefix}/border-express/api/v1/consignments/{references['border-express']['walking']}",
            headers=bearer(token),
        ).status_code
        == 200
    )
    token = bex_token(client, prefix=f"{prefix}/bex")
    assert (
        client.get(
            f"{prefix}/bex/api/service/waybillquicktrackingv3customtreeview",
            headers={"token": token},
            query_string={"searchItems": references["bex"]["walking"]},
        ).status_code
        == 200
    )
    token = p2g_token(client, prefix=f"{prefix}/parcel2go")
    assert client.post(f"{prefix}/parcel2go/api/quotes", json=QUOTE, headers=bearer(token)).status_code == 200
    assert client.get(f"{prefix}/borderless360/api/v1/public_api/orders/", headers=B360_AUTH).status_code == 200
    assert (
        client.get(
            f"{prefix}/parcellab/v4/track/orders/info/",
            headers=PL_AUTH,
            query_string={"account": 1612197, "order_number": references["parcellab"]["walking_order"]},
        ).status_code
        == 200
    )
    for carrier in ("parcel2go", "borderless360", "parcellab"):
        assert (
            client.post(
                f"/__admin/namespaces/{namespace}/webhooks/subscriptions",
                json={"carrier": carrier, "url": "http://127.0.0.1:9/hook"},
            ).status_code
            == 201
        )


def dies(ref: weakref.ref, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while ref() is not None and time.monotonic() < deadline:
        time.sleep(0.01)
    return ref() is None


@pytest.mark.parametrize(
    "reset",
    [
        lambda client: client.delete("/__admin/namespaces/mem"),
        lambda client: client.put("/__admin/namespaces/mem"),
        lambda client: client.post("/__admin/reset"),
    ],
)
def test_a_dropped_namespace_is_freed_without_the_cycle_collector(app, no_cycle_collector, reset):
    client = app.test_client()
    assert client.put("/__admin/namespaces/mem").status_code == 201
    use_every_carrier(client, "mem")
    namespace = weakref.ref(app.extensions["mock_carriers"].namespaces.get("mem", create=False))
    assert reset(client).status_code in (200, 201, 204)
    assert dies(namespace), [type(holder).__name__ for holder in gc.get_referrers(namespace())]
