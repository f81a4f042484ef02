"""What the admin API tells an overview (the dashboard's, a script's) without a call per thing: each
namespace's clock, strict mode and counts; the shipped scenarios; each delivery's retry schedule;
and redelivering one delivery to a receiver that failed."""

import requests
from support import BE, BEX_LOGIN, BEX_WAYBILL, P2G, be_token, bearer, p2g_token, settled, wait_for

from mock_carriers.client import MockCarriers

STATUSES = f"{BE}/api/v1/consignments/BE10000001/Statuses"


def listed(client) -> dict:
    return {ns["namespace"]: ns for ns in client.get("/__admin/namespaces").get_json()["namespaces"]}


def test_each_namespace_comes_with_its_clock_strict_mode_and_counts(client):
    client.put("/__admin/namespaces/busy", json={"strict": True})
    client.post("/__admin/namespaces/busy/clock", json={"action": "freeze"})
    client.post("/__admin/namespaces/busy/clock", json={"action": "set", "to": "2030-01-02T03:04:05Z"})
    client.post("/__admin/namespaces/busy/faults", json={"carrier": "bex", "effect": "status", "times": 1})
    token = p2g_token(client, prefix="/ns/busy/parcel2go")
    client.post(f"/ns/busy{P2G}/api/quotes", json={"Parcels": "many"}, headers=bearer(token))
    be_token(client, prefix="/ns/busy/border-express")

    busy = listed(client)["busy"]
    client.delete("/__admin/namespaces/busy/violations")  # broken on purpose
    assert busy["strict"] is True and busy["clock"] == {"now": "2030-01-02T03:04:05.000Z", "frozen": True}
    assert busy["counts"] == {"requests": 3, "faults": 1, "deliveries": 0, "violations": 3}
    default = listed(client)["default"]
    assert default["strict"] is False and default["counts"]["requests"] == 0
    assert set(default) == {"namespace", "seed", "created", "strict", "clock", "counts"}


def test_the_requests_count_goes_on_past_what_the_journal_keeps(make_app):
    client = make_app(journal_limit=2).test_client()
    for _ in range(3):
        be_token(client)
    assert listed(client)["default"]["counts"]["requests"] == 3


def test_the_shipped_scenarios_are_listed_and_served(client):
    found = {s["name"]: s for s in client.get("/__admin/scenarios").get_json()["scenarios"]}
    assert found["parcel2go-429"]["namespace"] == "qa-p2g-429"
    assert found["parcel2go-429"]["description"].startswith("Parcel2Go rate-limits quoting")
    text = client.get("/__admin/scenarios/parcel2go-429")
    assert text.status_code == 200 and text.mimetype == "application/yaml"
    applied = client.post("/__admin/namespaces/qa-p2g-429/scenario", data=text.data)
    assert applied.status_code == 201 and applied.get_json()["faults"][0]["effect"] == "rate_limit"
    missing = client.get("/__admin/scenarios/<img src=x>")
    assert missing.status_code == 404 and missing.get_json()["error"] == "not_found"


def _bex_waybill(url: str) -> None:
    token = requests.post(f"{url}/bex/api/service/login", json=BEX_LOGIN, timeout=5).json()["value"]
    requests.post(f"{url}/bex/api/service/submitwaybillv4", headers={"token": token}, json=BEX_WAYBILL, timeout=5)


def test_a_delivery_shows_its_retry_schedule_and_can_be_redelivered(live_server, webhook_sink):
    url = live_server()
    sandbox = MockCarriers.connect(url).sandbox("default")
    sandbox.webhooks.subscribe("bex", webhook_sink.url, secret="s" * 40, filters=["waybill_update"])
    webhook_sink.answer(500, 500, 500)
    sandbox.clock.freeze()
    _bex_waybill(url)
    settled(lambda: sandbox.webhooks.deliveries(), 1)
    sandbox.clock.advance("5m")
    [first] = sandbox.webhooks.deliveries()
    assert first["state"] == "gave_up" and first["retry_delays"] == [60.0, 240.0] and first["redelivery_of"] is None

    answer = requests.post(f"{url}/__admin/namespaces/default/webhooks/deliveries/{first['id']}/redeliver", timeout=5)
    assert answer.status_code == 201
    again = answer.json()
    assert again["redelivery_of"] == first["id"] and again["id"] != first["id"] and again["event"] == first["event"]
    wait_for(lambda: sandbox.webhooks.deliveries()[-1]["state"] == "delivered", what="the redelivery")
    posts = webhook_sink.posts()
    assert len(posts) == 4 and posts[-1].json()["Id"] == posts[0].json()["Id"]  # the same event, sent again
    assert posts[-1].json()["Attempt"] == 1
    assert [d["state"] for d in sandbox.webhooks.deliveries()] == ["gave_up", "delivered"]


def test_redelivering_what_the_outbox_does_not_hold_is_a_404(client):
    answer = client.post("/__admin/namespaces/default/webhooks/deliveries/dlv_9/redeliver")
    assert answer.status_code == 404 and answer.get_json()["error"] == "not_found"
    assert client.post("/__admin/namespaces/nowhere/webhooks/deliveries/dlv_1/redeliver").status_code == 404
