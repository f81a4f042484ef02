"""A fault rule counts as fired, uses one of its `times` and is named in the journal only when its
effect really happened; a rule that breaks the answer breaks it whatever the carrier answered."""

import json

import pytest
import requests
from support import BE, be_token, bearer, sandbox

FAULTS = "/__admin/namespaces/default/faults"
CONSIGNMENT = f"{BE}/api/v1/consignments/BE10000001"


def add(client, **rule) -> dict:
    response = client.post(FAULTS, json={"carrier": "border-express", **rule})
    assert response.status_code == 201, response.data
    return response.get_json()


def counters(rules: list[dict]) -> list[tuple[str, int, int, bool]]:
    return [(rule["effect"], rule["matched"], rule["fired"], rule["retired"]) for rule in rules]


def last_entry(client) -> dict:
    return client.get("/__admin/namespaces/default/journal?limit=1").get_json()["entries"][0]


def test_a_reset_breaks_an_unauthenticated_answer_and_is_counted_once(live_server):
    url = live_server()
    rule = requests.post(
        f"{url}{FAULTS}",
        json={"carrier": "border-express", "effect": "reset", "operation": "getConsignment", "times": 1},
        timeout=5,
    ).json()
    with pytest.raises(requests.exceptions.ConnectionError) as caught:
        requests.get(f"{url}{CONSIGNMENT}", timeout=5)  # no token: the carrier answers 401
    assert "reset" in str(caught.value).lower()
    entry = requests.get(f"{url}/__admin/namespaces/default/journal?limit=1", timeout=5).json()["entries"][0]
    assert entry["response"]["status"] == 401 and entry["faults"] == [{"id": rule["id"], "effect": "reset"}]
    assert counters(requests.get(f"{url}{FAULTS}", timeout=5).json()["faults"]) == [("reset", 1, 1, True)]
    assert requests.get(f"{url}{CONSIGNMENT}", timeout=5).status_code == 401  # retired: answered as usual


def test_malformed_spoils_an_error_answer_too(client):
    rule = add(client, effect="malformed", operation="issueToken")
    response = client.post(f"{BE}/token", data={"grant_type": "client_credentials", "client_id": "nobody"})
    assert response.status_code == 400
    with pytest.raises(ValueError):
        json.loads(response.data)
    assert last_entry(client)["faults"] == [{"id": rule["id"], "effect": "malformed"}]
    assert counters(client.get(FAULTS).get_json()["faults"]) == [("malformed", 1, 1, False)]


def test_a_rule_after_one_that_answered_is_not_reached(client):
    status = add(client, effect="status", status=502)
    add(client, effect="reset")
    assert client.get(CONSIGNMENT).status_code == 502
    assert last_entry(client)["faults"] == [{"id": status["id"], "effect": "status"}]
    assert counters(client.get(FAULTS).get_json()["faults"]) == [("status", 1, 1, False), ("reset", 0, 0, False)]


def test_a_quota_with_room_left_fires_nothing_and_lets_the_next_rule_answer(client):
    clock = sandbox(client).clock
    clock.freeze()
    headers = bearer(be_token(client))
    add(client, effect="quota", limit=5, window="1m", times=1)
    status = add(client, effect="status", status=503, times=1)
    assert client.get(CONSIGNMENT, headers=headers).status_code == 503
    assert last_entry(client)["faults"] == [{"id": status["id"], "effect": "status"}]
    assert counters(client.get(FAULTS).get_json()["faults"]) == [("quota", 1, 0, False), ("status", 1, 1, True)]
    assert client.get(CONSIGNMENT, headers=headers).status_code == 200
    assert last_entry(client)["faults"] == []


def test_latency_then_a_broken_connection_are_both_listed(client):
    latency = add(client, effect="latency", ms=1)
    drop = add(client, effect="drop")
    client.get(CONSIGNMENT)  # in-process the connection effect is only recorded: Flask's client has no socket
    assert [fault["id"] for fault in last_entry(client)["faults"]] == [latency["id"], drop["id"]]
    assert counters(client.get(FAULTS).get_json()["faults"]) == [("latency", 1, 1, False), ("drop", 1, 1, False)]
