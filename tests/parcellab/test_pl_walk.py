"""Checkpoints on the namespace clock (and live refresh), the rate limit, the widget image, and
webhooks over real sockets."""

import io
import json

import pytest
from PIL import Image
from support import PL, PL_AUTH, CarrierSandbox, sandbox, settled

from mock_carriers.core.contracts import ContractBook
from mock_carriers.resources import data_dir

INFO = f"{PL}/v4/track/orders/info/"
WALKING = {"order_number": "ORD-1002", "account": 1612197}


def statuses(client, **extra) -> list[str]:
    body = client.get(INFO, query_string={**WALKING, **extra}, headers=PL_AUTH).get_json()
    return [c["status_code"] for c in body["trackings"][0]["checkpoints"]]


def test_checkpoints_reach_parcellab_after_the_sync_delay(client):
    clock = sandbox(client).clock
    clock.freeze()
    assert statuses(client) == ["OrderProcessed"]  # in transit since an hour ago, synced in one more
    clock.advance("1h")
    assert statuses(client) == ["OrderProcessed", "InTransit"]
    clock.advance("7h")
    assert statuses(client)[-1] == "Delivered"


def test_live_refresh_shows_what_the_carrier_knows_now(client):
    clock = sandbox(client).clock
    clock.freeze()
    assert statuses(client, live_refresh="true") == ["OrderProcessed", "InTransit"]
    assert statuses(client) == ["OrderProcessed"]


def test_100_requests_per_minute_per_account_then_429(client):
    clock = sandbox(client).clock
    clock.freeze()
    for _ in range(100):
        assert client.get(INFO, query_string=WALKING, headers=PL_AUTH).status_code == 200
    throttled = client.get(INFO, query_string=WALKING, headers=PL_AUTH)
    assert throttled.status_code == 429 and throttled.headers["Retry-After"] == "60"
    assert throttled.get_json() == {
        "type": "client_error",
        "errors": [
            {"code": "throttled", "detail": "Request was throttled. Expected available in 60 seconds.", "attr": None}
        ],
    }
    other = client.get(
        INFO,
        query_string={"order_number": "ORD-2001", "account": 1700001},
        headers={"Authorization": "Bearer mock-pl-other-token"},
    )
    assert other.status_code == 200  # another account has its own window
    clock.advance("45s")
    assert client.get(INFO, query_string=WALKING, headers=PL_AUTH).headers["Retry-After"] == "15"
    clock.advance("14s")
    last = client.get(INFO, query_string=WALKING, headers=PL_AUTH)
    assert last.headers["Retry-After"] == "1"
    assert last.get_json()["errors"][0]["detail"] == "Request was throttled. Expected available in 1 second."
    clock.advance("1s")
    assert client.get(INFO, query_string=WALKING, headers=PL_AUTH).status_code == 200


def test_the_window_slides_as_drfs_throttle_does(client):
    """DRF keeps each request's time: the limit is 100 in any 60 seconds, not per fixed minute."""
    clock = sandbox(client).clock
    clock.freeze()
    for _ in range(50):
        client.get(INFO, query_string=WALKING, headers=PL_AUTH)
    clock.advance("40s")
    for _ in range(50):
        client.get(INFO, query_string=WALKING, headers=PL_AUTH)
    clock.advance("30s")  # the first 50 have left the window, the last 50 have not
    for _ in range(50):
        assert client.get(INFO, query_string=WALKING, headers=PL_AUTH).status_code == 200
    refused = client.get(INFO, query_string=WALKING, headers=PL_AUTH)
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "30"  # when the second 50 leave


def test_anonymous_callers_do_not_use_up_the_merchants_limit(client):
    clock = sandbox(client).clock
    clock.freeze()
    for _ in range(100):
        client.get(INFO, query_string={"tracking_id": "nope", "account": 1612197})
    assert client.get(INFO, query_string={"tracking_id": "nope", "account": 1612197}).status_code == 429
    assert client.get(INFO, query_string=WALKING, headers=PL_AUTH).status_code == 200


def test_the_widget_is_a_png_of_the_status(client):
    response = client.get(
        f"{PL}/v4/track/orders/info-widget/", query_string={**WALKING, "live_refresh": "true"}, headers=PL_AUTH
    )
    assert response.status_code == 200 and response.mimetype == "image/png"
    image = Image.open(io.BytesIO(response.data))
    assert image.size[0] == 480 and "STATUS: In transit" in image.text["Description"]
    assert "ORDER ORD-1002" in image.text["Description"]
    assert client.get(f"{PL}/v4/track/orders/info-widget/?order_number=ORD-1002").status_code == 400


class Parcellab(CarrierSandbox):
    def __init__(self, url: str) -> None:
        super().__init__(url, "parcellab")


@pytest.fixture
def parcellab(live_server):
    return Parcellab(live_server())


