"""What every example client does when the carrier misbehaves, called in-process with `sleep`
recorded (so nothing waits): Retry-After read in either form, lost and garbled answers of reads
retried after a backoff, retries bounded, and the calls that must not happen twice (a Parcel2Go
payment, a BEX waybill) looked up instead of repeated.

The `hang` cases each wait out their client's timeout: they run together (see `hung`)."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from bex import BexClient, BexError
from bodies import BEX_SHIPMENT as SHIPMENT
from bodies import BEX_WAYBILL as WAYBILL
from border_express import BorderExpressClient, BorderExpressError
from borderless360 import Borderless360Client, Borderless360Error
from parcel2go import Parcel2GoClient, Parcel2GoError
from parcellab import ParcelLabClient, ParcelLabError
from support import attempts_in, p2g_checkout

LOST = ["reset", "drop", "truncate", "malformed", "hang"]


def be(sb, **options):
    client = BorderExpressClient(sb.url("border-express"), **sb.credentials("border-express"), **options)
    return client, lambda: client.statuses(sb.references("border-express")["delivered"]), "getConsignmentStatuses"


def bex(sb, **options):
    client = BexClient(sb.url("bex"), **sb.credentials("bex"), **options)
    return client, lambda: client.quote(SHIPMENT), "getquoteservicedeliverypricingv2"


def p2g(sb, **options):
    client = Parcel2GoClient(sb.url("parcel2go"), **sb.credentials("parcel2go"), **options)
    return client, lambda: client.tracking(sb.references("parcel2go")["delivered_order_line"]), "getTracking"


def b360(sb, **options):
    client = Borderless360Client(sb.url("borderless360"), sb.credentials("borderless360")["token"], **options)
    return client, lambda: client.orders(page_size=2), "listOrders"


def parcellab(sb, **options):
    client = ParcelLabClient(sb.url("parcellab"), **sb.credentials("parcellab", "account", "token"), **options)
    return client, lambda: client.order_status(sb.references("parcellab")["delivered_order"]), "getOrderInfo"


CLIENTS = {"border-express": be, "bex": bex, "parcel2go": p2g, "borderless360": b360, "parcellab": parcellab}
ERRORS = {
    "border-express": BorderExpressError,
    "bex": BexError,
    "parcel2go": Parcel2GoError,
    "borderless360": Borderless360Error,
    "parcellab": ParcelLabError,
}


def lost(effect: str) -> dict:
    """The fault rule: a hang outlasts the client's timeout by far."""
    return {"effect": effect, "max_ms": 10_000} if effect == "hang" else {"effect": effect}


def timeout(effect: str) -> dict:
    """The client's timeout: short for a hang, so the test does not wait long (yet long enough
    that a busy machine answers every other call in time, with the other `hang` cases' clients
    calling at the same moment: this process's own server answers one in a few milliseconds); the
    client's default otherwise."""
    return {"timeout": 1.0} if effect == "hang" else {}


def read_lost_once(sandbox, carrier: str, effect: str) -> tuple[object, list[float]]:
    """A read whose first answer is lost or garbled (`effect`): what it answered, and the waits it asked for."""
    sleeps: list[float] = []
    _, read, operation = CLIENTS[carrier](sandbox, sleep=sleeps.append, **timeout(effect))
    sandbox.faults.add(carrier=carrier, operation=operation, **lost(effect), times=1)
    return read(), sleeps


def payment_lost_once(sandbox, effect: str) -> tuple[Parcel2GoClient, float, dict]:
    """A Parcel2Go checkout whose payment's answer is lost: the client, the balance before, the order."""
    client, _, _ = p2g(sandbox, sleep=[].append, **timeout(effect))  # its backoff recorded, not waited
    sandbox.faults.add(carrier="parcel2go", operation="payWithPrePay", **lost(effect), times=1)
    before = client.prepay_balance()
    return client, before, p2g_checkout(sandbox, client)


def waybill_lost_once(sandbox, effect: str) -> tuple[BexClient, dict]:
    """A BEX waybill submitted, its answer lost: the client, and the waybill it answered."""
    client, _, _ = bex(sandbox, sleep=[].append, **timeout(effect))  # its backoff recorded, not waited
    sandbox.faults.add(carrier="bex", operation="submitwaybillv4", **lost(effect), times=1)
    return client, client.submit_waybill(WAYBILL)


# each lost-answer case: what it does, and with what (all but the effect); its `hang` form runs in `hung`
CASES = {
    **{("read", carrier): (read_lost_once, carrier) for carrier in CLIENTS},
    ("payment",): (payment_lost_once,),
    ("waybill",): (waybill_lost_once,),
}


@pytest.fixture(scope="module")
def hung(carriers_server):
    """The `hang` cases, run at once: each client waits out its timeout before it retries, so one
    after another they would wait that long seven times; together, about once. Each case runs in a
    strict namespace of its own; key -> (namespace, Future of what it answered). A case that raised
    raises in its test."""
    sandboxes = {key: carriers_server.sandbox(strict=True) for key in CASES}
    with ThreadPoolExecutor(max_workers=len(CASES), thread_name_prefix="hang") as pool:
        futures = {key: pool.submit(act, sandboxes[key], *args, "hang") for key, (act, *args) in CASES.items()}
    yield {key: (sandboxes[key], futures[key]) for key in CASES}
    for sandbox in sandboxes.values():
        sandbox.drop()


