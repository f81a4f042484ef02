"""examples/bex.py against the mock: quote, waybill, labels and tracking; `ex` errors under HTTP
200; logging in again when the token is revoked; retries; signed webhooks."""

import pytest
from bex import BexClient, BexError, verify_webhook
from bodies import BEX_SHIPMENT as SHIPMENT
from bodies import BEX_WAYBILL as WAYBILL

CARRIER = "bex"
SECRET = "a-webhook-secret-of-32-characters-or-more"


def make_client(carriers, sleep, account=None) -> BexClient:
    creds = carriers.credentials(CARRIER)
    return BexClient(
        carriers.url(CARRIER),
        creds["username"],
        creds["password"],
        account or creds["account_number"],
        webhook_api_key=creds["webhook_api_key"],
        sleep=sleep,
    )


@pytest.fixture
def client(carriers, sleeps):
    return make_client(carriers, sleeps.append)


def test_quote_waybill_labels_and_tracking(carriers, client, attempts):
    services = {item["serviceCodeStr"]: item for item in client.quote(SHIPMENT)}
    assert "ONC" in services and services["ONC"]["totalCharges"] > 0
    waybill = client.submit_waybill(WAYBILL)
    assert waybill["totalCharges"] > 0
    assert client.parcel_labels(waybill["waybillNumber"]).startswith(b"%PDF")
    events = client.track(waybill["waybillNumber"])[waybill["waybillNumber"]]
    assert events[0]["description"] == "Waybill integrated" and events[0]["reference"] == "PO-9"
    refs = carriers.references(CARRIER)
    [delivered] = client.track(refs["customer_reference"]).values()
    assert delivered[0]["description"].startswith("Delivered")
    assert client.track(refs["not_found"]) == {}
    assert len(attempts("login")) == 2  # the API token once, the alternate token once


def test_ex_under_http_200_is_an_error(carriers, sleeps):
    client = make_client(carriers, sleeps.append, account=carriers.references(CARRIER)["unregistered_account"])
    with pytest.raises(BexError, match="Account number is not registered for transactions with this token."):
        client.quote(SHIPMENT)


@pytest.mark.parametrize("change", ["revoke", "expire"])
def test_a_dead_token_means_logging_in_again(carriers, client, attempts, change):
    client.quote(SHIPMENT)
    getattr(carriers.tokens, change)(CARRIER)
    assert client.submit_waybill(WAYBILL)["waybillNumber"]
    assert len(attempts("login")) == 2 and len(attempts("submitwaybillv4")) == 2


@pytest.mark.carriers_scenario("bex_faults.yaml")
def test_the_client_comes_through_a_bad_day(client, sleeps, attempts):
    assert client.quote(SHIPMENT)
    assert attempts("getquoteservicedeliverypricingv2") == [(503, ["status"]), (429, ["rate_limit"]), (200, [])]
    assert sleeps == [0.5, 30.0]
    assert client.submit_waybill(WAYBILL)["waybillNumber"]
    assert attempts("submitwaybillv4") == [(200, ["revoke_token"]), (200, [])]  # `ex`, then a fresh login
    assert len(attempts("login")) == 2


def test_webhooks_are_verified_and_forgeries_refused(carriers, client, webhook_sink):
    client.register_webhook(webhook_sink.url, SECRET)
    carriers.faults.add(carrier=CARRIER, event="waybill_update", effect="bad_signature", times=1)
    client.submit_waybill(WAYBILL)  # sends waybill_update and the first tracking_event
    webhook_sink.wait_for(3)  # the registration's echo check, then the two deliveries
    verdicts = {
        post.json()["Notifications"][0]["Action"]: verify_webhook(post.body, post.headers["ms-signature"], SECRET)
        for post in webhook_sink.posts()
    }
    assert verdicts == {"tracking_event": True, "waybill_update": False}
    genuine = next(p for p in webhook_sink.posts() if p.json()["Notifications"][0]["Action"] == "tracking_event")
    assert not verify_webhook(genuine.body.replace(b"Waybill", b"Waybi11"), genuine.headers["ms-signature"], SECRET)
    assert not verify_webhook(genuine.body, None, SECRET)
