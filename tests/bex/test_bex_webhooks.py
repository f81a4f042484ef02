"""BEX webhooks end to end: registration with the echo check, activation, signed deliveries,
retries at +1 and +4 minutes on the namespace clock, 410 unsubscribes. Real sockets throughout."""

import hashlib
import hmac
import json
import socket
import threading
from dataclasses import replace

import pytest
import requests
from bodies import BEX_NEXT_EVENTS
from receivers import Dribbling, Hanging
from support import BEX_LOGIN, BEX_WAYBILL, settled

from mock_carriers.client import MockCarriers, Sandbox

KEY = "mock-bex-webhook-key"
SECRET = "s" * 40


class Bex:
    def __init__(self, sandbox: Sandbox, url: str) -> None:
        self.url, self.sandbox, self.clock = url, sandbox, sandbox.clock
        self.token = requests.post(f"{url}/bex/api/service/login", json=BEX_LOGIN, timeout=5).json()["value"]

    def register(self, uri, secret=SECRET, filters=(), key=KEY, activate=True):
        response = requests.post(
            f"{self.url}/bex/api/webhooks/registrations",
            headers={"X-InsightWebHooks-Auth": key},
            json={"WebHookUri": uri, "Secret": secret, "Description": "test", "Filters": list(filters)},
            timeout=15,
        )
        if activate and response.status_code == 200:
            requests.post(f"{self.url}/bex/api/ActivateWebHook", json={"webHookKey": key}, timeout=5)
        return response

    def submit(self):
        body = requests.post(
            f"{self.url}/bex/api/service/submitwaybillv4", headers={"token": self.token}, json=BEX_WAYBILL, timeout=5
        ).json()
        return body["items"][0]["waybillNumber"]

    def outbox(self):
        return self.sandbox.webhooks.outbox()

    def one_update(self, sink, *answers) -> None:
        """Register `sink` for waybill_update only, queue its answers, freeze the clock, submit one
        waybill and wait until its first delivery attempt is recorded."""
        self.register(sink.url, filters=["waybill_update"])
        sink.answer(*answers)
        self.clock.freeze()
        self.submit()
        settled(lambda: self.outbox()["deliveries"], 1)


@pytest.fixture
def bex(live_server):
    url = live_server()
    return Bex(MockCarriers.connect(url).sandbox("default"), url)


def _actions(sink):
    return [r.json()["Notifications"][0]["Action"] for r in sink.posts()]


def test_registration_checks_the_echo_and_answers_200_as_documented(bex, webhook_sink):
    """ "After you have made this request and you receive a 200 OK response" (the stock library says 201)."""
    response = bex.register(webhook_sink.url, activate=False)
    assert response.status_code == 200
    body = response.json()
    assert body["WebHookUri"] == webhook_sink.url and body["IsPaused"] is True and body["Filters"] == []
    echo = webhook_sink.received[0]
    assert echo.method == "GET" and len(echo.query["echo"][0]) == 32


def test_noecho_skips_the_check(bex, webhook_sink):
    assert bex.register(webhook_sink.url + "?noecho", activate=False).status_code == 200
    assert webhook_sink.received == []


def _closed_port() -> int:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        return closed.getsockname()[1]


def test_a_receiver_that_fails_the_echo_is_refused(bex):
    response = bex.register(f"http://127.0.0.1:{_closed_port()}/hook")
    assert response.status_code == 400 and response.json()["Message"].startswith("WebHook verification failed.")
    assert bex.outbox()["subscriptions"] == []


def test_the_echo_check_holds_up_no_other_request_of_the_namespace(bex, monkeypatch):
    from mock_carriers.carriers.bex import api

    monkeypatch.setattr(api, "ECHO_CHECK", replace(api.ECHO_CHECK, deadline=3.0))  # not the full 10 s
    hanging = Hanging()
    refused = []
    registering = threading.Thread(target=lambda: refused.append(bex.register(hanging.url, activate=False)))
    try:
        registering.start()
        hanging.wait_for(accepted=1)  # the echo check waits on a receiver that never answers
        rows = requests.get(
            f"{bex.url}/bex/api/service/waybillquicktrackingv3customtreeview",
            params={"searchItems": "BEX1000001"},
            headers={"token": bex.token},
            timeout=30,
        )
        assert rows.status_code == 200
    finally:
        hanging.close()  # the echo check fails now
        registering.join(30)
    assert refused[0].status_code == 400
    journal = bex.sandbox.journal()
    order = [entry["operation"] for entry in journal]
    assert order.index("waybillquicktrackingv3customtreeviewViaGet") < order.index("registerWebHook")


