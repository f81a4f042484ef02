"""Strict mode: each request is checked against its carrier's contract before the carrier sees it.
A violation is recorded with its JSON path and rule, refused the carrier's way where the contract
documents that refusal (changing nothing), and otherwise answered by the carrier."""

import json

import pytest
import requests
from support import B360, B360_AUTH, BEX, P2G, PL, PL_AUTH, bearer, p2g_token

from mock_carriers.client import MockCarriers
from mock_carriers.core.contracts.checking import MAX_CHECKED_BODY, MAX_CHECKED_DEPTH

QUOTE = {
    "CollectionAddress": {"Country": "GBR"},
    "DeliveryAddress": {"Country": "GBR"},
    "Parcels": [{"Value": 150, "Weight": 2, "Length": 9, "Width": 8, "Height": 10}],
}
PRODUCT = {"sku": "STRICT-1", "title": "Strict product"}


@pytest.fixture
def strict_client(make_app):
    return make_app(strict=True).test_client()


def violations(client, namespace="default", clear=False):
    method = client.delete if clear else client.get
    return method(f"/__admin/namespaces/{namespace}/violations").get_json()["violations"]


def test_a_body_violation_is_refused_as_the_carrier_refuses_invalid_input(strict_client):
    token = p2g_token(strict_client)
    response = strict_client.post(f"{P2G}/api/quotes", json={**QUOTE, "Parcels": "many"}, headers=bearer(token))
    assert response.status_code == 400
    assert response.get_json() == {
        "Message": "The request is invalid.",
        "ModelState": {"request.Parcels": ["The value 'many' is not valid for Parcels."]},
    }
    [violation] = violations(strict_client)
    assert {key: violation[key] for key in ("request", "status", "operation", "kind", "in", "json_path", "rule")} == {
        "request": "POST /parcel2go/api/quotes",
        "status": 400,
        "operation": "parcel2go:getQuotes",
        "kind": "request",
        "in": "body",
        "json_path": "$.Parcels",
        "rule": "type",
    }
    entry = strict_client.get("/__admin/namespaces/default/journal?limit=1").get_json()["entries"][0]
    assert entry["contract_violations"] == [
        {key: violation[key] for key in ("operation", "kind", "in", "json_path", "rule", "message")}
    ]


def test_text_that_is_no_number_breaks_parcel2gos_number_fields(strict_client):
    token = p2g_token(strict_client)
    parcel = {**QUOTE["Parcels"][0], "Weight": "heavy", "Length": " 9.5 ", "Width": "8"}
    response = strict_client.post(f"{P2G}/api/quotes", json={**QUOTE, "Parcels": [parcel]}, headers=bearer(token))
    assert response.status_code == 400
    assert list(response.get_json()["ModelState"]) == ["request.Parcels[0].Weight"]


def test_a_missing_property_is_named_by_its_path_in_each_carriers_words(strict_client):
    token = p2g_token(strict_client)
    body = {**QUOTE, "Parcels": [{"Weight": 2, "Length": 9, "Width": 8}]}
    response = strict_client.post(f"{P2G}/api/quotes", json=body, headers=bearer(token))
    assert response.get_json()["ModelState"] == {"request.Parcels[0].Height": ["The Height field is required."]}
    response = strict_client.post(f"{B360}/products/", json={"title": "no sku"}, headers=B360_AUTH)
    assert (response.status_code, response.get_json()) == (400, {"sku": ["This field is required."]})
    assert [v["json_path"] for v in violations(strict_client)] == ["$.Parcels[0].Height", "$.sku"]


def test_parcellab_refuses_in_drf_words_with_its_standardized_errors(strict_client):
    response = strict_client.get(f"{PL}/v4/track/orders/info/?account=many&order_number=ORD-1001", headers=PL_AUTH)
    assert (response.status_code, response.get_json()) == (
        400,
        {
            "type": "client_error",
            "errors": [{"code": "validation_error", "detail": "A valid integer is required.", "attr": "account"}],
        },
    )


def test_a_refused_request_changes_nothing(strict_client):
    listed = strict_client.get(f"{B360}/products/", headers=B360_AUTH).get_json()["count"]
    refused = strict_client.post(f"{B360}/products/", json={**PRODUCT, "sku": 42}, headers=B360_AUTH)
    assert refused.status_code == 400 and refused.get_json() == {"sku": ["Not a valid string."]}
    assert strict_client.get(f"{B360}/products/", headers=B360_AUTH).get_json()["count"] == listed
    created = strict_client.post(f"{B360}/products/", json=PRODUCT, headers=B360_AUTH)
    assert created.status_code == 201


