"""Parcel2Go webhooks end to end over real sockets: the signature inside the body (the documented
algorithm and vector), Tracking and Case events from the clock, only a 200 counts, exponential
backoff up to the configured limit."""

import hashlib
import hmac
import json
from datetime import datetime, timezone

import pytest
import requests
from bodies import P2G_ORDER
from hypothesis import given
from hypothesis import strategies as st
from support import CarrierSandbox, settled

from mock_carriers.carriers.parcel2go.webhooks import signature
from mock_carriers.client import AdminError
from mock_carriers.core.aspnet.dates import utc_text

SECRET = "abcd"


def verify(body: dict, secret: str) -> bool:
    """A receiver's check, written from the docs' C# sample."""
    stamp = datetime.fromisoformat(body["Timestamp"][:26] + body["Timestamp"][27:])
    text = f"{body['Id']}:{stamp:%Y-%m-%d %H:%M:%S}:{body['Type']}"
    expected = hmac.new(secret.encode(), text.encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, body["Signature"])


def test_the_documented_signature_vector():
    moment = datetime(2018, 1, 1, tzinfo=timezone.utc)
    assert (
        signature("abcd", "33bb3c63-c2ec-4b69-8db3-301fa8cfe024", moment, "Case")
        == "5055442f8fa1ebbf6d7c74772faa5dcbf3489b00b59269ad5bfd352eb58f2197"
    )


@given(
    st.uuids(),
    st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(8999, 1, 1), timezones=st.just(timezone.utc)),
    st.sampled_from(["Tracking", "Case"]),
    st.text(min_size=1, max_size=40),
)
def test_any_signature_verifies_the_documented_way(webhook_id, moment, kind, secret):
    body = {
        "Id": str(webhook_id),
        "Timestamp": utc_text(moment),
        "Type": kind,
        "Signature": signature(secret, str(webhook_id), moment, kind),
    }
    assert body["Timestamp"].endswith("+00:00") and len(body["Timestamp"]) == 33
    assert verify(body, secret) and not verify(body, secret + "x")


class P2G(CarrierSandbox):
    def __init__(self, url: str, namespace: str = "default", **options) -> None:
        super().__init__(url, "parcel2go", namespace, **options)

    def subscribe(self, sink, secret=SECRET, **extra):
        return super().subscribe(sink.url, secret=secret, **extra)


@pytest.fixture
def p2g(live_server):
    return P2G(live_server())


def test_a_case_and_tracking_stages_arrive_signed(p2g, webhook_sink):
    p2g.subscribe(webhook_sink)
    p2g.clock.freeze()
    p2g.clock.advance("1h")  # the delivered order's claim (+30m), the walking one's drop-off (+1h)
    case, dropped = [post.json() for post in webhook_sink.posts()]
    assert case["Type"] == "Case" and case["Payload"] == {
        "OrderLineId": 115030194,
        "CustomerReference": "ab1234",
        "CaseId": 12345,
        "Reference": "ABER343434",
        "Status": "Approved",
        "CaseType": "Claim",
    }
    assert dropped["Type"] == "Tracking" and dropped["Payload"]["TrackingStage"] == "DroppedOff"
    assert dropped["Payload"]["OrderLineId"] == 115030210 and dropped["Payload"]["StatusCode"] == "DRP"
    assert dropped["Payload"]["Timestamp"].endswith("+00:00")  # UTC, as the docs' August example
    for body in (case, dropped):
        assert list(body) == ["Id", "Timestamp", "Signature", "Type", "Payload"] and verify(body, SECRET)
    assert webhook_sink.posts()[0].headers["Content-Type"].startswith("application/json")


def test_a_walk_sends_every_stage_in_order(p2g, webhook_sink):
    p2g.subscribe(webhook_sink, filters=["Tracking"])
    p2g.clock.freeze()
    p2g.clock.advance("1d")
    stages = [post.json()["Payload"]["TrackingStage"] for post in webhook_sink.posts()]
    assert stages == ["DroppedOff", "InTransit", "AtDepot", "DeliveryScheduled", "Delivered"]