def test_a_failed_echo_check_says_the_same_whatever_went_wrong(bex, monkeypatch):
    """Closed port, no answer in time, a wrong answer: one wording, so the check tells nobody
    which ports are open."""
    from mock_carriers.carriers.bex import api

    monkeypatch.setattr(api, "ECHO_CHECK", replace(api.ECHO_CHECK, deadline=0.3))  # the others answer in ms
    hanging, wrong = Hanging(), Dribbling(interval=0, body=3)  # 200 with "xxx": not the echo
    try:
        messages = {
            name: bex.register(url).json()["Message"]
            for name, url in (
                ("closed port", f"http://127.0.0.1:{_closed_port()}/hook"),
                ("hanging", hanging.url),
                ("wrong answer", wrong.url),
            )
        }
    finally:
        hanging.close()
        wrong.close()
    assert len(set(messages.values())) == 1, messages
    assert messages["hanging"].startswith("WebHook verification failed.")


@pytest.mark.parametrize(
    "kwargs, status, field",
    [
        ({"key": "wrong"}, 401, None),
        ({"key": ""}, 401, None),
        ({"secret": "short"}, 400, "webHook.Secret"),
        ({"secret": "x" * 65}, 400, "webHook.Secret"),
        ({"filters": ["everything"]}, 400, "webHook.Filters"),
    ],
)
def test_bad_registrations(bex, webhook_sink, kwargs, status, field):
    response = bex.register(webhook_sink.url, **kwargs)
    assert response.status_code == status
    if field:
        assert field in response.json()["ModelState"]
    else:
        assert response.json() == {"Message": "Authorization has been denied for this request."}


@pytest.mark.parametrize("uri", ["ftp://example.com/x", "not a uri", ""])
def test_registration_needs_an_http_uri(bex, uri):
    response = bex.register(uri)
    assert response.status_code == 400 and "webHook.WebHookUri" in response.json()["ModelState"]


def test_nothing_is_sent_before_activation(bex, webhook_sink):
    bex.register(webhook_sink.url, activate=False)
    bex.submit()
    assert bex.outbox()["deliveries"] == []


def test_deliveries_are_signed_indented_envelopes(bex, webhook_sink):
    bex.register(webhook_sink.url)
    number = bex.submit()
    webhook_sink.wait_for(3)  # echo, waybill_update, the first tracking_event
    update = next(r for r in webhook_sink.posts() if r.json()["Notifications"][0]["Action"] == "waybill_update")
    expected = hmac.new(SECRET.encode(), update.body, hashlib.sha256).hexdigest().upper()
    assert update.headers["ms-signature"] == f"sha256={expected}"
    assert update.body.startswith(b'{\r\n  "Id": "') and b'\r\n  "Attempt": 1,\r\n' in update.body
    envelope = update.json()
    assert set(envelope) == {"Id", "Attempt", "Properties", "Notifications"} and len(envelope["Id"]) == 32
    notification = envelope["Notifications"][0]
    assert notification["WaybillNumber"] == number and notification["Service"] == "ONC"
    assert notification["Parcels"][0]["ParcelBarcodeNumber"] == f"{number}001"


def test_the_timeline_sends_tracking_events_and_a_pod(bex, webhook_sink):
    bex.register(webhook_sink.url)
    bex.clock.freeze()
    bex.clock.advance("9h")  # the walking waybill BEX1000003 goes from handed over to delivered
    actions = _actions(webhook_sink)
    assert actions == ["tracking_event"] * 4 + ["pod"]
    first, pod = webhook_sink.posts()[0].json()["Notifications"][0], webhook_sink.posts()[-1].json()["Notifications"][0]
    assert first == {
        "Action": "tracking_event",
        "WaybillNumber": "BEX1000003",
        "TrackingDate": first["TrackingDate"],
        "TrackingUser": "THABO NKOSI",
        "TrackingDescription": "Handed to courier",
        "TrackingReference": "740530",
        "TrackingTypeId": 1,
    }
    assert pod["Signee"] == "JOHAN BOTHA" and pod["PODPieces"] == 1 and len(pod["PODTime"]) == 8


def test_filters_choose_the_actions(bex, webhook_sink):
    bex.register(webhook_sink.url, filters=["pod"])
    bex.clock.freeze()
    bex.clock.advance("9h")
    bex.submit()
    assert _actions(webhook_sink) == ["pod"]


def test_retries_after_one_and_four_minutes_then_gives_up(bex, webhook_sink):
    bex.one_update(webhook_sink, 500, 503, 500)
    bex.clock.advance("59s")
    assert len(webhook_sink.posts()) == 1
    bex.clock.advance("1s")
    assert len(webhook_sink.posts()) == 2
    bex.clock.advance("4m")
    posts = webhook_sink.posts()
    assert [p.json()["Attempt"] for p in posts] == [1, 2, 3]
    assert len({p.json()["Id"] for p in posts}) == 1 and len({p.headers["ms-signature"] for p in posts}) == 3
    delivery = bex.outbox()["deliveries"][0]
    assert delivery["state"] == "gave_up" and [a["status"] for a in delivery["attempts"]] == [500, 503, 500]
    bex.clock.advance("1h")
    assert len(webhook_sink.posts()) == 3