def test_bex_refuses_with_its_ex_field_in_a_200(strict_client):
    response = strict_client.post(
        f"{BEX}/api/service/login", json={"username": ["mock-bex-user"], "password": "mock-bex-password"}
    )
    assert response.status_code == 200
    assert "username" in response.get_json()["ex"] and response.get_json()["id"] == 0
    assert [(v["in"], v["json_path"], v["rule"]) for v in violations(strict_client)] == [("body", "$.username", "type")]


def test_where_the_contract_documents_no_refusal_the_carrier_answers(strict_client):
    response = strict_client.get(f"{B360}/orders/?limit=plenty", headers=B360_AUTH)
    assert response.status_code == 200 and "results" in response.get_json()
    assert [(v["in"], v["json_path"], v["rule"]) for v in violations(strict_client)] == [("query", "limit", "type")]


def test_query_names_bind_in_any_case_where_the_carrier_does(strict_client):
    token = p2g_token(strict_client)
    response = strict_client.get(f"{P2G}/api/orders?ORDERID=1&Hash=x", headers=bearer(token))
    assert response.status_code == 404
    assert violations(strict_client) == []


def test_a_request_no_operation_describes_is_a_violation_and_the_carriers_404(strict_client):
    response = strict_client.get(f"{B360}/parcels/", headers=B360_AUTH)
    assert (response.status_code, response.get_json()) == (404, {"detail": "Not found."})
    response = strict_client.delete(f"{B360}/products/", headers=B360_AUTH)
    assert response.status_code == 405
    assert [(v["rule"], v["json_path"]) for v in violations(strict_client)] == [
        ("operation", "GET /api/v1/public_api/parcels/"),
        ("operation", "DELETE /api/v1/public_api/products/"),
    ]


def test_a_body_of_a_media_type_the_operation_does_not_take_is_a_violation(strict_client):
    response = strict_client.post(
        f"{B360}/products/", data="<product/>", content_type="application/xml", headers=B360_AUTH
    )
    assert response.status_code in (400, 415)
    assert [(v["in"], v["json_path"], v["rule"]) for v in violations(strict_client)] == [
        ("header", "Content-Type", "media type")
    ]


