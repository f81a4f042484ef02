"""examples/borderless360.py against the mock: orders over several pages, create, expand, ship
and cancel; a revoked key fails fast; retries; webhooks checked by their secret header."""

import pytest
from bodies import B360_OUTBOUND_EXAMPLE
from borderless360 import (
    AuthenticationFailed,
    Borderless360Client,
    Borderless360Error,
    verify_webhook,
    webhook_kind,
)

CARRIER = "borderless360"
SECRET = "a-shared-secret"
ORDER = {**B360_OUTBOUND_EXAMPLE, "customer_reference": "EXAMPLE-1"}


@pytest.fixture
def client(carriers, sleeps):
    return Borderless360Client(carriers.url(CARRIER), carriers.credentials(CARRIER)["token"], sleep=sleeps.append)


def test_orders_create_ship_and_cancel(carriers, client, attempts):
    refs = carriers.references(CARRIER)
    assert len(client.orders(page_size=2)) == 7 and len(attempts("listOrders")) == 4  # four pages
    created = client.create_order(ORDER)
    assert created["state"] == "draft" and created["actions"] == ["cancel"]
    assert client.order(created["id"])["destination_address"]["city"] == "Melbourne"
    assert [o["id"] for o in client.orders(customer_reference="EXAMPLE-1")] == [created["id"]]
    with pytest.raises(Borderless360Error) as duplicate:
        client.create_order(ORDER)
    assert duplicate.value.status == 400 and "customer_reference" in duplicate.value.body
    assert client.cancel(created["id"])["state"] == "cancelled"
    [shipment] = client.shipments(int(refs["delivered_order"]))
    assert shipment["tracking_status"] == "delivered" and shipment["courier"] == "Australia Post"
    carriers.clock.freeze()
    assert client.shipments(int(refs["walking_order"])) == []
    carriers.clock.advance("3h")  # packed, then shipping with a tracking number
    assert client.shipments(int(refs["walking_order"]))[0]["tracking_status"] == "in_transit"


def test_a_revoked_key_fails_at_once(carriers, client, attempts):
    client.orders()
    carriers.tokens.revoke(CARRIER)
    with pytest.raises(AuthenticationFailed) as revoked:
        client.orders()
    assert revoked.value.body == {"detail": "Invalid token."}
    assert attempts("listOrders") == [(200, []), (401, [])]  # no retries: nothing to refresh


def test_a_key_revoked_half_way_through_the_pages_is_no_partial_list(carriers, client, attempts):
    carriers.faults.add(carrier=CARRIER, operation="listOrders", effect="expire_token", after=1, times=1)
    with pytest.raises(AuthenticationFailed):
        client.orders(page_size=2)
    assert attempts("listOrders") == [(200, []), (401, ["expire_token"])]


@pytest.mark.carriers_scenario("borderless360_faults.yaml")
def test_the_client_comes_through_503_and_429(client, sleeps, attempts):
    assert len(client.orders()) == 7
    assert attempts("listOrders") == [(503, ["status"]), (429, ["rate_limit"]), (200, [])]
    created = client.create_order(ORDER)
    assert attempts("createOrder") == [(503, ["status"]), (201, [])]
    assert sleeps == [0.5, 30.0, 0.5]
    assert [o["id"] for o in client.orders(customer_reference="EXAMPLE-1")] == [created["id"]]


def test_webhooks_are_checked_by_their_secret_header(carriers, webhook_sink):
    carriers.webhooks.subscribe(
        CARRIER, webhook_sink.url, headers={"X-Webhook-Secret": SECRET}, filters=["order_update", "tracking_update"]
    )
    carriers.clock.freeze()
    carriers.clock.advance("3h")  # the walking order is packed, then ships
    webhook_sink.wait_for(3)
    posts = webhook_sink.posts()
    assert all(verify_webhook(post.headers, SECRET) for post in posts)
    assert [webhook_kind(post.json()) for post in posts] == ["order_update", "order_update", "tracking_update"]
    forged = {name: value for name, value in posts[0].headers.items() if name != "X-Webhook-Secret"}
    assert not verify_webhook(forged, SECRET)
    assert not verify_webhook({**forged, "X-Webhook-Secret": "guess"}, SECRET)
