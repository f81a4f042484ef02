"""The /__admin API."""

import pytest
from support import B360, B360_AUTH, BE, be_token, bearer

import mock_carriers


def test_health(client):
    assert client.get("/__admin/health").get_json() == {
        "status": "ok",
        "version": mock_carriers.__version__,
        "carriers": ["border-express", "bex", "parcel2go", "borderless360", "parcellab"],
    }


def test_put_returns_the_namespace_document(client):
    response = client.put("/__admin/namespaces/t42", json={"seed": 7})
    assert response.status_code == 201
    doc = response.get_json()
    assert doc["namespace"] == "t42" and doc["seed"] == 7
    be = doc["carriers"]["border-express"]
    assert be["base_url"] == "http://localhost/ns/t42/border-express"
    assert be["credentials"] == {"client_id": "mock-be-client", "client_secret": "mock-be-secret"}
    assert set(be["references"]) >= {"delivered", "in_transit", "walking", "exception", "not_found"}
    assert client.get("/__admin/namespaces/t42").get_json() == doc
    assert (
        client.get("/__admin/namespaces/default").get_json()["carriers"]["border-express"]["base_url"]
        == "http://localhost/border-express"
    )


def test_the_document_is_enough_to_drive_a_client(client):
    doc = client.put("/__admin/namespaces/docs").get_json()["carriers"]["border-express"]
    base = doc["base_url"].removeprefix("http://localhost")
    token = client.post(f"{base}/token", data={"grant_type": "client_credentials", **doc["credentials"]}).get_json()
    body = client.get(
        f"{base}/api/v1/consignments/{doc['references']['delivered']}", headers=bearer(token["access_token"])
    ).get_json()
    assert body["Status"] == "Delivered"


def test_namespaces_list_and_delete_resets(client):
    client.put("/__admin/namespaces/a")
    token = be_token(client, prefix="/ns/a/border-express")
    names = [n["namespace"] for n in client.get("/__admin/namespaces").get_json()["namespaces"]]
    assert "a" in names
    assert client.delete("/__admin/namespaces/a").status_code == 204
    assert client.get("/ns/a/border-express/api/v1/consignments/BE10000001", headers=bearer(token)).status_code == 401
    assert client.delete("/__admin/namespaces/never").status_code == 404


def test_reset_drops_every_namespace_and_default_starts_again(client):
    for name in ("a", "b"):
        client.put(f"/__admin/namespaces/{name}")
    assert client.post("/__admin/reset").get_json()["reset"] == 3
    assert [n["namespace"] for n in client.get("/__admin/namespaces").get_json()["namespaces"]] == ["default"]


def test_fixture_overlays_add_consignments(client):
    overlay = {
        "border-express": {
            "consignments": {
                "MY1": {
                    "sender": {"name": "S", "suburb": "Albury", "state": "NSW", "postcode": "2640"},
                    "receiver": {"name": "R", "suburb": "Perth", "state": "WA", "postcode": "6000"},
                    "events": [
                        {"status": "Despatched", "at": "-1h", "suburb": "Albury", "state": "NSW", "postcode": "2640"}
                    ],
                }
            }
        }
    }
    assert client.put("/__admin/namespaces/ov", json={"fixtures": overlay}).status_code == 201
    token = be_token(client, prefix="/ns/ov/border-express")
    assert client.get("/ns/ov/border-express/api/v1/consignments/MY1", headers=bearer(token)).status_code == 200
    assert client.get("/ns/ov/border-express/api/v1/consignments/BE10000001", headers=bearer(token)).status_code == 200
    assert client.get("/border-express/api/v1/consignments/MY1", headers=bearer(be_token(client))).status_code == 404


def test_namespaces_made_with_the_same_overlay_each_keep_their_own_world(client):
    order = {
        "client": "9",
        "customer_reference": "SAME-1",
        "created": "-1h",
        "destination_address": {"full_name": "Same Overlay", "email": "same@example.com", "company": "",
                                "phone": "0400000000", "address_1": "1 Same St", "address_2": "", "state": "VIC",
                                "city": "Melbourne", "postal_code": "3000", "country": "AU"},
        "order_items": [{"sku": "WAG4628", "quantity": 1, "customs_value": "1.00", "customs_value_currency": "AUD"}],
        "events": [],
    }  # fmt: skip
    overlay = {"borderless360": {"orders": {"900001": order}}}
    for name in ("first", "second"):  # the same overlay: checked once, shared read-only
        assert client.put(f"/__admin/namespaces/{name}", json={"fixtures": overlay}).status_code == 201
    assert client.post(f"/ns/first{B360}/orders/900001/cancel/", headers=B360_AUTH).status_code == 200
    seen = {
        name: client.get(f"/ns/{name}{B360}/orders/900001/", headers=B360_AUTH).get_json()["status"]
        for name in ("first", "second")
    }
    assert seen == {"first": "cancelled", "second": "draft"}
    spoiled = {"borderless360": {"orders": {"900001": order | {"client": None}}}}
    assert client.put("/__admin/namespaces/third", json={"fixtures": spoiled}).status_code == 400