@pytest.fixture
def case(request):
    """`case(key, effect)`: the namespace the case ran in and what it answered. A `hang` case's comes
    from `hung` (its namespace checked for contract violations after the test, as `carriers` is);
    any other runs here, in the test's own `carriers`."""
    handed = []

    def outcome(key: tuple, effect: str) -> tuple:
        if effect == "hang":
            sandbox, answered = request.getfixturevalue("hung")[key]
            handed.append(sandbox)
            return sandbox, answered.result()
        act, *args = CASES[key]
        sandbox = request.getfixturevalue("carriers")
        return sandbox, act(sandbox, *args, effect)

    yield outcome
    for sandbox in handed:
        assert sandbox.violations() == []


@pytest.mark.parametrize("carrier", CLIENTS)
def test_retry_after_as_an_http_date(carriers, sleeps, attempts, carrier):
    _, read, operation = CLIENTS[carrier](carriers, sleep=sleeps.append)
    carriers.clock.freeze()
    carriers.faults.add(
        carrier=carrier,
        operation=operation,
        effect="rate_limit",
        retry_after=2,
        retry_after_format="http-date",
        times=1,
    )
    assert read()
    assert sleeps == [2.0] and [status for status, _ in attempts(operation)][:2] == [429, 200]


@pytest.mark.parametrize("effect", LOST)
@pytest.mark.parametrize("carrier", CLIENTS)
def test_a_read_whose_answer_is_lost_or_garbled_is_retried(case, carrier, effect):
    sandbox, (answer, sleeps) = case(("read", carrier), effect)
    operation = CLIENTS[carrier](sandbox)[2]
    assert answer
    assert [faults for _, faults in attempts_in(sandbox, operation)][:2] == [[effect], []] and sleeps[-1:] == [0.5]


@pytest.mark.parametrize("carrier", CLIENTS)
def test_retries_end(carriers, sleeps, attempts, carrier):
    _, read, operation = CLIENTS[carrier](carriers, sleep=sleeps.append)
    carriers.faults.add(carrier=carrier, operation=operation, effect="malformed")
    with pytest.raises(ERRORS[carrier], match="not valid JSON"):
        read()
    assert len(attempts(operation)) == 4 and sleeps == [0.5, 1.0, 2.0]


@pytest.mark.parametrize("effect", ["reset", "drop", "hang", "truncate", "malformed"])
def test_parcel2go_never_pays_twice(case, effect):
    sandbox, (client, before, order) = case(("payment",), effect)
    assert [faults for _, faults in attempts_in(sandbox, "payWithPrePay")] == [[effect]]
    assert client.prepay_balance() == round(before - order["TotalPrice"], 2)


def test_parcel2go_pays_again_when_the_first_payment_never_arrived(carriers, sleeps, attempts):
    client, _, _ = p2g(carriers, sleep=sleeps.append)
    carriers.faults.add(carrier="parcel2go", operation="payWithPrePay", effect="status", status=503, times=1)
    p2g_checkout(carriers, client)
    assert [status for status, _ in attempts("payWithPrePay")] == [503, 200]
    assert [status for status, _ in attempts("getOrder")] == [200]  # looked up in between: unpaid


@pytest.mark.parametrize("effect", ["reset", "drop", "hang", "truncate", "malformed"])
def test_bex_never_books_a_waybill_twice(case, effect):
    sandbox, (client, waybill) = case(("waybill",), effect)
    assert [faults for _, faults in attempts_in(sandbox, "submitwaybillv4")] == [[effect]]
    assert waybill == {"waybillNumber": waybill["waybillNumber"]}  # tracked, found: only the number is known
    assert list(client.track(waybill["waybillNumber"])) == [waybill["waybillNumber"]]


def test_bex_submits_again_when_the_first_never_arrived(carriers, sleeps, attempts):
    client, _, _ = bex(carriers, sleep=sleeps.append)
    carriers.faults.add(carrier="bex", operation="submitwaybillv4", effect="status", status=502, times=1)
    assert client.submit_waybill(WAYBILL | {"waybillNumber": "MINE42"})["totalCharges"] > 0
    assert [status for status, _ in attempts("submitwaybillv4")] == [502, 200]
    assert [status for status, _ in attempts("waybillquicktrackingv3customtreeview")] == [200]


def test_a_bex_submit_that_stays_down_ends(carriers, sleeps, attempts):
    client, _, _ = bex(carriers, sleep=sleeps.append)
    carriers.faults.add(carrier="bex", operation="submitwaybillv4", effect="status", status=503)
    with pytest.raises(BexError, match="HTTP 503"):
        client.submit_waybill(WAYBILL)
    assert len(attempts("submitwaybillv4")) == 4 and len(attempts("waybillquicktrackingv3customtreeview")) == 3
