"""Garbage to every BEX route still gets 200 + ex (or the 404 for unknown routes, or Web API's 415
for a body it cannot read), never a 500, and changes nothing."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import BEX, bex_token, examples

from mock_carriers.carriers.bex.api import ENDPOINTS

NAMES = [name for name, _ in ENDPOINTS]
GARBAGE = [
    {"data": "{broken", "content_type": "application/json"},
    {"data": "[1, 2, 3]", "content_type": "application/json"},
    {"data": '"just text"', "content_type": "application/json"},
    {"data": b"\xff\xfe\x00", "content_type": "application/json"},
    {"data": "a=1&b", "content_type": "application/x-www-form-urlencoded"},
    {"json": {"searchItems": ["x"], "dimensions": {"a": 1}, "totalWeight": {"x": 1}, "accountNumber": [1]}},
    {"json": {"totalWeight": "1e999", "dimMass": "nan", "dimensions": [None, 5, "x"]}},
    {"query_string": {"searchItems": "x" * 10_000}},
    {"json": "[" * 5000 + "]" * 5000},
]


def _state(client):
    return (
        client.get("/__admin/namespaces/default/webhooks").get_json(),
        client.get(
            f"{BEX}/api/service/waybillquicktrackingv3customtreeview", query_string={"searchItems": "BEX1000001"}
        ).get_json(),
    )


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("garbage", range(len(GARBAGE)))
def test_garbage_is_200_with_ex_or_a_bex_success(client, name, garbage):
    token = bex_token(client)
    before = _state(client)
    response = client.post(f"{BEX}/api/service/{name}", headers={"token": token}, **GARBAGE[garbage])
    assert response.status_code == 200
    if response.mimetype == "application/json":
        body = response.get_json()
        assert isinstance(body, dict) and ("ex" in body or "items" in body)
    if name.startswith(("submit", "login")):
        assert _state(client) == before


READ_AS_JSON_BY_US_NOT_BY_WEB_API = [
    {"data": '{"username": "mock-bex-user", "password": "mock-bex-password"}', "content_type": "text/plain"},
    {"data": '{"username": "mock-bex-user", "password": "mock-bex-password"}'},  # no Content-Type at all
    {"data": b"\xff\xfe\x00", "content_type": "application/octet-stream"},
]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("body", range(len(READ_AS_JSON_BY_US_NOT_BY_WEB_API)))
def test_a_body_web_api_cannot_read_is_its_415_before_bex_answers(client, name, body):
    """ASP.NET Web API binds a body through its formatters (JSON, XML, forms); a media type none
    reads is refused while binding, before BEX's action could answer 200 + `ex`."""
    token = bex_token(client)
    before = _state(client)
    sent = READ_AS_JSON_BY_US_NOT_BY_WEB_API[body]
    response = client.post(f"{BEX}/api/service/{name}", headers={"token": token}, **sent)
    media = sent.get("content_type", "application/octet-stream")
    assert response.status_code == 415 and response.get_json() == {
        "Message": f"The request entity's media type '{media}' is not supported for this resource."
    }
    assert _state(client) == before


def test_an_empty_body_of_any_type_is_no_refusal(client):
    """Web API reads an empty body of an unreadable type as no body (the docs' login posts none)."""
    response = client.post(
        f"{BEX}/api/service/login",
        query_string={"username": "mock-bex-user", "password": "mock-bex-password"},
        content_type="text/plain",
    )
    assert response.status_code == 200 and "value" in response.get_json()


def test_the_webhook_host_refuses_unreadable_bodies_too(client):
    response = client.post(
        f"{BEX}/api/ActivateWebHook", data='{"webHookKey": "mock-bex-webhook-key"}', content_type="text/plain"
    )
    assert response.status_code == 415


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_other_methods_are_web_api_405s(client, method):
    response = client.open(f"{BEX}/api/service/login", method=method)
    assert response.status_code == 405
    assert response.get_json() == {"Message": f"The requested resource does not support http method '{method}'."}


@pytest.mark.parametrize("path", ["/api/service/nothing", "/api/service", "/", "/api/v2/login", "/api/service/login/x"])
def test_unknown_routes_are_web_api_404s(client, path):
    response = client.get(BEX + path)
    assert response.status_code == 404 and response.get_json()["Message"].startswith("No HTTP resource was found")


@settings(max_examples=examples(80), suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    name=st.sampled_from(NAMES),
    body=st.dictionaries(
        st.sampled_from(
            [
                "username",
                "password",
                "searchItems",
                "accountNumber",
                "serviceCode",
                "totalWeight",
                "dimMass",
                "dimensions",
                "waybillNumber",
                "waybillNumbers",
                "token",
                "originSuburb",
                "receiverSuburb",
                "originLatCoord",
                "originLonCoord",
                "dispatchDate",
                "autoGenerateWaybillNumber",
            ]
        ),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
            lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3),
            max_leaves=8,
        ),
        max_size=8,
    ),
)
def test_any_json_body_gets_a_bex_answer(client, name, body):
    token = bex_token(client)
    response = client.post(f"{BEX}/api/service/{name}", headers={"token": token}, json=body)
    assert response.status_code == 200
    assert response.mimetype in ("application/json", "application/pdf")
