"""examples/drivers/ run as the conformance kit runs them: a subprocess given the protocol's
environment and context file (docs/conformance.md), against a real server, judged by its exit
status, its result and the namespace's journal, with the faults the kit's checks inject."""

import hashlib
import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import requests
from bex import BexClient
from bodies import BEX_SHIPMENT as SHIPMENT
from bodies import BEX_WAYBILL as WAYBILL
from bodies import P2G_QUOTE_PARCEL as PARCEL
from bodies import p2g_order_with
from parcel2go import Parcel2GoClient
from support import wait_for

from mock_carriers.carriers.parcel2go.webhooks import signature

# each task, and the operation its faults aim at (the first of the task's calls that can fail)
TASKS = {
    ("border-express", "track"): "getConsignmentStatuses",
    ("bex", "track"): "waybillquicktrackingv3customtreeview",
    ("parcel2go", "track"): "getTracking",
    ("borderless360", "track"): "getOrder",
    ("parcellab", "track"): "getOrderInfo",
    ("parcel2go", "quote"): "getQuotes",
    ("bex", "quote"): "getquoteservicedeliverypricingv2",
    ("parcel2go", "book"): "createOrder",
    ("bex", "book"): "submitwaybillv4",
    ("borderless360", "sync"): "listOrders",
}
TOKENS = {"border-express": "issueToken", "parcel2go": "issueToken", "bex": "login"}


def references(carriers, carrier: str, task: str) -> dict:
    """What the kit puts in the context's `references` for the task."""
    fixtures = carriers.references(carrier)
    if task == "track":
        key, fixture = {
            "border-express": ("consignment", "in_transit"),
            "bex": ("waybill", "in_transit"),
            "parcel2go": ("order_line", "delivered_order_line"),
            "borderless360": ("order", "delivered_order"),
            "parcellab": ("order_number", "delivered_order"),
        }[carrier]
        return {key: fixtures[fixture]}
    if carrier == "parcel2go":
        quote = {"parcels": [PARCEL], "collection_country": "GBR", "delivery_country": "GBR"}
        if task == "quote":
            return quote
        order = p2g_order_with(Service=fixtures["domestic_service"], CollectionDate="", Upsells=[])
        for item in order["Items"]:
            del item["CollectionDate"]
        return quote | {"service": fixtures["domestic_service"], "order": order}
    if carrier == "bex":
        return {"shipment": SHIPMENT} if task == "quote" else {"waybill": WAYBILL | {"waybillNumber": "KIT0001"}}
    return {}


@pytest.fixture
def drive(carriers, drivers):
    def run(carrier: str, task: str, **context):
        return drivers.run(carrier, task, references(carriers, carrier, task), **context)

    return run


def lost(effect: str) -> dict:
    """A fault rule's effect, held 10 s for a hang (the driver's own timeout, 0.5 s, ends it first)."""
    return {"effect": effect, "max_ms": 10_000} if effect == "hang" else {"effect": effect}


def statuses(attempts, operation: str) -> list[int]:
    return [status for status, _ in attempts(operation)]


def test_track_drivers_read_the_reference(carriers, drivers):
    started = {
        carrier: drivers.start(carrier, "track", references(carriers, carrier, "track"))
        for carrier, task in TASKS
        if task == "track"
    }
    results = {carrier: drivers.finish(process) for carrier, process in started.items()}
    assert {carrier: run.returncode for carrier, run in results.items()} == dict.fromkeys(results, 0)
    assert results["border-express"].result == {"reference": "BE10000002", "status": "In Transit", "events": 2}
    assert results["bex"].result["status"] == "Departed JNB"
    assert results["parcel2go"].result["status"] == "Delivered"
    assert results["borderless360"].result["shipments"][0]["tracking_status"] == "delivered"
    assert results["parcellab"].result["statuses"] == {"00340434161094042557": "Delivered"}


def test_quote_drivers_answer_every_service(carriers, drivers):
    started = [
        drivers.start(carrier, "quote", references(carriers, carrier, "quote")) for carrier in ("parcel2go", "bex")
    ]
    p2g, bex = [drivers.finish(process) for process in started]
    assert p2g.returncode == bex.returncode == 0
    assert "dpd-next-day" in [quote["service"] for quote in p2g.result["quotes"]]
    assert "ONC" in [quote["service"] for quote in bex.result["quotes"]]