@pytest.mark.parametrize(
    "body, field",
    [
        ({"seed": "x"}, "seed"),
        ({"seed": True}, "seed"),
        ({"other": 1}, "other"),
        ({"fixtures": []}, "fixtures"),
        ({"fixtures": {"nope": {}}}, "fixtures.nope"),
        ({"fixtures": {"border-express": {"consignments": {"X": {"events": "no"}}}}}, "fixtures.border-express"),
        (
            {"fixtures": {"border-express": {"consignments": {"BE10000001": {"eta": "2026-13-45"}}}}},
            "fixtures.border-express",
        ),
        (
            {"fixtures": {"border-express": {"consignments": {"BE10000001": {"eta": "+99999999d"}}}}},
            "fixtures.border-express",
        ),
        ({"fixtures": {"bex": {"waybills": {"BEX1000001": {"service": "ZZZ"}}}}}, "fixtures.bex"),
    ],
)
def test_bad_namespace_bodies_are_400_and_create_nothing(client, body, field):
    response = client.put("/__admin/namespaces/bad", json=body)
    assert response.status_code == 400 and field in response.get_json()["fields"]
    assert client.get("/__admin/namespaces/bad").status_code == 404


@pytest.mark.parametrize("raw", ["{broken", "[1, 2]", '"text"'])
def test_non_object_bodies_are_400(client, raw):
    response = client.put("/__admin/namespaces/bad", data=raw, content_type="application/json")
    assert response.status_code == 400 and response.get_json()["error"] == "bad_request"


@pytest.mark.parametrize("path", ["/__admin/namespaces/bad%20name", "/__admin/namespaces/" + "x" * 65 + "/clock"])
def test_invalid_namespace_names_are_400(client, path):
    assert client.get(path).status_code == 400


@pytest.mark.parametrize("path", ["/namespaces/ghost", "/namespaces/ghost/clock", "/namespaces/ghost/journal"])
def test_unknown_namespaces_are_404(client, path):
    response = client.get(f"/__admin{path}")
    assert response.status_code == 404 and response.get_json()["error"] == "not_found"


def test_clock_actions(client):
    clock = "/__admin/namespaces/default/clock"
    assert client.get(clock).get_json()["frozen"] is False
    assert client.post(clock, json={"action": "freeze"}).get_json()["frozen"] is True
    assert (
        client.post(clock, json={"action": "set", "to": "2026-01-01T00:00:00Z"}).get_json()["now"]
        == "2026-01-01T00:00:00.000Z"
    )
    assert client.post(clock, json={"action": "advance", "by": "90m"}).get_json()["now"] == "2026-01-01T01:30:00.000Z"
    assert client.post(clock, json={"action": "advance", "by": 30}).get_json()["now"] == "2026-01-01T01:30:30.000Z"
    assert client.post(clock, json={"action": "resume"}).get_json()["frozen"] is False


@pytest.mark.parametrize(
    "body, field",
    [
        ({"action": "advance", "by": "soon"}, "by"),
        ({"action": "advance", "by": "-5m"}, "by"),
        ({"action": "advance"}, "by"),
        ({"action": "set", "to": "tomorrow"}, "to"),
        ({"action": "set", "to": 5}, "to"),
        ({"action": "rewind"}, "action"),
        ({}, "action"),
        ({"action": "set", "to": "9999-12-31T23:59:59+00:00"}, "to"),
        ({"action": "set", "to": "0001-01-01T00:00:00+14:00"}, "to"),
        ({"action": "advance", "by": "36600d"}, "by"),
    ],
)
def test_bad_clock_requests_are_400_and_leave_the_clock(client, body, field):
    clock = "/__admin/namespaces/default/clock"
    client.post(clock, json={"action": "freeze"})
    before = client.get(clock).get_json()
    response = client.post(clock, json=body)
    assert response.status_code == 400 and field in response.get_json()["fields"]
    assert client.get(clock).get_json() == before


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"carrier": "nope"},
        {"carrier": "border-express", "token": 5},
        {"carrier": "border-express", "client_id": ["x"]},
    ],
)
def test_bad_token_requests_are_400(client, body):
    assert client.post("/__admin/namespaces/default/tokens/revoke", json=body).status_code == 400


def test_journal_filters_and_limits(client):
    token = be_token(client)
    for _ in range(3):
        client.get(f"{BE}/api/v1/consignments/BE10000001", headers=bearer(token))
    entries = client.get("/__admin/namespaces/default/journal?carrier=border-express").get_json()["entries"]
    assert [e["operation"] for e in entries] == ["issueToken"] + ["getConsignment"] * 3
    assert len(client.get("/__admin/namespaces/default/journal?limit=2").get_json()["entries"]) == 2
    for bad in ("0", "-1", "x", "\u00b2"):
        assert client.get(f"/__admin/namespaces/default/journal?limit={bad}").status_code == 400
    assert client.get("/__admin/namespaces/default/journal?carrier=zzz").status_code == 400


