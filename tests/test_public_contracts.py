"""`mock_carriers.contracts`: check recorded traffic against the carriers' contracts."""

import json

import pytest

from mock_carriers import contracts

QUOTE = {"CollectionAddress": {"Country": "GBR"}, "DeliveryAddress": {"Country": "GBR"},
         "Parcels": [{"Value": 150, "Weight": 2, "Length": 9, "Width": 8, "Height": 10}]}


def test_operations_are_found_as_the_mock_routes():
    assert contracts.operation_for("parcel2go", "post", "/api/quotes") == "getQuotes"
    assert contracts.operation_for("border-express", "GET", "/API/V1/Consignments/BE1/statuses") == \
        "getConsignmentStatuses"
    assert contracts.operation_for("borderless360", "GET", "/api/v1/public_api/orders/?limit=5") == "listOrders"
    for args in (("dhl", "GET", "/"), ("parcel2go", "GET", "/nowhere"), ("parcel2go", "DELETE", "/api/quotes")):
        with pytest.raises(ValueError):
            contracts.operation_for(*args)
    assert "parcellab" in contracts.carriers()


def test_a_request_is_checked_against_its_operation():
    assert contracts.validate_request("parcel2go", "POST", "/api/quotes", body=json.dumps(QUOTE),
                                      content_type="application/json") == []
    broken = contracts.validate_request("parcel2go", "POST", "/api/quotes", body=json.dumps({**QUOTE, "Parcels": "x"}),
                                        content_type="application/json; charset=utf-8")
    assert broken and all("Parcels" in problem for problem in broken)
    assert contracts.validate_request("parcel2go", "GET", "/api/orders", query={"orderId": "1"}) == [
        "parcel2go:getOrder request: query parameter hash missing"]
    assert contracts.validate_request("parcel2go", "GET", "/api/orders", query={"orderId": "1", "hash": "x"}) == []


def test_recorded_responses_are_checked(client):
    token = client.post("/parcel2go/auth/connect/token", data={
        "grant_type": "client_credentials", "client_id": "mock-p2g-client", "client_secret": "mock-p2g-secret"})
    answer = client.post("/parcel2go/api/quotes", json=QUOTE,
                         headers={"Authorization": f"Bearer {token.get_json()['access_token']}"})
    assert contracts.validate_response("parcel2go", "POST", "/api/quotes", 200, body=answer.data) == []
    spoiled = json.loads(answer.data)
    spoiled["Quotes"][0]["TotalPrice"] = "cheap"
    problems = contracts.validate_response("parcel2go", "POST", "/api/quotes", 200, body=json.dumps(spoiled))
    assert problems and "TotalPrice" in problems[0]
    assert contracts.validate_response("parcel2go", "POST", "/api/quotes", 418, body=b"{}") == [
        "parcel2go:getQuotes: status 418 is not documented"]
