"""Borderless360 webhooks over real sockets: the documented tracking and full-order payloads,
unsigned, with the subscriber's own headers, retried on the mock's schedule."""

import json

import pytest
from support import CarrierSandbox, settled

from mock_carriers.core.contracts import ContractBook
from mock_carriers.resources import data_dir


class B360(CarrierSandbox):
    def __init__(self, url: str) -> None:
        super().__init__(url, "borderless360")

    def subscribe(self, sink, **extra):
        return super().subscribe(sink.url, headers={"X-Webhook-Secret": "s3cret"}, **extra)


@pytest.fixture
def b360(live_server):
    return B360(live_server())


def test_the_walking_order_sends_order_and_tracking_updates(b360, webhook_sink):
    b360.subscribe(webhook_sink)
    b360.clock.freeze()
    b360.clock.advance("1d7h")
    posts = webhook_sink.posts()
    kinds = [("tracking" if "tracking_event" in p.json() else "order", p.json().get("state")) for p in posts]
    assert kinds[:3] == [("order", "packed"), ("order", "shipping"), ("tracking", None)]
    tracking = next(p.json() for p in posts if "tracking_event" in p.json())
    assert tracking["order_id"] == 383490 and tracking["order_reference"] == "GVS0383490"
    assert tracking["courier_name"] == "StarTrack" and tracking["tracking_status"] == "in_transit"
    assert tracking["tracking_event"]["events"][0]["message"] == "Item Received"
    assert tracking["tracking_event"]["eta"].endswith("+00:00")  # when the walk delivers it, as the docs write it
    assert all(p.headers["X-Webhook-Secret"] == "s3cret" for p in posts)
    assert all(p.headers["Content-Type"] == "application/json" for p in posts)
    assert not any(name.lower().endswith("signature") for p in posts for name in p.headers)
    final = [p.json() for p in posts if p.json().get("state") == "delivered"]
    assert final and final[0]["fulfillments"][0]["tracking_status"] == "delivered"


def test_filters_choose_the_event(b360, webhook_sink):
    b360.subscribe(webhook_sink, filters=["tracking_update"])
    b360.clock.freeze()
    b360.clock.advance("1d7h")
    statuses = [p.json()["tracking_status"] for p in webhook_sink.posts()]
    assert statuses == ["in_transit", "out_for_delivery", "delivered"]


def test_a_failing_receiver_is_retried_on_the_schedule(b360, webhook_sink):
    b360.subscribe(webhook_sink, filters=["tracking_update"])
    webhook_sink.answer(default=500)
    b360.clock.freeze()
    b360.clock.advance("3h")  # the walking order ships at +3h
    settled(b360.deliveries, 1)
    b360.clock.advance("10h")
    delivery = b360.deliveries()[0]
    assert delivery["state"] == "gave_up" and len(delivery["attempts"]) == 6
    assert len({a["body"] for a in delivery["attempts"]}) == 1  # the same bytes each time


def test_every_delivery_matches_the_contract(b360, webhook_sink):
    contract = ContractBook(data_dir("contracts")).contract("borderless360")
    b360.subscribe(webhook_sink)
    b360.clock.freeze()
    b360.clock.advance("3d")
    names = {"order_update": "OrderUpdateDelivery", "tracking_update": "TrackingUpdateDelivery"}
    for delivery in b360.deliveries():
        body = delivery["attempts"][0]["body"]
        validator = contract.validator(
            f"components/requestBodies/{names[delivery['event']]}/content/application~1json/schema"
        )
        assert not list(validator.iter_errors(json.loads(body))), body


def test_tracking_updates_send_the_full_order_too(b360, webhook_sink):
    """ "We can also send detailed order information on both order status and tracking status updates.\""""
    b360.subscribe(webhook_sink, filters=["order_update"])
    b360.clock.freeze()
    b360.clock.advance("1d1h")  # the walking order: packed, shipping, then out for delivery (no new state)
    orders = [p.json() for p in webhook_sink.posts()]
    assert [(o["state"], o["fulfillments"][0]["tracking_status"]) for o in orders] == [
        ("packed", "pending"),
        ("shipping", "in_transit"),
        ("shipping", "out_for_delivery"),
    ]
    source = orders[0]["source_address"]  # an outbound order leaves from its 3PL, as the docs' payload shows
    assert source["id"] == orders[0]["source_address_id"] == 636463 and source["passport_urls"] == []
