"""examples/drivers/ run as the conformance kit runs them: a subprocess given the protocol's
environment and context file (docs/conformance.md), against a real server, judged by its exit
status, its result and the namespace's journal, with the faults the kit's checks inject. The
drivers that run a task to its end start together, before the module's first test (`DriverBatch`);
the webhook receivers, which a test talks to while they run, start in their own tests."""

import hashlib
import json
import shutil
import tempfile
import threading
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Callable, Hashable

import pytest
import requests
from bex import BexClient
from bodies import BEX_SHIPMENT as SHIPMENT
from bodies import BEX_WAYBILL as WAYBILL
from bodies import P2G_QUOTE_PARCEL as PARCEL
from bodies import p2g_order_with
from example_drivers import DriverRun, Drivers, stop_all
from head_start import head_start, prepared
from launching import served
from parcel2go import Parcel2GoClient
from support import attempts_in, wait_for

from mock_carriers.carriers.parcel2go.webhooks import signature
from mock_carriers.client import Sandbox

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


@dataclass(frozen=True)
class Case:
    """A driver run of the module's batch (see `DriverBatch`): the carrier and task, the fault rules added to
    its namespace first, the context's extras, the namespace's own fixtures, and what the test reads
    in the namespace before the driver starts (to compare with after)."""

    carrier: str
    task: str
    faults: tuple[dict, ...] = ()
    context: dict = field(default_factory=dict)
    fixtures: dict | None = None
    before: Callable[[Sandbox], object] | None = None


CASES: dict[Hashable, Case] = {}  # each test's case, set beside the test


@dataclass
class Ran:
    sandbox: Sandbox
    before: object
    run: DriverRun


class DriverBatch:
    """Every case of CASES, each in a strict namespace of its own, their drivers started at once: a
    driver mostly waits (its interpreter starting, a backoff, a Retry-After, a request timeout), so
    together they take little longer than the slowest one alone (all of them run, even for a test
    selected alone). Against a server of the batch's own (`served`), and in a serial run ahead of
    the module (tests/head_start.py). `runs`: key -> how its case ran."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="driver-batch-"))
        self.drivers = Drivers(None, self.folder)
        self.runs: dict[Hashable, Ran] = {}
        self._server = ExitStack()
        self._stopping = threading.Event()

    def run(self) -> None:
        server = self._server.enter_context(served())
        arranged = {}  # every namespace made ready first: a driver running meanwhile would slow that down
        for key, case in CASES.items():
            sandbox = server.sandbox(fixtures=case.fixtures, strict=True)
            for rule in case.faults:
                sandbox.faults.add(**rule)
            arranged[key] = (sandbox, case.before(sandbox) if case.before else None)
        started = {}
        for key, (sandbox, before) in arranged.items():
            if self._stopping.is_set():
                return
            case = CASES[key]
            kit_references = references(sandbox, case.carrier, case.task)
            process = self.drivers.on(sandbox).start(case.carrier, case.task, kit_references, **case.context)
            started[key] = (sandbox, before, process)
        self.runs = {
            key: Ran(sandbox, before, self.drivers.finish(process))
            for key, (sandbox, before, process) in started.items()
        }

    def stop(self) -> None:
        self._stopping.set()
        stop_all(self.drivers)
        self._server.close()
        shutil.rmtree(self.folder, ignore_errors=True)


@head_start("driver_batch")
def _driver_batch(items) -> DriverBatch:
    return DriverBatch()


@pytest.fixture(scope="module")
def driver_batch(request) -> Iterator[DriverBatch]:
    batch = prepared(request, "driver_batch")
    yield batch
    batch.stop()


@pytest.fixture
def ran(driver_batch):
    """`ran(key)`: that case of the batch, its driver ended; its namespace is checked for contract
    violations after the test, as a test's own `carriers` is."""
    handed = []

    def of(key: Hashable) -> Ran:
        handed.append(driver_batch.runs[key].sandbox)
        return driver_batch.runs[key]

    yield of
    for sandbox in handed:
        assert sandbox.violations() == []


def lost(effect: str) -> dict:
    """A fault rule's effect, held 10 s for a hang (the driver's own timeout, LOST_TIMEOUTS, ends it first)."""
    return {"effect": effect, "max_ms": 10_000} if effect == "hang" else {"effect": effect}


# A driver whose answer may hang gives up after 2 s, not the kit's 5 s, so its test waits less; yet
# every other call must be answered within it while the batch's other interpreters start on the same
# cores (one answers in a few milliseconds on a quiet machine): 2 s leaves a slow CI machine its margin.
LOST_TIMEOUTS = {"timeouts": {"request": 2, "task": 30}}


def statuses(sandbox, operation: str) -> list[int]:
    return [status for status, _ in attempts_in(sandbox, operation)]


CASES.update({("track", carrier): Case(carrier, task) for carrier, task in TASKS if task == "track"})