def test_a_body_too_deep_to_check_is_a_400_and_one_too_large_a_413(strict_client):
    token = p2g_token(strict_client)
    deep = {**QUOTE, "Extras": [json.loads("[" * (MAX_CHECKED_DEPTH + 5) + "]" * (MAX_CHECKED_DEPTH + 5))]}
    response = strict_client.post(f"{P2G}/api/quotes", json=deep, headers=bearer(token))
    assert response.status_code == 400 and "ModelState" in response.get_json()
    huge = b'{"Parcels": [' + b"1," * (MAX_CHECKED_BODY // 2) + b"1]}"
    response = strict_client.post(
        f"{P2G}/api/quotes", data=huge, content_type="application/json", headers=bearer(token)
    )
    assert response.status_code == 413 and "Message" in response.get_json()
    response = strict_client.post(
        f"{B360}/products/", data="[" * 100_000, content_type="application/json", headers=B360_AUTH
    )
    assert response.status_code == 400
    assert [v["rule"] for v in violations(strict_client)] == ["depth", "size", "depth"]


def test_a_valid_request_is_answered_as_without_strict_mode(strict_client, client):
    for each in (strict_client, client):
        token = p2g_token(each)
        response = each.post(f"{P2G}/api/quotes", json=QUOTE, headers=bearer(token))
        assert response.status_code == 200
    assert violations(strict_client) == []


def test_without_strict_mode_nothing_is_checked(client):
    client.get(f"{B360}/orders/?limit=plenty", headers=B360_AUTH)
    client.get(f"{B360}/parcels/", headers=B360_AUTH)
    assert violations(client) == []


def test_a_namespace_chooses_strict_mode_and_keeps_the_choice_when_replaced(client):
    made = client.put("/__admin/namespaces/picky", json={"strict": True})
    assert made.status_code == 201 and made.get_json()["strict"] is True
    assert client.get("/__admin/namespaces/default").get_json()["strict"] is False
    for prefix in ("/ns/picky", ""):
        client.get(f"{prefix}{B360}/orders/?limit=plenty", headers=B360_AUTH)
    assert len(violations(client, "picky")) == 1 and violations(client) == []
    assert client.put("/__admin/namespaces/picky", json={"seed": 3}).get_json()["strict"] is True
    applied = client.post("/__admin/namespaces/picky/scenario", data="seed: 4\n", content_type="application/yaml")
    assert applied.get_json()["strict"] is True
    applied = client.post("/__admin/namespaces/picky/scenario", data="strict: false\n", content_type="application/yaml")
    assert applied.get_json()["strict"] is False
    refused = client.post("/__admin/namespaces/picky/scenario", data="strict: maybe\n", content_type="application/yaml")
    assert refused.status_code == 400 and list(refused.get_json()["fields"]) == ["strict"]
    assert client.put("/__admin/namespaces/picky", json={"strict": False}).get_json()["strict"] is False


def test_a_strict_server_lets_a_namespace_opt_out(strict_client):
    assert strict_client.put("/__admin/namespaces/lenient", json={"strict": False}).get_json()["strict"] is False
    strict_client.get(f"/ns/lenient{B360}/orders/?limit=plenty", headers=B360_AUTH)
    assert violations(strict_client, "lenient") == []


@pytest.mark.parametrize("value", ["yes", 1, None])
def test_strict_must_be_a_boolean(client, value):
    response = client.put("/__admin/namespaces/picky", json={"strict": value})
    if value is None:
        assert response.status_code == 201
    else:
        assert (response.status_code, response.get_json()["fields"]) == (400, {"strict": ["must be true or false"]})


def test_taking_the_violations_forgets_them(strict_client):
    strict_client.get(f"{B360}/orders/?limit=plenty", headers=B360_AUTH)
    assert len(violations(strict_client, clear=True)) == 1
    assert violations(strict_client) == []
    assert strict_client.get("/__admin/namespaces/nobody/violations").status_code == 404


def test_violations_outlive_the_journal_entries_they_came_from(make_app):
    client = make_app(strict=True, journal_limit=3).test_client()
    client.get(f"{B360}/orders/?limit=plenty", headers=B360_AUTH)
    for _ in range(5):
        client.get(f"{B360}/orders/", headers=B360_AUTH)
    assert [v["json_path"] for v in violations(client)] == ["limit"]


def test_a_sandbox_over_http_is_strict_on_request(make_settings):
    with MockCarriers.start(make_settings(port=0)) as mock:
        sandbox = mock.sandbox(strict=True)
        assert sandbox.document["strict"] is True
        response = requests.post(
            f"{sandbox.url('borderless360')}/api/v1/public_api/products/", json={"sku": 1}, headers=B360_AUTH, timeout=5
        )
        assert response.status_code == 400
        assert {v["json_path"] for v in sandbox.violations(clear=True)} == {"$.sku", "$.title"}
        assert sandbox.violations() == []
        assert mock.sandbox().document["strict"] is False


def test_each_violation_is_a_line_on_the_servers_console(strict_client, caplog):
    with caplog.at_level("WARNING", logger="mock_carriers.strict"):
        strict_client.get(f"{B360}/orders/?limit=plenty", headers=B360_AUTH)
        strict_client.get(f"{B360}/parcels/", headers=B360_AUTH)
    assert caplog.messages == [
        "strict mode: GET /borderless360/api/v1/public_api/orders/?limit=plenty: query limit: 'plenty' is not of "
        "type 'integer' [rule: type; borderless360:listOrders]",
        "strict mode: GET /borderless360/api/v1/public_api/parcels/: operation GET /api/v1/public_api/parcels/: "
        "GET /api/v1/public_api/parcels/ is not an operation of contracts/borderless360.openapi.yaml "
        "[rule: operation; borderless360]",
    ]


def test_the_cli_shows_and_clears_the_violations(live_server):
    from click.testing import CliRunner

    from mock_carriers.cli import main

    url = live_server(strict=True)
    requests.get(f"{url}{B360}/orders/?limit=plenty", headers=B360_AUTH, timeout=5)
    shown = CliRunner().invoke(main, ["violations", "--url", url])
    assert shown.exit_code == 1 and shown.output.splitlines() == [
        "mock-carriers strict mode: requests broke the carriers' contracts (1 violation)",
        "  GET /borderless360/api/v1/public_api/orders/?limit=plenty -> 200",
        "    query limit: 'plenty' is not of type 'integer' [rule: type; borderless360:listOrders]",
    ]
    assert CliRunner().invoke(main, ["violations", "--url", url, "--clear", "--json"]).exit_code == 1
    cleared = CliRunner().invoke(main, ["violations", "--url", url])
    assert (cleared.exit_code, cleared.output) == (0, "no contract violations\n")


@pytest.mark.parametrize("weight", ["x" * 500_000, [{"x" * 1000: "y" * 1000}] * 400])
def test_a_violation_never_echoes_more_than_a_few_hundred_characters(strict_client, caplog, weight):
    token = p2g_token(strict_client)
    parcel = {**QUOTE["Parcels"][0], "Weight": weight}
    response = strict_client.post(f"{P2G}/api/quotes", json={**QUOTE, "Parcels": [parcel]}, headers=bearer(token))
    assert response.status_code == 400 and len(response.data) < 1000
    [violation] = violations(strict_client)
    assert violation["json_path"] == "$.Parcels[0].Weight" and len(violation["message"]) < 500
    assert all(len(record.getMessage()) < 1000 for record in caplog.records)