def test_journal_is_bounded(make_app):
    client = make_app(journal_limit=5).test_client()
    for _ in range(12):
        client.get(f"{BE}/api/v1/consignments/BE10000001")
    assert len(client.get("/__admin/namespaces/default/journal").get_json()["entries"]) == 5


def test_namespace_cap_drops_the_least_recently_used_idle_one(make_app):
    client = make_app(max_namespaces=3, namespace_idle_seconds=0).test_client()
    for name in ("a", "b", "c", "d"):
        assert client.put(f"/__admin/namespaces/{name}").status_code == 201
    names = [n["namespace"] for n in client.get("/__admin/namespaces").get_json()["namespaces"]]
    assert names == ["default", "b", "c", "d"]


def test_admin_token_guards_every_admin_call(make_app):
    client = make_app(admin_token="s3cret").test_client()
    for method, path in [
        ("GET", "/__admin/health"),
        ("PUT", "/__admin/namespaces/x"),
        ("POST", "/__admin/reset"),
        ("GET", "/__admin/namespaces/default/journal"),
    ]:
        response = client.open(path, method=method)
        assert response.status_code == 401 and response.get_json()["error"] == "unauthorized"
        assert client.open(path, method=method, headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert client.get("/__admin/health", headers={"Authorization": "Bearer s3cret"}).status_code == 200


def test_unknown_admin_routes_and_methods_are_json(client):
    response = client.get("/__admin/nothing")
    assert response.status_code == 404 and response.get_json()["error"] == "not_found"
    response = client.delete("/__admin/health")
    assert response.status_code == 405 and response.get_json()["error"] == "method_not_allowed"


@pytest.mark.parametrize(
    "body, field",
    [
        ({"carrier": "border-express", "url": "http://127.0.0.1:9/x"}, "carrier"),
        ({"carrier": "bex"}, "url"),
        ({"carrier": "bex", "url": "ftp://x/y"}, "url"),
        ({"carrier": "bex", "url": "http://127.0.0.1:9/x", "filters": ["nope"]}, "filters"),
        ({"carrier": "bex", "url": "http://127.0.0.1:9/x", "headers": {"X": 1}}, "headers"),
        ({"carrier": "bex", "url": "http://127.0.0.1:9/x", "headers": {"X": "a\r\nInjected: 1"}}, "headers"),
        ({"carrier": "bex", "url": "http://127.0.0.1:9/x", "secret": 42}, "secret"),
    ],
)
def test_bad_subscriptions_are_400_and_subscribe_nothing(client, body, field):
    response = client.post("/__admin/namespaces/default/webhooks/subscriptions", json=body)
    assert response.status_code == 400 and field in response.get_json()["fields"]
    assert client.get("/__admin/namespaces/default/webhooks").get_json()["subscriptions"] == []


def test_subscriptions_are_listed_per_namespace(client):
    client.put("/__admin/namespaces/w")
    created = client.post(
        "/__admin/namespaces/w/webhooks/subscriptions",
        json={"carrier": "bex", "url": "http://127.0.0.1:9/x", "filters": ["pod"]},
    ).get_json()
    listed = client.get("/__admin/namespaces/w/webhooks?carrier=bex").get_json()
    assert listed["subscriptions"] == [created] and listed["deliveries"] == []
    assert client.get("/__admin/namespaces/default/webhooks").get_json()["subscriptions"] == []
    assert client.get("/__admin/namespaces/w/webhooks?carrier=zzz").status_code == 400


@pytest.mark.parametrize("name", [".", ".."])
@pytest.mark.parametrize("method", ["PUT", "GET", "DELETE"])
def test_dot_and_dot_dot_are_no_namespace_names(client, name, method):
    """A base URL `/ns/../bex` would be read by clients as `/bex`: another namespace's world."""
    response = client.open(f"/__admin/namespaces/{name}", method=method)
    assert response.status_code == 400 and response.get_json()["error"] == "bad_request"
    assert response.get_json()["message"].startswith("invalid namespace name")
    assert name not in [n["namespace"] for n in client.get("/__admin/namespaces").get_json()["namespaces"]]


def test_a_scenario_naming_dot_dot_is_refused(client):
    response = client.post("/__admin/namespaces/t1/scenario", data="namespace: ..\n")
    assert response.status_code == 400 and "namespace" in response.get_json()["fields"]


def test_liveness_needs_no_admin_token_and_tells_nothing_else(make_app):
    """Probes (Docker HEALTHCHECK, Kubernetes, Testcontainers) hold no admin token."""
    client = make_app(admin_token="s3cret").test_client()
    response = client.get("/__admin/livez")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}
    assert client.head("/__admin/livez").status_code == 200
    assert client.get("/__admin/livez", headers={"Authorization": "Bearer wrong"}).get_json() == {"status": "ok"}
    assert client.get("/__admin/health").status_code == 401  # the version and carriers stay behind the token
    assert client.post("/__admin/livez").get_json()["error"] == "method_not_allowed"


def test_liveness_on_a_server_without_a_token(live_server):
    import requests

    url = live_server()
    response = requests.get(f"{url}/__admin/livez", timeout=5)
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert response.headers["Content-Type"].startswith("application/json")