def test_advancing_five_minutes_makes_both_retries(bex, webhook_sink):
    bex.one_update(webhook_sink, 500, 500, 200)
    bex.clock.advance("5m")
    assert bex.outbox()["deliveries"][0]["state"] == "delivered" and len(webhook_sink.posts()) == 3


def test_410_unsubscribes(bex, webhook_sink):
    bex.one_update(webhook_sink, 410)
    bex.clock.advance("10m")
    bex.submit()
    outbox = bex.outbox()
    assert [d["state"] for d in outbox["deliveries"]] == ["unsubscribed"]
    assert outbox["subscriptions"][0]["active"] is False and len(webhook_sink.posts()) == 1


def test_unsubscribe_stops_deliveries(bex, webhook_sink):
    bex.one_update(webhook_sink, 500)
    response = requests.post(f"{bex.url}/bex/api/UnsubscribeWebHook", json={"webHookKey": KEY}, timeout=5)
    assert response.status_code == 200
    bex.clock.advance("5m")
    assert bex.outbox()["deliveries"][0]["state"] == "unsubscribed" and len(webhook_sink.posts()) == 1


def test_activate_and_unsubscribe_need_a_known_key(bex):
    for path in ("ActivateWebHook", "UnsubscribeWebHook"):
        assert requests.post(f"{bex.url}/bex/api/{path}", json={"webHookKey": "nope"}, timeout=5).status_code == 401


def test_a_dead_receiver_is_recorded_and_a_hanging_one_blocks_nothing(bex):
    hanging = socket.socket()
    hanging.bind(("127.0.0.1", 0))
    hanging.listen(8)
    accepted = threading.Event()
    threading.Thread(target=lambda: (hanging.accept(), accepted.set()), daemon=True).start()
    try:
        bex.register(f"http://127.0.0.1:{hanging.getsockname()[1]}/hook?noecho", filters=["waybill_update"])
        bex.submit()
        assert accepted.wait(5)  # the delivery is in flight, waiting on the receiver
        rows = requests.get(
            f"{bex.url}/bex/api/service/waybillquicktrackingv3customtreeview",
            params={"searchItems": "BEX1000001"},
            timeout=5,
        )
        assert rows.status_code == 200  # the API still answers
    finally:
        hanging.close()


def test_admin_subscriptions_bypass_registration(bex, webhook_sink):
    response = requests.post(
        f"{bex.url}/__admin/namespaces/default/webhooks/subscriptions",
        json={
            "carrier": "bex",
            "url": webhook_sink.url,
            "secret": SECRET,
            "filters": ["waybill_update"],
            "headers": {"X-Shared": "k"},
        },
        timeout=5,
    )
    assert response.status_code == 201 and response.json()["active"] is True
    bex.submit()
    post = webhook_sink.wait_for(1)[0]
    assert post.headers["X-Shared"] == "k" and json.loads(post.body)["Notifications"][0]["Action"] == "waybill_update"


def test_every_action_matches_the_contract(live_server, webhook_sink):
    from mock_carriers.core.contracts import ContractBook
    from mock_carriers.resources import data_dir

    url = live_server()
    bex = Bex(MockCarriers.connect(url).sandbox("hooks", fixtures={"bex": BEX_NEXT_EVENTS}), f"{url}/ns/hooks")
    bex.register(webhook_sink.url)
    bex.clock.freeze()
    bex.submit()
    bex.clock.advance("27h")
    by_action = {}
    for post in webhook_sink.posts():
        by_action.setdefault(post.json()["Notifications"][0]["Action"], post)
    assert set(by_action) == {"tracking_event", "pod", "attempted_delivery", "waybill_update", "waybill_note"}
    _, noted, failed, _ = BEX_NEXT_EVENTS["waybills"]["BEX1000002"]["events"]
    note = by_action["waybill_note"].json()["Notifications"][0]
    assert note["PostedBy"] == noted["user"] and note["NoteText"] == noted["note"]
    attempted = by_action["attempted_delivery"].json()["Notifications"][0]
    assert attempted["NonDeliveryReason"] == failed["attempted"]["reason"]
    assert attempted["DriverComment"] == failed["attempted"]["comment"]
    contract = ContractBook(data_dir("contracts")).contract("bex")
    names = {
        "tracking_event": "TrackingEventDelivery",
        "pod": "PodDelivery",
        "attempted_delivery": "AttemptedDeliveryDelivery",
        "waybill_update": "WaybillUpdateDelivery",
        "waybill_note": "WaybillNoteDelivery",
    }
    for action, post in by_action.items():
        validator = contract.validator(f"components/requestBodies/{names[action]}/content/application~1json/schema")
        assert not list(validator.iter_errors(post.json())), action
