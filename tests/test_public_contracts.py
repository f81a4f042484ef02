"""`mock_carriers.conformance`: check recorded traffic against the carriers' contracts."""

import importlib
import json
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import examples

from mock_carriers import conformance
from mock_carriers.core.contracts.loading import contract_book
from mock_carriers.core.contracts.schemas import compiled
from mock_carriers.resources import data_dir

QUOTE = {
    "CollectionAddress": {"Country": "GBR"},
    "DeliveryAddress": {"Country": "GBR"},
    "Parcels": [{"Value": 150, "Weight": 2, "Length": 9, "Width": 8, "Height": 10}],
}


def test_operations_are_found_as_the_mock_routes():
    assert conformance.operation_for("parcel2go", "post", "/api/quotes") == "getQuotes"
    assert (
        conformance.operation_for("border-express", "GET", "/API/V1/Consignments/BE1/statuses")
        == "getConsignmentStatuses"
    )
    assert conformance.operation_for("borderless360", "GET", "/api/v1/public_api/orders/?limit=5") == "listOrders"
    for args in (("dhl", "GET", "/"), ("parcel2go", "GET", "/nowhere"), ("parcel2go", "DELETE", "/api/quotes")):
        with pytest.raises(ValueError):
            conformance.operation_for(*args)
    assert "parcellab" in conformance.carriers()


def test_the_old_module_name_still_answers_and_says_it_is_deprecated(monkeypatch):
    monkeypatch.delitem(sys.modules, "mock_carriers.contracts", raising=False)
    with pytest.warns(DeprecationWarning, match="mock_carriers.conformance"):
        legacy = importlib.import_module("mock_carriers.contracts")
    assert legacy.__all__ == conformance.__all__
    for name in conformance.__all__:
        assert getattr(legacy, name) is getattr(conformance, name)
    assert legacy.validate_request("parcel2go", "GET", "/api/orders?orderId=1&hash=x") == []


def test_a_request_is_checked_against_its_operation():
    assert (
        conformance.validate_request(
            "parcel2go", "POST", "/api/quotes", body=json.dumps(QUOTE), content_type="application/json"
        )
        == []
    )
    broken = conformance.validate_request(
        "parcel2go",
        "POST",
        "/api/quotes",
        body=json.dumps({**QUOTE, "Parcels": "x"}),
        content_type="application/json; charset=utf-8",
    )
    assert [(v.location, v.json_path, v.rule) for v in broken] == [("body", "$.Parcels", "type")]
    assert str(broken[0]) == "parcel2go:getQuotes request: body $.Parcels: 'x' is not of type 'array'"
    missing = conformance.validate_request("parcel2go", "GET", "/api/orders", query={"orderId": "1"})
    assert [v.to_dict() for v in missing] == [
        {
            "operation": "parcel2go:getOrder",
            "kind": "request",
            "in": "query",
            "json_path": "hash",
            "rule": "required",
            "message": "required query parameter hash missing",
        }
    ]
    assert conformance.validate_request("parcel2go", "GET", "/api/orders?orderId=1&hash=x") == []


def test_query_values_are_read_as_their_schema_says():
    assert (
        conformance.validate_request(
            "borderless360",
            "GET",
            "/api/v1/public_api/orders/",
            query={"limit": "5"},
            headers={"authorization": "Token t"},
        )
        == []
    )
    wrong = conformance.validate_request(
        "borderless360", "GET", "/api/v1/public_api/orders/?limit=many", headers={"Authorization": "Token t"}
    )
    assert [(v.location, v.json_path, v.rule) for v in wrong] == [("query", "limit", "type")]


def test_a_missing_property_is_located_at_the_property():
    body = json.dumps({**QUOTE, "Parcels": [{"Weight": 2, "Length": 9, "Width": 8}]})
    [missing] = conformance.validate_request(
        "parcel2go", "POST", "/api/quotes", body=body, content_type="application/json"
    )
    assert (missing.json_path, missing.rule, missing.parts) == (
        "$.Parcels[0].Height",
        "required",
        ("Parcels", 0, "Height"),
    )


def test_a_body_of_an_undocumented_media_type_is_a_violation():
    [wrong] = conformance.validate_request(
        "parcel2go", "POST", "/api/quotes", body="<quote/>", content_type="application/xml"
    )
    assert (wrong.location, wrong.json_path, wrong.rule) == ("header", "Content-Type", "media type")


def test_recorded_responses_are_checked(client):
    token = client.post(
        "/parcel2go/auth/connect/token",
        data={"grant_type": "client_credentials", "client_id": "mock-p2g-client", "client_secret": "mock-p2g-secret"},
    )
    answer = client.post(
        "/parcel2go/api/quotes", json=QUOTE, headers={"Authorization": f"Bearer {token.get_json()['access_token']}"}
    )
    assert conformance.validate_response("parcel2go", "POST", "/api/quotes", 200, body=answer.data) == []
    spoiled = json.loads(answer.data)
    spoiled["Quotes"][0]["TotalPrice"] = "cheap"
    problems = conformance.validate_response("parcel2go", "POST", "/api/quotes", 200, body=json.dumps(spoiled))
    assert [(v.json_path, v.rule) for v in problems] == [("$.Quotes[0].TotalPrice", "type")]
    assert [str(v) for v in conformance.validate_response("parcel2go", "POST", "/api/quotes", 418, body=b"{}")] == [
        "parcel2go:getQuotes response: status 418: not documented for this operation"
    ]


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=12,
)
BODY_OPERATIONS = [
    ("parcel2go", "POST", "/api/quotes"),
    ("parcel2go", "POST", "/api/orders"),
    ("borderless360", "POST", "/api/v1/public_api/orders/"),
    ("bex", "POST", "/api/service/submitwaybillv4"),
]


def _located(instance, parts) -> bool:
    for part in parts:
        if (
            isinstance(instance, dict)
            and part in instance
            or isinstance(instance, list)
            and isinstance(part, int)
            and part < len(instance)
        ):
            instance = instance[part]
        else:
            return False
    return True


@settings(max_examples=examples(150), deadline=None)
@given(operation=st.sampled_from(BODY_OPERATIONS), body=JSON)
def test_every_body_violation_points_into_the_body(operation, body):
    """Whatever the JSON, the check answers, and each violation's path leads into the document
    (a missing property: its parent does)."""
    for violation in conformance.validate_request(*operation, body=json.dumps(body), content_type="application/json"):
        assert violation.location == "body" and violation.json_path.startswith("$")
        parts = violation.parts[:-1] if violation.rule == "required" else violation.parts
        assert _located(body, parts), (violation, body)


def _component_schemas() -> list[tuple[str, str]]:
    book = contract_book(data_dir("contracts"))
    return [
        (carrier, name)
        for carrier in conformance.carriers()
        for name in book.contract(carrier).document["components"].get("schemas", {})
    ]


COMPONENTS = _component_schemas()


@settings(max_examples=examples(300))
@given(component=st.sampled_from(COMPONENTS), instance=JSON)
def test_the_compiled_validator_agrees_with_the_reference_one(component, instance):
    """Strict mode asks a compiled validator whether a value fits and the reference one why not:
    they must never disagree on whether it fits, whatever the schema and the value."""
    carrier, name = component
    reference = contract_book(data_dir("contracts")).contract(carrier).validator(f"components/schemas/{name}")
    fast = compiled(reference.schema)
    assert fast is None or fast.is_valid(instance) == reference.is_valid(instance)