def test_track_drivers_read_the_reference(ran):
    results = {carrier: ran(("track", carrier)).run for carrier, task in TASKS if task == "track"}
    assert {carrier: run.returncode for carrier, run in results.items()} == dict.fromkeys(results, 0)
    assert results["border-express"].result == {"reference": "BE10000002", "status": "In Transit", "events": 2}
    assert results["bex"].result["status"] == "Departed JNB"
    assert results["parcel2go"].result["status"] == "Delivered"
    assert results["borderless360"].result["shipments"][0]["tracking_status"] == "delivered"
    assert results["parcellab"].result["statuses"] == {"00340434161094042557": "Delivered"}


CASES.update({("quote", carrier): Case(carrier, "quote") for carrier in ("parcel2go", "bex")})


def test_quote_drivers_answer_every_service(ran):
    p2g, bex = [ran(("quote", carrier)).run for carrier in ("parcel2go", "bex")]
    assert p2g.returncode == bex.returncode == 0
    assert "dpd-next-day" in [quote["service"] for quote in p2g.result["quotes"]]
    assert "ONC" in [quote["service"] for quote in bex.result["quotes"]]


def prepay(sandbox) -> Parcel2GoClient:
    return Parcel2GoClient(sandbox.url("parcel2go"), **sandbox.credentials("parcel2go"))


CASES["parcel2go book"] = Case("parcel2go", "book", before=lambda sandbox: prepay(sandbox).prepay_balance())


def test_parcel2go_book_pays_the_order_once(ran):
    case = ran("parcel2go book")
    assert case.run.returncode == 0, case.run.stderr
    assert statuses(case.sandbox, "payWithPrePay") == [200] and len(case.run.result["order_line_ids"]) == 1
    assert prepay(case.sandbox).prepay_balance() < case.before


CASES["bex book"] = Case("bex", "book")


def test_bex_book_submits_the_kits_waybill_number(ran):
    case = ran("bex book")
    assert case.run.returncode == 0, case.run.stderr
    assert case.run.result == {"waybill_number": "KIT0001"} and statuses(case.sandbox, "submitwaybillv4") == [200]


CASES["a 503 and a 429"] = Case(
    "parcel2go",
    "book",
    faults=(
        {
            "carrier": "parcel2go",
            "operation": "getQuotes",
            "effect": "rate_limit",
            "retry_after": 1,
            "retry_after_format": "http-date",
            "times": 1,
        },
        {"carrier": "parcel2go", "operation": "createOrder", "effect": "status", "status": 503, "times": 1},
    ),
)


def test_a_503_is_retried_and_a_429_waited_out(ran):
    case = ran("a 503 and a 429")
    assert case.run.returncode == 0, case.run.stderr
    assert statuses(case.sandbox, "getQuotes") == [429, 200] and statuses(case.sandbox, "createOrder") == [503, 200]


CASES["stays down"] = Case(
    "border-express",
    "track",
    faults=({"carrier": "border-express", "operation": "getConsignmentStatuses", "effect": "status", "status": 503},),
)


def test_a_carrier_that_stays_down_is_a_reported_failure(ran):
    case = ran("stays down")
    assert case.run.returncode == 1 and "503" in case.run.result["error"]
    assert statuses(case.sandbox, "getConsignmentStatuses") == [503] * 4  # bounded


REVOKED = [("parcel2go", "book"), ("bex", "quote"), ("parcellab", "track")]
CASES.update(
    {
        ("revoked", carrier, task): Case(
            carrier, task, faults=({"carrier": carrier, "operation": TASKS[carrier, task], "effect": "revoke_token"},)
        )
        for carrier, task in REVOKED
    }
)


@pytest.mark.parametrize(("carrier", "task"), REVOKED)
def test_a_revoked_credential_is_reported_without_a_loop(ran, carrier, task):
    case = ran(("revoked", carrier, task))
    operation = TASKS[carrier, task]
    assert case.run.returncode == 1 and case.run.result["error"]
    assert len(attempts_in(case.sandbox, operation)) == (2 if carrier in TOKENS else 1)  # a new token once, if any
    assert carrier not in TOKENS or len(attempts_in(case.sandbox, TOKENS[carrier])) == 2


CASES["expired token"] = Case(
    "bex", "book", faults=({"carrier": "bex", "operation": "submitwaybillv4", "effect": "expire_token", "times": 1},)
)


def test_an_expired_token_is_replaced_once(ran):
    case = ran("expired token")
    assert case.run.returncode == 0, case.run.stderr
    assert len(attempts_in(case.sandbox, "login")) == 2 and len(attempts_in(case.sandbox, "submitwaybillv4")) == 2


CASES["bex ex"] = Case(
    "bex",
    "book",
    faults=({"carrier": "bex", "operation": "submitwaybillv4", "effect": "carrier_error", "message": "Closed today."},),
)


def test_bex_ex_under_http_200_is_a_failure(ran):
    case = ran("bex ex")
    assert case.run.returncode == 1 and case.run.result == {"error": "BexError: Closed today."}
    assert statuses(case.sandbox, "submitwaybillv4") == [200]


