"""Browsers: each carrier's CORS layer answers a preflight itself (before routing, auth and faults,
journaled) and every answer to a request with an Origin, errors and faults included, carries
Access-Control-Allow-Origin; a plain OPTIONS is the framework's own (ASP.NET's 405, DRF's metadata)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support import B360, B360_AUTH, BE, P2G, PL, PL_AUTH, bearer, p2g_token

from mock_carriers.carriers import CARRIERS
from mock_carriers.core.contracts import ContractBook
from mock_carriers.core.cors import CorsPolicy
from mock_carriers.resources import data_dir

ORIGIN = "http://shop.example:8000"
EXPOSED = "Retry-After, WWW-Authenticate, Location, Content-Disposition"
PATHS = {  # carrier -> (a path of one of its operations, the method a browser would ask for, its headers)
    "border-express": (f"{BE}/api/v1/consignments/BE10000001", "GET", "authorization"),
    "bex": ("/bex/api/service/submitwaybillv4", "POST", "content-type,token"),
    "parcel2go": (f"{P2G}/api/quotes", "POST", "authorization,content-type"),
    "borderless360": (f"{B360}/orders/", "POST", "authorization,content-type"),
    "parcellab": (f"{PL}/v4/track/orders/info/", "GET", "authorization"),
}
PREFLIGHT_STATUS = {"border-express": 204, "bex": 200, "parcel2go": 200, "borderless360": 200, "parcellab": 200}
QUOTE = {
    "CollectionAddress": {"Country": "GBR"},
    "DeliveryAddress": {"Country": "GBR"},
    "Parcels": [{"Value": 150, "Weight": 2, "Length": 9, "Width": 8, "Height": 10}],
}


def preflight(client, path, method="POST", headers="authorization,content-type", origin=ORIGIN):
    return client.options(
        path,
        headers={"Origin": origin, "Access-Control-Request-Method": method, "Access-Control-Request-Headers": headers},
    )


def journal(client):
    return client.get("/__admin/namespaces/default/journal").get_json()["entries"]


@pytest.mark.parametrize("carrier", list(PATHS))
def test_a_preflight_is_answered_without_credentials(client, carrier):
    path, method, headers = PATHS[carrier]
    response = preflight(client, path, method, headers)
    assert response.status_code == PREFLIGHT_STATUS[carrier] and response.data == b""
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN and "Origin" in response.headers["Vary"]
    assert response.headers["Access-Control-Allow-Methods"] == method
    assert response.headers["Access-Control-Allow-Headers"] == headers.replace(",", ", ")
    assert response.headers.get("Access-Control-Max-Age") == (
        "86400" if carrier in ("borderless360", "parcellab") else None
    )
    assert "Access-Control-Expose-Headers" not in response.headers


def test_a_preflight_is_journaled_and_passes_strict_mode_and_faults(make_app):
    client = make_app(strict=True).test_client()
    client.post(
        "/__admin/namespaces/default/faults",
        json={"carrier": "parcel2go", "effect": "status", "status": 503, "times": 1},
    )
    assert preflight(client, f"{P2G}/api/quotes").status_code == 200
    entry = journal(client)[-1]
    assert (entry["request"]["method"], entry["operation"], entry["response"]["status"], entry["faults"]) == (
        "OPTIONS",
        None,
        200,
        [],
    )
    assert client.get("/__admin/namespaces/default/violations").get_json()["violations"] == []
    answer = client.get(f"{P2G}/api/countries", headers={"Origin": ORIGIN})  # the fault waited for this one
    assert answer.status_code == 503 and answer.headers["Access-Control-Allow-Origin"] == ORIGIN


def test_a_preflight_to_a_path_the_carrier_lacks_is_answered_too(client):
    """The CORS layer stands in front of routing: the browser learns of the 404 from the request itself."""
    assert preflight(client, f"{P2G}/api/nowhere").status_code == 200
    response = client.post(f"{P2G}/api/nowhere", headers={"Origin": ORIGIN})
    assert response.status_code == 404 and response.headers["Access-Control-Allow-Origin"] == ORIGIN


def test_answers_and_errors_carry_the_cors_headers(client):
    token = p2g_token(client)
    quote = client.post(f"{P2G}/api/quotes", json=QUOTE, headers={**bearer(token), "Origin": ORIGIN})
    refused = client.post(f"{P2G}/api/quotes", json=QUOTE, headers={**bearer("not-a-token"), "Origin": ORIGIN})
    drf_401 = client.get(f"{B360}/orders/", headers={"Origin": ORIGIN})
    for response, status in ((quote, 200), (refused, 401), (drf_401, 401)):
        assert response.status_code == status
        assert response.headers["Access-Control-Allow-Origin"] == ORIGIN
        assert response.headers["Access-Control-Expose-Headers"] == EXPOSED
        assert "Origin" in response.headers["Vary"]
    assert "WWW-Authenticate" in refused.headers


@pytest.mark.parametrize("carrier", list(PATHS))
def test_a_throttled_answer_is_readable_with_its_retry_after(client, carrier):
    client.post(
        "/__admin/namespaces/default/faults", json={"carrier": carrier, "effect": "rate_limit", "retry_after": 7}
    )
    path, method, _ = PATHS[carrier]
    response = client.open(path, method=method, headers={"Origin": ORIGIN})
    assert response.status_code == 429 and response.headers["Retry-After"] == "7"
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert "Retry-After" in response.headers["Access-Control-Expose-Headers"]


def test_a_request_without_origin_gets_no_cors_headers(client):
    response = client.post(f"{P2G}/api/quotes", json=QUOTE, headers=bearer(p2g_token(client)))
    assert response.status_code == 200
    assert not [name for name in response.headers.keys() if name.startswith("Access-Control-")]


def test_an_origin_that_is_no_origin_is_not_echoed(client):
    response = preflight(client, f"{P2G}/api/quotes", origin="http://a b")
    assert response.status_code == 405 and "Access-Control-Allow-Origin" not in response.headers


@pytest.mark.parametrize(
    "path",
    [
        f"{BE}/api/v1/consignments/BE10000001",
        "/bex/api/service/login",
        f"{P2G}/api/quotes",
        f"{P2G}/auth/connect/token",
    ],
)
def test_a_plain_options_to_an_aspnet_carrier_is_its_405(client, path):
    response = client.options(path)
    assert response.status_code == 405 and "OPTIONS" not in response.headers["Allow"]
    assert not [name for name in response.headers.keys() if name.startswith("Access-Control-")]


def test_a_plain_options_to_borderless360_is_drfs_metadata(client):
    response = client.options(f"{B360}/orders/", headers=B360_AUTH)
    assert response.status_code == 200 and response.headers["Allow"] == "GET, POST, HEAD, OPTIONS"
    assert response.get_json() == {
        "name": "Orders List",
        "description": "",
        "renders": ["application/json"],
        "parses": ["application/json", "application/x-www-form-urlencoded", "multipart/form-data"],
    }
    detail = client.options(f"{B360}/orders/123/", headers=B360_AUTH)
    assert detail.headers["Allow"] == "GET, PUT, PATCH, HEAD, OPTIONS"
    assert detail.get_json()["name"] == "Orders Instance"
    assert client.options(f"{B360}/orders/123/cancel/", headers=B360_AUTH).get_json()["name"] == "Cancel"
    assert "Access-Control-Allow-Origin" not in response.headers


def test_drfs_options_checks_credentials_as_the_view_does(client):
    response = client.options(f"{B360}/orders/")
    assert response.status_code == 401 and response.get_json() == {
        "detail": "Authentication credentials were not provided."
    }
    assert client.options(f"{PL}/v4/track/orders/info/").status_code == 200  # anonymous callers pass
    response = client.options(f"{PL}/v4/track/orders/info/", headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401 and response.get_json()["errors"][0]["code"] == "authentication_failed"
    answer = client.options(f"{PL}/v4/track/orders/info/", headers=PL_AUTH)
    assert answer.status_code == 200 and answer.headers["Allow"] == "GET, HEAD, OPTIONS"


def test_paths_that_are_no_drf_views_answer_options_405(client):
    response = client.options("/borderless360/media/return_labels/x.pdf")
    assert response.status_code == 405 and response.headers["Allow"] == "GET, HEAD"
    assert client.options(f"{PL}/tracking-securityhash").status_code == 405


def test_a_drf_405_lists_options_in_drfs_order(client):
    response = client.delete(f"{PL}/v4/track/orders/info/")
    assert response.status_code == 405 and response.headers["Allow"] == "GET, HEAD, OPTIONS"


def test_drfs_options_fits_the_contract_and_is_no_strict_violation(make_app):
    client = make_app(strict=True).test_client()
    book = ContractBook(data_dir("contracts"))
    for name, path, headers in (
        ("borderless360", f"{B360}/products/", B360_AUTH),
        ("parcellab", f"{PL}/v4/track/orders/info-widget/", {}),
    ):
        response = client.options(path, headers=headers)
        assert response.status_code == 200
        schema = "components/responses/ViewMetadata/content/application~1json/schema"
        assert list(book.contract(name).validator(schema).iter_errors(response.get_json())) == []
    assert client.get("/__admin/namespaces/default/violations").get_json()["violations"] == []
    assert [entry["operation"] for entry in journal(client)] == [None, None]


@pytest.mark.parametrize("name", CARRIERS.names)
def test_each_contract_documents_its_carriers_cors(name):
    documented = ContractBook(data_dir("contracts")).contract(name).document["x-mock-cors"]
    assert documented["x-mock-guess"] is True
    assert {
        key: value for key, value in documented.items() if key != "description" and not key.startswith("x-")
    } == CARRIERS.load(name).cors.describe()


HEADER_TEXT = st.text(st.characters(codec="latin-1"), max_size=60)


@given(origin=HEADER_TEXT, method=HEADER_TEXT, headers=HEADER_TEXT)
def test_any_preflight_headers_give_a_well_formed_answer(origin, method, headers):
    """Whatever a client sends, the answer holds only tokens it may echo: never a line break or a 500."""
    request = {"Origin": origin, "Access-Control-Request-Method": method, "Access-Control-Request-Headers": headers}
    policy = CorsPolicy()
    response = policy.preflight(request, "OPTIONS")
    if response is None:
        return
    policy.decorate(request, "OPTIONS", response)
    for name, value in response.headers.items():
        assert value == value.strip() and not any(ord(c) < 0x21 and c != " " for c in value), (name, value)
