"""examples/parcellab.py against the mock: order status by order number and by tracking number;
a revoked token fails fast; the rate limit and 5xx waited out; webhooks checked by the
receiver's own credential."""

import pytest
from parcellab import (
    AuthenticationFailed,
    ParcelLabClient,
    ParcelLabError,
    latest_statuses,
    verify_webhook,
)

CARRIER = "parcellab"
RECEIVER_AUTH = "Bearer receiver-secret"


def make_client(carriers, sleep) -> ParcelLabClient:
    creds = carriers.credentials(CARRIER)
    return ParcelLabClient(carriers.url(CARRIER), creds["account"], creds["token"], sleep=sleep)


@pytest.fixture
def client(carriers, sleeps):
    return make_client(carriers, sleeps.append)


def test_order_status_lookups(carriers, client):
    refs = carriers.references(CARRIER)
    order = client.order_status(refs["delivered_order"], lang="en")
    assert order["recipient_name"] == "Anna Schmidt"
    assert latest_statuses(order) == {refs["tracking_number"]: "Delivered"}
    assert order["trackings"][0]["last_delivery_status"]["status_text"] == "Delivered"
    by_tracking = client.order_by_tracking_number(refs["tracking_number"], refs["courier"])
    assert by_tracking["order_number"] == refs["delivered_order"]
    with pytest.raises(ParcelLabError) as missing:
        client.order_status("ORD-NOPE")
    assert missing.value.status == 404 and missing.value.errors[0]["code"] == "not_found"


def test_a_revoked_token_fails_at_once(carriers, client, attempts):
    client.order_status(carriers.references(CARRIER)["walking_order"])
    carriers.tokens.revoke(CARRIER)
    with pytest.raises(AuthenticationFailed) as revoked:
        client.order_status(carriers.references(CARRIER)["walking_order"])
    assert revoked.value.errors[0]["code"] == "authentication_failed"
    assert [status for status, _ in attempts("getOrderInfo")] == [200, 401]  # no retries: nothing to refresh


def test_the_rate_limit_is_waited_out_on_the_namespace_clock(carriers, attempts):
    carriers.clock.freeze()
    client = make_client(carriers, sleep=carriers.clock.advance)  # "sleeping" moves the mock's clock on
    for _ in range(101):  # parcelLab allows 100 a minute per account
        client.order_status(carriers.references(CARRIER)["delayed_order"])
    statuses = [status for status, _ in attempts("getOrderInfo")]
    assert statuses.count(429) == 1 and statuses[-2:] == [429, 200]


@pytest.mark.carriers_scenario("parcellab_faults.yaml")
def test_503_and_429_are_waited_out(carriers, client, sleeps, attempts):
    assert client.order_status(carriers.references(CARRIER)["walking_order"])["trackings"]
    assert attempts("getOrderInfo") == [(503, ["status"]), (429, ["rate_limit"]), (200, [])]
    assert sleeps == [0.5, 30.0]


def test_webhooks_are_checked_by_the_receivers_credential(carriers, webhook_sink):
    carriers.webhooks.subscribe(CARRIER, webhook_sink.url, headers={"Authorization": RECEIVER_AUTH})
    carriers.clock.freeze()
    carriers.clock.advance("1h")  # the walking order's scan reaches parcelLab, with a new delivery day
    webhook_sink.wait_for(2)
    posts = webhook_sink.posts()
    assert [post.json()["event"] for post in posts] == ["onDispatch", "onScheduled"]
    assert all(verify_webhook(post.headers, RECEIVER_AUTH) for post in posts)
    forged = {name: value for name, value in posts[0].headers.items() if name != "Authorization"}
    assert not verify_webhook(forged, RECEIVER_AUTH)
    assert not verify_webhook({**forged, "Authorization": "Bearer guessed"}, RECEIVER_AUTH)
