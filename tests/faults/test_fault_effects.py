"""Every fault effect, as a client sees it, in each carrier's own shape; rules through the admin
API and the Python client; the journal says which rule hit which request."""

import json
import threading

import pytest
import requests
from support import B360, B360_AUTH, BE, P2G, PL, PL_AUTH, be_token, bearer, p2g_token, sandbox, wait_for

from mock_carriers.client import MockCarriers
from mock_carriers.server import Server

FAULTS = "/__admin/namespaces/default/faults"
BEX_LOGIN = {"username": "mock-bex-user", "password": "mock-bex-password"}


def add(client, **rule):
    response = client.post(FAULTS, json=rule)
    assert response.status_code == 201, response.data
    return response.get_json()


CALLS = {  # carrier -> a call that needs no setup beyond a token
    "border-express": lambda c: c.get(f"{BE}/api/v1/consignments/BE10000001", headers=bearer(be_token(c))),
    "bex": lambda c: c.post("/bex/api/service/login", json=BEX_LOGIN),
    "parcel2go": lambda c: c.get(f"{P2G}/api/countries", headers=bearer(p2g_token(c))),
    "borderless360": lambda c: c.get(f"{B360}/three_pl/three_pls/", headers=B360_AUTH),
    "parcellab": lambda c: c.get(f"{PL}/v4/track/orders/info/?order_number=ORD-1001&account=1612197", headers=PL_AUTH),
}
SERVER_ERRORS = {
    "border-express": lambda body: body["status"] == 503 and body["title"] == "Service Unavailable",
    "bex": lambda body: body == {"Message": "An error has occurred."},  # the front end, not an `ex`
    "parcel2go": lambda body: body == {"Message": "An error has occurred."},
    "borderless360": lambda body: body == {"detail": "A server error occurred."},
    "parcellab": lambda body: body["type"] == "server_error",
}


@pytest.mark.parametrize("carrier", list(CALLS))
def test_status_answers_in_the_carriers_own_shape(client, carrier):
    add(client, carrier=carrier, effect="status", status=503, path="/api*" if carrier != "parcellab" else "/v4/*")
    response = CALLS[carrier](client)
    assert response.status_code == 503 and SERVER_ERRORS[carrier](response.get_json())


@pytest.mark.parametrize("carrier", list(CALLS))
def test_rate_limit_answers_429_with_retry_after(client, carrier):
    add(
        client,
        carrier=carrier,
        effect="rate_limit",
        retry_after=12,
        path="/api*" if carrier != "parcellab" else "/v4/*",
    )
    response = CALLS[carrier](client)
    assert response.status_code == 429 and response.headers["Retry-After"] == "12" and response.is_json


def test_retry_after_as_an_http_date_counts_from_the_date_the_response_carries(client):
    clock = sandbox(client).clock
    clock.freeze()
    clock.set("2030-01-01T00:00:00Z")
    add(client, carrier="bex", effect="rate_limit", retry_after=90, retry_after_format="http-date")
    response = client.post("/bex/api/service/login", json=BEX_LOGIN)
    assert response.headers["Retry-After"] == "Tue, 01 Jan 2030 00:01:30 GMT"
    assert response.headers["Date"] == "Tue, 01 Jan 2030 00:00:00 GMT"  # the namespace's now, not the host's


@pytest.mark.parametrize(
    "carrier, check",
    [
        ("border-express", lambda r: r.status_code == 400 and r.get_json()["title"] == "Bad Request"),
        ("bex", lambda r: r.status_code == 200 and r.get_json() == {"id": 0, "ex": "Insufficient credit."}),
        ("parcel2go", lambda r: r.status_code == 400 and r.get_json()["Errors"][0]["Error"] == "Insufficient credit."),
        ("borderless360", lambda r: r.get_json() == {"non_field_errors": ["Insufficient credit."]}),
        ("parcellab", lambda r: r.get_json()["errors"][0]["detail"] == "Insufficient credit."),
    ],
)
def test_carrier_error_is_the_carriers_business_error(client, carrier, check):
    add(
        client,
        carrier=carrier,
        effect="carrier_error",
        message="Insufficient credit.",
        path="/api*" if carrier != "parcellab" else "/v4/*",
    )
    assert check(CALLS[carrier](client))


