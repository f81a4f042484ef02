"""The outbox never loses a delivery: pending ones stay however many there are; only finished
ones are trimmed beyond the namespace's limit, and the outbox says how many were."""

import time

from support import BEX_LOGIN, sandbox

SUBMIT = {
    "accountNumber": "ACC1001",
    "serviceCode": "ONC",
    "senderSuburb": "Sandton",
    "receiverSuburb": "Umhlanga",
    "receiverContactName": "P",
    "dimensions": [{"dimension1": 10, "dimension2": 10, "dimension3": 10, "weight": 2}],
}


def _attempted(client, count: int) -> dict:
    """The outbox once `count` deliveries have recorded the answer to their first attempt."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        outbox = client.get("/__admin/namespaces/default/webhooks").get_json()
        answered = [d for d in outbox["deliveries"] if d["attempts"] and d["attempts"][0]["status"]]
        if len(answered) >= count:
            return outbox
        time.sleep(0.01)
    raise AssertionError(f"fewer than {count} deliveries attempted: {outbox}")


def test_pending_deliveries_are_never_evicted_and_finished_ones_are_counted_when_trimmed(make_app, webhook_sink):
    client = make_app(journal_limit=3).test_client()
    clock = sandbox(client).clock
    webhook_sink.answer(default=500)  # every attempt fails: each delivery stays pending, waiting to retry
    assert (
        client.post(
            "/__admin/namespaces/default/webhooks/subscriptions",
            json={"carrier": "bex", "url": webhook_sink.url, "secret": "s" * 40, "filters": ["waybill_update"]},
        ).status_code
        == 201
    )
    clock.freeze()
    token = client.post("/bex/api/service/login", json=BEX_LOGIN).get_json()["value"]
    for _ in range(5):
        client.post("/bex/api/service/submitwaybillv4", headers={"token": token}, json=SUBMIT)

    outbox = _attempted(client, 5)
    assert [d["state"] for d in outbox["deliveries"]] == ["pending"] * 5 and outbox["trimmed"] == 0

    clock.advance("5m")
    outbox = client.get("/__admin/namespaces/default/webhooks").get_json()
    assert [d["state"] for d in outbox["deliveries"]] == ["gave_up"] * 3 and outbox["trimmed"] == 2
    assert [d["id"] for d in outbox["deliveries"]] == sorted(
        (d["id"] for d in outbox["deliveries"]), key=lambda i: int(i[4:])
    )
