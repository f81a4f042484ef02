"""Outbound webhook faults over real sockets: what the receiver is sent, and what the outbox says."""

import hashlib
import hmac
from datetime import datetime

import pytest
from support import CarrierSandbox

from mock_carriers.client import AdminError

SECRET = "abcd"


def p2g_verifies(body: dict, secret: str = SECRET) -> bool:
    stamp = datetime.fromisoformat(body["Timestamp"][:26] + body["Timestamp"][27:])
    text = f"{body['Id']}:{stamp:%Y-%m-%d %H:%M:%S}:{body['Type']}"
    return hmac.compare_digest(hmac.new(secret.encode(), text.encode(), hashlib.sha256).hexdigest(), body["Signature"])


@pytest.fixture
def p2g(live_server, webhook_sink):
    admin = CarrierSandbox(live_server(), "parcel2go")
    admin.subscribe(webhook_sink.url, secret=SECRET)
    admin.clock.freeze()

    def fault(**rule):
        admin.sandbox.faults.add(carrier="parcel2go", **rule)

    return admin, fault


def test_bad_signature_is_signed_with_a_wrong_secret(p2g, webhook_sink):
    admin, fault = p2g
    fault(effect="bad_signature", event="Case")
    admin.clock.advance("1h")  # the Case at +30m, the drop-off at +1h
    case, dropped = (post.json() for post in webhook_sink.posts())
    assert not p2g_verifies(case) and p2g_verifies(dropped)
    assert [d["faults"] for d in admin.deliveries()] == [["bad_signature"], []]


def test_a_bex_header_signature_is_forged_too(live_server, webhook_sink):
    admin = CarrierSandbox(live_server(), "bex")
    admin.subscribe(webhook_sink.url, secret="s" * 40)
    admin.sandbox.faults.add(carrier="bex", effect="bad_signature", times=1)
    admin.clock.freeze()
    admin.clock.advance("5h")  # the walking waybill: handed over +2 h, departed +4 h
    first, second = webhook_sink.posts()[:2]
    expected = [hmac.new(b"s" * 40, post.body, hashlib.sha256).hexdigest().upper() for post in (first, second)]
    assert first.headers["ms-signature"] != f"sha256={expected[0]}"
    assert second.headers["ms-signature"] == f"sha256={expected[1]}"


def test_stale_timestamp_is_old_and_still_signed_over(p2g, webhook_sink):
    admin, fault = p2g
    fault(effect="stale_timestamp", by="2h", event="Case")
    admin.clock.advance("30m")
    [post] = webhook_sink.posts()
    body = post.json()
    sent = datetime.fromisoformat(admin.deliveries()[0]["attempts"][0]["at"].replace("Z", "+00:00"))
    stamped = datetime.fromisoformat(body["Timestamp"][:26] + body["Timestamp"][27:])
    assert (sent - stamped).total_seconds() == pytest.approx(7200, abs=1) and p2g_verifies(body)


def test_duplicate_sends_the_same_event_twice(p2g, webhook_sink):
    admin, fault = p2g
    fault(effect="duplicate", event="Case")
    admin.clock.advance("30m")
    first, second = (post.json() for post in webhook_sink.posts())
    assert first["Id"] == second["Id"] and first["Payload"] == second["Payload"]
    assert [d["faults"] for d in admin.deliveries()] == [["duplicate"], ["duplicate"]]


def test_delay_holds_the_first_attempt(p2g, webhook_sink):
    admin, fault = p2g
    fault(effect="delay", by="10m", event="Case")
    admin.clock.advance("35m")
    assert webhook_sink.posts() == []
    admin.clock.advance("5m")
    assert [post.json()["Type"] for post in webhook_sink.posts()] == ["Case"]


def test_out_of_order_lets_the_next_event_overtake(p2g, webhook_sink):
    admin, fault = p2g
    fault(effect="out_of_order", event="Tracking", times=1, by="1d")
    admin.clock.advance("6h")  # DroppedOff at +1h is held; InTransit at +5h goes first
    stages = [
        post.json()["Payload"]["TrackingStage"] for post in webhook_sink.posts() if post.json()["Type"] == "Tracking"
    ]
    assert stages == ["InTransit", "DroppedOff"]


def test_a_held_delivery_goes_at_the_latest_after_by(p2g, webhook_sink):
    admin, fault = p2g
    fault(effect="out_of_order", event="Case", by="20m")
    admin.clock.advance("45m")  # the Case at +30m waits; nothing comes after it
    assert [post.json()["Type"] for post in webhook_sink.posts() if post.json()["Type"] == "Case"] == []
    admin.clock.advance("5m")
    assert [post.json()["Type"] for post in webhook_sink.posts()] == ["Case"]


@pytest.mark.parametrize(
    "rule, field",
    [
        ({"effect": "duplicate", "event": "pod"}, "event"),  # not a Parcel2Go event
        ({"effect": "delay", "by": "0s"}, "by"),
        ({"effect": "delay", "operation": "getQuotes"}, "operation"),
    ],
)
def test_bad_webhook_rules(p2g, rule, field):
    admin, _ = p2g
    with pytest.raises(AdminError) as refused:
        admin.sandbox.faults.add(carrier="parcel2go", **rule)
    assert refused.value.status == 400 and field in refused.value.body["fields"]


def test_an_unsigned_carriers_forged_delivery_carries_wrong_credentials(live_server, webhook_sink):
    """Borderless360 signs nothing: a receiver knows a delivery by the header it asked for, so a
    forged one arrives with that header spoiled."""
    admin = CarrierSandbox(live_server(), "borderless360")
    admin.subscribe(webhook_sink.url, headers={"X-Webhook-Secret": "s3cret"}, filters=["tracking_update"])
    admin.sandbox.faults.add(carrier="borderless360", effect="bad_signature", times=1)
    admin.clock.freeze()
    admin.clock.advance("1d7h")
    secrets = [post.headers["X-Webhook-Secret"] for post in webhook_sink.posts()]
    assert secrets[0] != "s3cret" and secrets[1:] and set(secrets[1:]) == {"s3cret"}