def test_parcel2go_book_pays_the_order_once(carriers, drive, attempts):
    prepay = Parcel2GoClient(carriers.url("parcel2go"), **carriers.credentials("parcel2go"))
    before = prepay.prepay_balance()
    run = drive("parcel2go", "book")
    assert run.returncode == 0, run.stderr
    assert statuses(attempts, "payWithPrePay") == [200] and len(run.result["order_line_ids"]) == 1
    assert prepay.prepay_balance() < before


def test_bex_book_submits_the_kits_waybill_number(drive, attempts):
    run = drive("bex", "book")
    assert run.returncode == 0, run.stderr
    assert run.result == {"waybill_number": "KIT0001"} and statuses(attempts, "submitwaybillv4") == [200]


def test_a_503_is_retried_and_a_429_waited_out(carriers, drive, attempts):
    carriers.faults.add(
        carrier="parcel2go",
        operation="getQuotes",
        effect="rate_limit",
        retry_after=1,
        retry_after_format="http-date",
        times=1,
    )
    carriers.faults.add(carrier="parcel2go", operation="createOrder", effect="status", status=503, times=1)
    run = drive("parcel2go", "book")
    assert run.returncode == 0, run.stderr
    assert statuses(attempts, "getQuotes") == [429, 200] and statuses(attempts, "createOrder") == [503, 200]


def test_a_carrier_that_stays_down_is_a_reported_failure(carriers, drive, attempts):
    carriers.faults.add(carrier="border-express", operation="getConsignmentStatuses", effect="status", status=503)
    run = drive("border-express", "track")
    assert run.returncode == 1 and "503" in run.result["error"]
    assert statuses(attempts, "getConsignmentStatuses") == [503] * 4  # bounded


@pytest.mark.parametrize(("carrier", "task"), [("parcel2go", "book"), ("bex", "quote"), ("parcellab", "track")])
def test_a_revoked_credential_is_reported_without_a_loop(carriers, drive, attempts, carrier, task):
    operation = TASKS[carrier, task]
    carriers.faults.add(carrier=carrier, operation=operation, effect="revoke_token")
    run = drive(carrier, task)
    assert run.returncode == 1 and run.result["error"]
    assert len(attempts(operation)) == (2 if carrier in TOKENS else 1)  # a new token once, where there are tokens
    assert carrier not in TOKENS or len(attempts(TOKENS[carrier])) == 2


def test_an_expired_token_is_replaced_once(carriers, drive, attempts):
    carriers.faults.add(carrier="bex", operation="submitwaybillv4", effect="expire_token", times=1)
    run = drive("bex", "book")
    assert run.returncode == 0, run.stderr
    assert len(attempts("login")) == 2 and len(attempts("submitwaybillv4")) == 2


def test_bex_ex_under_http_200_is_a_failure(carriers, drive, attempts):
    carriers.faults.add(carrier="bex", operation="submitwaybillv4", effect="carrier_error", message="Closed today.")
    run = drive("bex", "book")
    assert run.returncode == 1 and run.result == {"error": "BexError: Closed today."}
    assert statuses(attempts, "submitwaybillv4") == [200]


@pytest.mark.parametrize("effect", ["reset", "hang"])
def test_parcel2go_pays_once_when_the_answer_is_lost(carriers, drive, attempts, effect):
    carriers.faults.add(carrier="parcel2go", operation="payWithPrePay", **lost(effect), times=1)
    run = drive("parcel2go", "book", timeouts={"request": 0.5, "task": 30})
    assert run.returncode == 0, run.stderr
    assert [faults for _, faults in attempts("payWithPrePay")] == [[effect]]  # paid, the answer lost...
    assert statuses(attempts, "getOrder") == [200]  # ...the order looked up, found paid: not paid again


@pytest.mark.parametrize("effect", ["reset", "malformed"])
def test_bex_books_one_waybill_when_the_answer_is_lost(carriers, drive, attempts, effect):
    carriers.faults.add(carrier="bex", operation="submitwaybillv4", **lost(effect), times=1)
    run = drive("bex", "book")
    assert run.returncode == 0 and run.result == {"waybill_number": "KIT0001"}, run.stderr
    assert [faults for _, faults in attempts("submitwaybillv4")] == [[effect]]  # submitted once, then tracked
    assert statuses(attempts, "waybillquicktrackingv3customtreeview") == [200]


def test_a_hanging_read_is_given_up_on_and_retried(carriers, drive, attempts):
    carriers.faults.add(carrier="parcellab", operation="getOrderInfo", **lost("hang"), times=1)
    run = drive("parcellab", "track", timeouts={"request": 0.5, "task": 30})
    assert run.returncode == 0, run.stderr
    assert [faults for _, faults in attempts("getOrderInfo")] == [["hang"], []]