def test_an_order_paid_through_the_api_sends_its_stages(p2g, webhook_sink):
    p2g.subscribe(webhook_sink, filters=["Tracking"])
    p2g.clock.set("2030-12-13T08:00:00Z")
    p2g.clock.freeze()
    token = requests.post(
        f"{p2g.url}/parcel2go/auth/connect/token",
        timeout=5,
        data={"grant_type": "client_credentials", "client_id": "mock-p2g-client", "client_secret": "mock-p2g-secret"},
    ).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    order = requests.post(f"{p2g.url}/parcel2go/api/orders", json=P2G_ORDER, headers=headers, timeout=5).json()
    assert requests.post(order["Links"]["PayWithPrePay"], headers=headers, timeout=5).status_code == 200
    p2g.clock.advance("2d")
    line = int(order["OrderlineIdMap"][0]["OrderLineId"])
    mine = [p.json()["Payload"] for p in webhook_sink.posts() if p.json()["Payload"]["OrderLineId"] == line]
    assert [p["TrackingStage"] for p in mine] == ["Collected", "InTransit", "AtDepot", "DeliveryScheduled", "Delivered"]


def test_only_a_200_counts_and_retries_back_off(p2g, webhook_sink):
    p2g.subscribe(webhook_sink, filters=["Case"])
    webhook_sink.answer(500, 201, 204, 200)
    p2g.clock.freeze()
    p2g.clock.advance("30m")
    settled(p2g.deliveries, 1)
    for wait, attempts in (("60s", 2), ("120s", 3), ("240s", 4)):
        p2g.clock.advance(wait)
        delivery = settled(p2g.deliveries, attempts)[0]
    assert delivery["state"] == "delivered" and [a["status"] for a in delivery["attempts"]] == [500, 201, 204, 200]
    bodies = [post.json() for post in webhook_sink.posts()]
    assert len({b["Id"] for b in bodies}) == 1 and len({b["Timestamp"] for b in bodies}) == 4
    assert all(verify(b, SECRET) for b in bodies)


def test_retries_stop_at_the_configured_limit(live_server, webhook_sink):
    url = live_server()
    p2g = P2G(url, "few", fixtures={"parcel2go": {"webhook_retries": {"first_delay": "10s", "attempts": 3}}})
    p2g.subscribe(webhook_sink, filters=["Case"])
    webhook_sink.answer(default=503)
    p2g.clock.freeze()
    p2g.clock.advance("1h")
    delivery = p2g.deliveries()[0]
    assert delivery["state"] == "gave_up" and len(delivery["attempts"]) == 3 and len(webhook_sink.posts()) == 3


def test_a_dead_receiver_is_retried_then_given_up(p2g):
    p2g.sandbox.webhooks.subscribe("parcel2go", "http://127.0.0.1:9/hook", filters=["Case"])
    p2g.clock.freeze()
    p2g.clock.advance("30m")
    settled(p2g.deliveries, 1)
    p2g.clock.advance("1d")
    delivery = p2g.deliveries()[0]
    assert delivery["state"] == "gave_up" and len(delivery["attempts"]) == 10
    assert all(a["error"] for a in delivery["attempts"])
    gaps = [
        round((datetime.fromisoformat(b["at"]) - datetime.fromisoformat(a["at"])).total_seconds())
        for a, b in zip(delivery["attempts"], delivery["attempts"][1:])
    ]
    assert gaps == [60 * 2**n for n in range(9)]


def test_an_unsigned_subscription_signs_with_an_empty_secret(p2g, webhook_sink):
    p2g.sandbox.webhooks.subscribe("parcel2go", webhook_sink.url, filters=["Case"])
    p2g.clock.freeze()
    p2g.clock.advance("30m")
    assert verify(json.loads(webhook_sink.wait_for(1)[0].body), "")


def test_filters_must_be_parcel2go_types(p2g, webhook_sink):
    with pytest.raises(AdminError) as refused:
        p2g.sandbox.webhooks.subscribe("parcel2go", webhook_sink.url, filters=["pod"])
    assert refused.value.status == 400 and "Tracking, Case" in refused.value.body["fields"]["filters"][0]


def test_every_delivery_matches_the_contract(p2g, webhook_sink):
    from mock_carriers.core.contracts import ContractBook
    from mock_carriers.resources import data_dir

    contract = ContractBook(data_dir("contracts")).contract("parcel2go")
    p2g.subscribe(webhook_sink)
    p2g.clock.freeze()
    p2g.clock.advance("1d")
    posts = webhook_sink.posts()
    assert {post.json()["Type"] for post in posts} == {"Tracking", "Case"}
    for post in posts:
        kind = post.json()["Type"]
        validator = contract.validator(f"components/requestBodies/{kind}Delivery/content/application~1json/schema")
        assert not list(validator.iter_errors(post.json())), post.body