@pytest.mark.parametrize("auth", ["Basic dXNlcjpwYXNz", "Bearer receiver-token"])
def test_webhooks_carry_the_receivers_auth_and_the_events(parcellab, webhook_sink, auth):
    parcellab.subscribe(webhook_sink.url, headers={"Authorization": auth})
    parcellab.clock.freeze()
    parcellab.clock.advance("1h")  # ORD-1002's InTransit reaches parcelLab, with a new delivery day
    events = [post.json()["event"] for post in webhook_sink.posts()]
    assert events == ["onDispatch", "onScheduled"]
    assert all(post.headers["Authorization"] == auth for post in webhook_sink.posts())
    first = webhook_sink.posts()[0].json()
    assert first["order_number"] == "ORD-1002" and first["data"]["status_code"] == "InTransit"
    parcellab.clock.advance("7h")  # the retailer's update (+2h), out for delivery (+5h), delivered (+8h)
    events = [post.json()["event"] for post in webhook_sink.posts()]
    assert events[2:] == ["onUpdated", "onScheduled", "onDelivered"]


def test_a_header_token_for_the_receiver(parcellab, webhook_sink):
    parcellab.subscribe(webhook_sink.url, headers={"X-Api-Key": "receiver-key"}, filters=["onDispatch"])
    parcellab.clock.freeze()
    parcellab.clock.advance("1h")
    [post] = webhook_sink.posts()
    assert post.headers["X-Api-Key"] == "receiver-key" and post.json()["event"] == "onDispatch"


def test_15_retries_at_30_minutes_then_dropped(parcellab, webhook_sink):
    parcellab.subscribe(webhook_sink.url, filters=["onDispatch"])
    webhook_sink.answer(default=503)
    parcellab.clock.freeze()
    parcellab.clock.advance("1h")
    settled(parcellab.deliveries, 1)
    parcellab.clock.advance("7h29m")
    assert len(parcellab.deliveries()[0]["attempts"]) == 15
    parcellab.clock.advance("1m")
    delivery = parcellab.deliveries()[0]
    assert delivery["state"] == "gave_up" and len(delivery["attempts"]) == 16 and len(webhook_sink.posts()) == 16


def test_every_delivery_matches_the_contract(parcellab, webhook_sink):
    contract = ContractBook(data_dir("contracts")).contract("parcellab")
    parcellab.subscribe(webhook_sink.url)
    parcellab.clock.freeze()
    parcellab.clock.advance("1d")
    deliveries = parcellab.deliveries()
    assert {d["event"] for d in deliveries} >= {"onUpdated", "onDispatch", "onScheduled", "onDelivered"}
    for delivery in deliveries:
        validator = contract.validator("components/requestBodies/Notification/content/application~1json/schema")
        assert not list(validator.iter_errors(json.loads(delivery["attempts"][0]["body"])))


def test_events_mean_what_parcellabs_webhook_page_says(live_server, webhook_sink):
    """onCreated: the retailer's data created the tracking; onUpdated: the retailer's data updated
    it; onScheduled: the carrier announced the delivery day, and again whenever it changes."""
    import requests

    url = live_server()
    tracking = {
        "tracking_id": "9e9e9e9e9e9e9e9e9e9e9e9e",
        "tracking_number": "1Z999AA10000000002",
        "courier": "ups",
        "created": "+30m",
        "announced_delivery_date": "+3d",
        "checkpoints": [
            {
                "at": "+1h",
                "status": "OrderProcessed",
                "location": "Nürnberg",
                "announced_delivery_date": "+3d",
            },  # the same day again: nothing to announce
            {"at": "+2h", "status": "InTransit", "location": "Nürnberg"},
            {"at": "+3h", "status": "Delayed", "location": "Nürnberg", "announced_delivery_date": "+4d"},
        ],
        "updates": [{"at": "+4h30m", "set": {"external_reference": "REF-NEW"}}],
    }
    overlay = {"orders": {"ORD-1002": {"trackings": [tracking]}}}
    admin = CarrierSandbox(url, "parcellab", namespace="ev", fixtures={"parcellab": overlay})
    admin.subscribe(webhook_sink.url)
    admin.clock.freeze()
    info = f"{url}/ns/ev/parcellab/v4/track/orders/info/?order_number=ORD-1002&account=1612197"
    assert requests.get(info, headers=PL_AUTH).json()["trackings"] == []  # not created yet
    admin.clock.advance("6h")
    posts = [post.json() for post in webhook_sink.posts()]
    assert [(p["event"], p["data"]["status_code"]) for p in posts] == [
        ("onCreated", ""),
        ("onDispatch", "InTransit"),
        ("onUpdated", "InTransit"),
        ("onScheduled", "Delayed"),
        ("onDelay", "Delayed"),
    ]  # parcelLab learns of each scan 2 h after it (sync_delay)
    days = [p["data"]["announced_delivery_date"] for p in posts]
    assert days[:3] == [days[0]] * 3 and days[3:] == [days[4]] * 2 and days[0] < days[4]  # +3d, then +4d
    found = requests.get(info, headers=PL_AUTH).json()["trackings"][0]
    assert found["announced_delivery_date"] == days[4]
    assert (
        requests.get(
            f"{url}/ns/ev/parcellab/v4/track/orders/info/?external_reference=REF-NEW&account=1612197", headers=PL_AUTH
        ).status_code
        == 200
    )  # the retailer's update counts