def test_quota_counts_per_caller_on_the_clock(client):
    clock = sandbox(client).clock
    clock.freeze()
    add(client, carrier="borderless360", effect="quota", limit=3, window="1m")
    answers = [client.get(f"{B360}/three_pl/three_pls/", headers=B360_AUTH).status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    other = client.get(f"{B360}/three_pl/three_pls/", headers={"Authorization": "Token mock-b360-other-token"})
    assert other.status_code == 200
    clock.advance("1m")
    assert client.get(f"{B360}/three_pl/three_pls/", headers=B360_AUTH).status_code == 200


@pytest.mark.parametrize("effect", ["expire_token", "revoke_token"])
def test_the_callers_token_is_spoiled_before_handling(client, effect):
    token = be_token(client)
    add(client, carrier="border-express", operation="getConsignment", effect=effect, times=1)
    response = client.get(f"{BE}/api/v1/consignments/BE10000001", headers=bearer(token))
    assert response.status_code == 401 and "invalid_token" in response.headers["WWW-Authenticate"]
    assert client.get(f"{BE}/api/v1/consignments/BE10000001", headers=bearer(be_token(client))).status_code == 200


def test_a_bex_token_parameter_is_spoiled_too(client):
    token = client.post("/bex/api/service/login", json=BEX_LOGIN).get_json()["value"]
    add(client, carrier="bex", effect="revoke_token", operation="getquoteservicedeliverypricingv2", times=1)
    answer = client.post(
        "/bex/api/service/getquoteservicedeliverypricingv2", headers={"token": token}, json={"accountNumber": "ACC1001"}
    ).get_json()
    assert "anonymous access" in answer["ex"]


def test_the_journal_names_the_rule_and_the_contract_check_is_skipped(client):
    rule = add(client, carrier="parcel2go", effect="malformed", operation="getCountries")
    response = CALLS["parcel2go"](client)
    with pytest.raises(ValueError):
        json.loads(response.data)
    assert response.mimetype == "application/json"
    entry = client.get("/__admin/namespaces/default/journal?limit=1").get_json()["entries"][0]
    assert entry["faults"] == [{"id": rule["id"], "effect": "malformed"}] and entry["contract_violations"] == []


def test_rules_are_listed_removed_and_cleared(client):
    first = add(client, effect="status", carrier="bex", times=1)
    add(client, effect="malformed")
    CALLS["bex"](client)
    listed = client.get(FAULTS).get_json()["faults"]
    assert [(r["id"], r["matched"], r["fired"], r["retired"]) for r in listed] == [
        (first["id"], 1, 1, True),
        ("fault_2", 0, 0, False),
    ]
    assert client.delete(f"{FAULTS}/{first['id']}").status_code == 204
    assert client.delete(f"{FAULTS}/{first['id']}").status_code == 404
    assert client.delete(FAULTS).get_json() == {"removed": 1} and client.get(FAULTS).get_json() == {"faults": []}


def test_a_bad_rule_changes_nothing(client):
    add(client, effect="malformed", carrier="bex")
    response = client.post(FAULTS, json={"effect": "status", "probability": 7})
    assert response.status_code == 400 and "probability" in response.get_json()["fields"]
    assert len(client.get(FAULTS).get_json()["faults"]) == 1
    assert client.post(FAULTS, data="[", content_type="application/json").status_code == 400


def test_latency_makes_a_short_client_timeout_fire(live_server):
    url = live_server()
    requests.post(f"{url}{FAULTS}", json={"carrier": "bex", "effect": "latency", "ms": 800, "times": 1}, timeout=5)
    with pytest.raises(requests.exceptions.ReadTimeout):
        requests.post(f"{url}/bex/api/service/login", json=BEX_LOGIN, timeout=0.2)
    assert requests.post(f"{url}/bex/api/service/login", json=BEX_LOGIN, timeout=5).status_code == 200


def test_stopping_the_server_cuts_a_latency_short(make_app):
    """A stop closes every connection (waiting 5 s at most): one held by a 30 s latency too, which
    gets no answer, as from a real server going down."""
    server = Server(make_app(), "127.0.0.1", 0).start()
    requests.post(f"{server.url}{FAULTS}", json={"carrier": "bex", "effect": "latency", "ms": 30_000}, timeout=5)
    outcome: list = []

    def call() -> None:
        try:
            outcome.append(requests.post(f"{server.url}/bex/api/service/login", json=BEX_LOGIN, timeout=30))
        except requests.exceptions.ConnectionError as error:
            outcome.append(error)

    caller = threading.Thread(target=call)
    caller.start()
    wait_for(lambda: requests.get(f"{server.url}{FAULTS}", timeout=5).json()["faults"][0]["fired"] == 1)
    server.stop()
    assert len(server.connections) == 0
    caller.join(5)
    assert not caller.is_alive() and [type(found) for found in outcome] == [requests.exceptions.ConnectionError]


def test_malformed_json_raises_in_a_real_client(live_server):
    url = live_server()
    requests.post(f"{url}{FAULTS}", json={"carrier": "bex", "effect": "malformed"}, timeout=5)
    with pytest.raises(requests.exceptions.JSONDecodeError):
        requests.post(f"{url}/bex/api/service/login", json=BEX_LOGIN, timeout=5).json()


def test_the_python_client_adds_and_removes_rules(live_server):
    mock = MockCarriers.connect(live_server())
    sandbox = mock.sandbox("faulty")
    handle = sandbox.faults.add(carrier="bex", effect="status", status=502)
    login = f"{sandbox.url('bex')}/api/service/login"
    assert requests.post(login, json=BEX_LOGIN, timeout=5).status_code == 502
    assert [rule["id"] for rule in sandbox.faults.list()] == [handle.id]
    handle.remove()
    handle.remove()  # already gone: fine
    assert requests.post(login, json=BEX_LOGIN, timeout=5).status_code == 200
    sandbox.faults.add(effect="malformed")
    assert sandbox.faults.clear() == 1