def test_a_read_that_stays_garbled_is_a_reported_failure(carriers, drive):
    carriers.faults.add(carrier="bex", operation="waybillquicktrackingv3customtreeview", effect="malformed")
    run = drive("bex", "track")
    assert run.returncode == 1 and "not valid JSON" in run.result["error"]


ADDRESS = {
    "full_name": "Bulk Buyer",
    "email": "bulk@example.com",
    "company": "",
    "phone": "0400000009",
    "address_1": "9 Bulk St",
    "address_2": "",
    "state": "VIC",
    "city": "Melbourne",
    "postal_code": "3000",
    "country": "AU",
}
BULK_ORDERS = {  # 230 more orders, as the kit adds for its `sync` checks: three pages of 100 in all
    str(600_000 + n): {
        "client": "9",
        "customer_reference": f"BULK-{n}",
        "created": f"-{n + 1}m",
        "destination_address": ADDRESS,
        "order_items": [{"sku": "WAG4628", "quantity": 1, "customs_value": "1.00", "customs_value_currency": "AUD"}],
        "events": [],
    }
    for n in range(230)
}


@pytest.fixture
def bulk(carriers_server):
    """A namespace with 237 Borderless360 orders, in strict mode."""
    sandbox = carriers_server.sandbox(fixtures={"borderless360": {"orders": BULK_ORDERS}}, strict=True)
    yield sandbox
    assert sandbox.violations() == []
    sandbox.drop()


def pages(sandbox) -> list[tuple[str, int]]:
    return [
        (entry["request"]["query"], entry["response"]["status"]) for entry in sandbox.journal(operation="listOrders")
    ]


def test_sync_reads_every_page_once_to_the_end(bulk, drivers):
    run = drivers.on(bulk).run("borderless360", "sync", {})
    assert run.returncode == 0 and run.result == {"orders": 237}
    assert pages(bulk) == [("limit=100", 200), ("limit=100&offset=100", 200), ("limit=100&offset=200", 200)]


def test_sync_reads_a_failed_page_again_not_the_list(bulk, drivers):
    bulk.faults.add(carrier="borderless360", operation="listOrders", effect="status", status=503, after=1, times=1)
    bulk.faults.add(carrier="borderless360", operation="listOrders", effect="truncate", after=2, times=1)
    run = drivers.on(bulk).run("borderless360", "sync", {})
    assert run.returncode == 0 and run.result == {"orders": 237}
    assert pages(bulk) == [
        ("limit=100", 200),
        ("limit=100&offset=100", 503),
        ("limit=100&offset=100", 200),
        ("limit=100&offset=200", 200),  # cut short on the way
        ("limit=100&offset=200", 200),
    ]
    assert [entry["faults"] != [] for entry in bulk.journal(operation="listOrders")] == [0, 1, 0, 1, 0]


def test_sync_with_a_key_lost_half_way_reports_failure_not_a_short_list(bulk, drivers):
    bulk.faults.add(carrier="borderless360", operation="listOrders", effect="expire_token", after=1, times=1)
    run = drivers.on(bulk).run("borderless360", "sync", {})
    assert run.returncode == 1 and run.result["error"].startswith("AuthenticationFailed")
    assert pages(bulk) == [("limit=100", 200), ("limit=100&offset=100", 401)]  # no loop, no retry


SECRET = "a-webhook-secret-of-32-characters-or-more"


def ship_a_bex_waybill(carriers) -> None:
    credentials = carriers.credentials("bex")
    BexClient(carriers.url("bex"), **credentials).submit_waybill(WAYBILL)  # a waybill_update, a tracking_event


def advance(by: str):
    def later(carriers) -> None:
        carriers.clock.freeze()
        carriers.clock.advance(by)

    return later


def envelope_id(body: str) -> str:
    return json.loads(body)["Id"]


def body_hash(body: str) -> str:
    return hashlib.sha256(body.encode()).hexdigest()


# carrier: how the receiver is subscribed, what makes two kinds of event happen (the first forged,
# the second duplicated below), how many deliveries that makes, and a delivery's id. (Parcel2Go's
# are stamped with the namespace's time, which advancing the clock moves away from the driver's:
# its deliveries are built below, as the kit builds them.)
WEBHOOKS = {
    "bex": ({"secret": SECRET}, ship_a_bex_waybill, ("waybill_update", "tracking_event"), 2, envelope_id),
    "borderless360": (
        {"headers": {"X-Webhook-Secret": SECRET}},
        advance("3h"),
        ("tracking_update", "order_update"),
        3,
        body_hash,
    ),
    "parcellab": (
        {"headers": {"Authorization": f"Bearer {SECRET}"}},
        advance("1h"),
        ("onScheduled", "onDispatch"),
        2,
        body_hash,
    ),
}