PAYMENT_LOST = ["reset", "hang"]
CASES.update(
    {
        ("payment lost", effect): Case(
            "parcel2go",
            "book",
            faults=({"carrier": "parcel2go", "operation": "payWithPrePay", **lost(effect), "times": 1},),
            context=LOST_TIMEOUTS,
        )
        for effect in PAYMENT_LOST
    }
)


@pytest.mark.parametrize("effect", PAYMENT_LOST)
def test_parcel2go_pays_once_when_the_answer_is_lost(ran, effect):
    case = ran(("payment lost", effect))
    assert case.run.returncode == 0, case.run.stderr
    assert [faults for _, faults in attempts_in(case.sandbox, "payWithPrePay")] == [[effect]]  # paid, answer lost...
    assert statuses(case.sandbox, "getOrder") == [200]  # ...the order looked up, found paid: not paid again


WAYBILL_LOST = ["reset", "malformed"]
CASES.update(
    {
        ("waybill lost", effect): Case(
            "bex", "book", faults=({"carrier": "bex", "operation": "submitwaybillv4", **lost(effect), "times": 1},)
        )
        for effect in WAYBILL_LOST
    }
)


@pytest.mark.parametrize("effect", WAYBILL_LOST)
def test_bex_books_one_waybill_when_the_answer_is_lost(ran, effect):
    case = ran(("waybill lost", effect))
    assert case.run.returncode == 0 and case.run.result == {"waybill_number": "KIT0001"}, case.run.stderr
    assert [faults for _, faults in attempts_in(case.sandbox, "submitwaybillv4")] == [[effect]]  # once, then tracked
    assert statuses(case.sandbox, "waybillquicktrackingv3customtreeview") == [200]


CASES["hanging read"] = Case(
    "parcellab",
    "track",
    faults=({"carrier": "parcellab", "operation": "getOrderInfo", **lost("hang"), "times": 1},),
    context=LOST_TIMEOUTS,
)


def test_a_hanging_read_is_given_up_on_and_retried(ran):
    case = ran("hanging read")
    assert case.run.returncode == 0, case.run.stderr
    assert [faults for _, faults in attempts_in(case.sandbox, "getOrderInfo")] == [["hang"], []]


CASES["stays garbled"] = Case(
    "bex",
    "track",
    faults=({"carrier": "bex", "operation": "waybillquicktrackingv3customtreeview", "effect": "malformed"},),
)


def test_a_read_that_stays_garbled_is_a_reported_failure(ran):
    case = ran("stays garbled")
    assert case.run.returncode == 1 and "not valid JSON" in case.run.result["error"]


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


BULK = {"borderless360": {"orders": BULK_ORDERS}}  # a namespace with 237 Borderless360 orders


def pages(sandbox) -> list[tuple[str, int]]:
    return [
        (entry["request"]["query"], entry["response"]["status"]) for entry in sandbox.journal(operation="listOrders")
    ]


CASES["sync"] = Case("borderless360", "sync", fixtures=BULK)


def test_sync_reads_every_page_once_to_the_end(ran):
    case = ran("sync")
    assert case.run.returncode == 0 and case.run.result == {"orders": 237}
    assert pages(case.sandbox) == [("limit=100", 200), ("limit=100&offset=100", 200), ("limit=100&offset=200", 200)]


CASES["sync, a page failed"] = Case(
    "borderless360",
    "sync",
    fixtures=BULK,
    faults=(
        {
            "carrier": "borderless360",
            "operation": "listOrders",
            "effect": "status",
            "status": 503,
            "after": 1,
            "times": 1,
        },
        {"carrier": "borderless360", "operation": "listOrders", "effect": "truncate", "after": 2, "times": 1},
    ),
)


def test_sync_reads_a_failed_page_again_not_the_list(ran):
    case = ran("sync, a page failed")
    assert case.run.returncode == 0 and case.run.result == {"orders": 237}
    assert pages(case.sandbox) == [
        ("limit=100", 200),
        ("limit=100&offset=100", 503),
        ("limit=100&offset=100", 200),
        ("limit=100&offset=200", 200),  # cut short on the way
        ("limit=100&offset=200", 200),
    ]
    assert [entry["faults"] != [] for entry in case.sandbox.journal(operation="listOrders")] == [0, 1, 0, 1, 0]


CASES["sync, the key lost"] = Case(
    "borderless360",
    "sync",
    fixtures=BULK,
    faults=({"carrier": "borderless360", "operation": "listOrders", "effect": "expire_token", "after": 1, "times": 1},),
)


def test_sync_with_a_key_lost_half_way_reports_failure_not_a_short_list(ran):
    case = ran("sync, the key lost")
    assert case.run.returncode == 1 and case.run.result["error"].startswith("AuthenticationFailed")
    assert pages(case.sandbox) == [("limit=100", 200), ("limit=100&offset=100", 401)]  # no loop, no retry


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
