"""examples/parcel2go.py against the mock: quote, order, PrePay, labels and tracking; a new token
on 401; retries that never pay twice; webhook signatures."""

from datetime import datetime, timedelta

import pytest
from parcel2go import Parcel2GoClient, Parcel2GoError, WebhookRejected, verify_webhook
from support import p2g_checkout

CARRIER = "parcel2go"
SECRET = "abcd"


@pytest.fixture
def client(carriers, sleeps):
    creds = carriers.credentials(CARRIER)
    return Parcel2GoClient(carriers.url(CARRIER), creds["client_id"], creds["client_secret"], sleep=sleeps.append)


def test_quote_order_pay_label_and_track(carriers, client):
    carriers.clock.freeze()
    before = client.prepay_balance()
    order = p2g_checkout(carriers, client)
    assert client.prepay_balance() == round(before - order["TotalPrice"], 2)
    [pdf] = client.labels(order["OrderId"])
    assert pdf.startswith(b"%PDF")
    line = order["OrderlineIdMap"][0]["OrderLineId"]
    assert client.tracking(line) == []  # nothing before the collection
    carriers.clock.advance("14d")  # collected and delivered; the two-hour token has long expired
    assert client.tracking(line)[0]["TrackingStage"] == "Delivered"  # the latest


@pytest.mark.parametrize("change", ["revoke", "expire"])
def test_a_dead_token_is_replaced_once(carriers, client, attempts, change):
    line = carriers.references(CARRIER)["delivered_order_line"]
    client.tracking(line)
    getattr(carriers.tokens, change)(CARRIER)
    assert client.tracking(line)[0]["TrackingStage"] == "Delivered"  # the latest
    assert attempts("getTracking") == [(200, []), (401, []), (200, [])] and len(attempts("issueToken")) == 2


def test_a_missing_scope_is_not_retried(carriers, sleeps, attempts):
    client = Parcel2GoClient(
        carriers.url(CARRIER), **carriers.credentials(CARRIER) | {"scope": "public-api"}, sleep=sleeps.append
    )
    with pytest.raises(Parcel2GoError) as refused:
        client.prepay_balance()
    assert refused.value.status == 403 and attempts("getPrePayBalance") == [(403, [])]


@pytest.mark.carriers_scenario("parcel2go_faults.yaml")
def test_throttled_quotes_and_a_lost_payment_answer(carriers, client, sleeps, attempts):
    before = client.prepay_balance()
    order = p2g_checkout(carriers, client)
    assert attempts("getQuotes") == [(429, ["rate_limit"]), (503, ["status"]), (200, [])]
    assert sleeps == [30.0, 1.0]  # Retry-After, then the backoff of the second attempt
    assert [faults for _, faults in attempts("payWithPrePay")] == [["reset"]]  # the answer was lost...
    assert [status for status, _ in attempts("getOrder")] == [200]  # ...the order showed it paid: not paid twice
    assert client.prepay_balance() == round(before - order["TotalPrice"], 2)


def test_webhooks_are_verified_and_forgeries_refused(carriers, webhook_sink):
    carriers.webhooks.subscribe(CARRIER, webhook_sink.url, secret=SECRET, filters=["Tracking", "Case"])
    carriers.faults.add(carrier=CARRIER, event="Case", effect="bad_signature", times=1)
    carriers.clock.freeze()
    carriers.clock.advance("1h")  # a claim on the delivered order, a drop-off of the walking one
    webhook_sink.wait_for(2)
    now = datetime.fromisoformat(carriers.clock.now())
    verdicts = {}
    for post in webhook_sink.posts():
        try:
            verdicts[post.json()["Type"]] = verify_webhook(post.body, SECRET, now=now)["Payload"]["OrderLineId"]
        except WebhookRejected:
            verdicts[post.json()["Type"]] = "rejected"
    line = int(carriers.references(CARRIER)["in_transit_order_line"])
    assert verdicts == {"Tracking": line, "Case": "rejected"}
    genuine = next(post.body for post in webhook_sink.posts() if post.json()["Type"] == "Tracking")
    for forged in (genuine.replace(b'"Tracking"', b'"Case"'), genuine.replace(b'"Signature":"', b'"Signature":"0')):
        with pytest.raises(WebhookRejected, match="bad signature"):
            verify_webhook(forged, SECRET, now=now)
    with pytest.raises(WebhookRejected, match="stale"):
        verify_webhook(genuine, SECRET, now=now + timedelta(hours=1))
    # The signature does not cover the payload: a changed one still verifies (so re-read tracking).
    assert verify_webhook(genuine.replace(b'"TrackingStage"', b'"TrackingStagE"'), SECRET, now=now)