def settled(carriers, carrier: str, count: int) -> list[dict]:
    """The carrier's deliveries, once `count` of them have each had their first answer."""

    def answered() -> list[dict]:
        found = carriers.webhooks.deliveries(carrier)
        return found if len(found) == count and all(d["attempts"] and d["attempts"][0]["status"] for d in found) else []

    wait_for(answered, what=f"{count} {carrier} deliveries answered")
    return answered()


@pytest.mark.parametrize("carrier", WEBHOOKS)
def test_webhook_drivers_process_genuine_deliveries_once_and_refuse_forgeries(carriers, drivers, carrier):
    subscription, happen, (forged, repeated), count, delivery_id = WEBHOOKS[carrier]
    process, url = drivers.listen(carrier, SECRET)
    carriers.webhooks.subscribe(carrier, url, **subscription)
    carriers.faults.add(carrier=carrier, event=forged, effect="bad_signature", times=1)
    carriers.faults.add(carrier=carrier, event=repeated, effect="duplicate", times=1)
    happen(carriers)
    deliveries = settled(carriers, carrier, count + 1)  # one of them twice
    answers = {(d["event"], d["attempts"][0]["status"]) for d in deliveries}
    assert (forged, 401) in answers and (forged, 200) not in answers and (repeated, 200) in answers
    assert {status for _, status in answers} == {200, 401}
    run = drivers.stop(process)
    assert run.returncode == 0, run.stderr
    genuine = [delivery_id(d["attempts"][0]["body"]) for d in deliveries if "bad_signature" not in d["faults"]]
    assert sorted(run.result["processed"]) == sorted(set(genuine)) and len(genuine) == len(set(genuine)) + 1


def parcel2go_delivery(kind: str, sent: datetime, secret: str = SECRET, webhook_id: str | None = None) -> bytes:
    """A Parcel2Go delivery as the carrier sends it (its signature computed by the mock's own code)."""
    webhook_id = webhook_id or str(uuid.uuid4())
    document = {
        "Id": webhook_id,
        "Timestamp": sent.isoformat(),
        "Signature": signature(secret, webhook_id, sent, kind),
        "Type": kind,
        "Payload": {"OrderLineId": 115030210, "TrackingStage": "DroppedOff"},
    }
    return json.dumps(document).encode()


def test_parcel2go_webhook_driver_checks_signature_and_timestamp_and_drops_repeats(drivers):
    process, url = drivers.listen("parcel2go", SECRET)
    now = datetime.now(UTC)
    genuine, repeated = parcel2go_delivery("Tracking", now), parcel2go_delivery("Case", now)
    sent = [
        genuine,
        parcel2go_delivery("Tracking", now, secret="guessed"),
        parcel2go_delivery("Tracking", now - timedelta(hours=2)),  # signed, but two hours old
        repeated,
        parcel2go_delivery("Case", now + timedelta(seconds=1), webhook_id=json.loads(repeated)["Id"]),  # re-stamped
        b"not json",
    ]
    answers = [requests.post(url, data=body, timeout=10).status_code for body in sent]
    run = drivers.stop(process)
    assert answers == [200, 401, 401, 200, 200, 401]
    assert run.returncode == 0 and run.result == {"processed": [json.loads(genuine)["Id"], json.loads(repeated)["Id"]]}


def test_webhook_driver_takes_deliveries_out_of_order(carriers, drivers):
    process, url = drivers.listen("parcellab", SECRET)
    carriers.webhooks.subscribe("parcellab", url, headers={"Authorization": f"Bearer {SECRET}"})
    carriers.faults.add(carrier="parcellab", event="onDispatch", effect="out_of_order", times=1)
    advance("1h")(carriers)
    carriers.clock.advance("10m")  # past the gap the held delivery keeps behind the one that overtakes it
    deliveries = settled(carriers, "parcellab", 2)
    run = drivers.stop(process)
    assert run.returncode == 0
    by_arrival = sorted(deliveries, key=lambda d: d["attempts"][0]["at"])
    assert [d["event"] for d in by_arrival] == ["onScheduled", "onDispatch"]
    assert run.result["processed"] == [body_hash(d["attempts"][0]["body"]) for d in by_arrival]
