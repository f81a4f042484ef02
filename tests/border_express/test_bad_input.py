"""Absurd input gets Border Express's own error shapes, never a 500 or HTML, and changes no state."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import BE, be_token, bearer, examples

VALUES = [
    "x" * 10_000,
    "\u00fc\u00f1\u00ee\u00e7\u00f8d\u00e9",
    "..",
    "%00",
    "%2e%2e",
    "a%2Fb",
    "'; DROP TABLE--",
    "\U0001f4e6",
    " ",
    "%20",
]


def _journal_size(client) -> int:
    return len(client.get("/__admin/namespaces/default/journal").get_json()["entries"])


def _state(client, token):
    """What a client can observe of the namespace: its statuses and its token."""
    return (
        client.get(f"{BE}/api/v1/consignments/BE10000001/Statuses", headers=bearer(token)).get_json(),
        client.get(f"{BE}/api/v1/consignments/BE10000001", headers=bearer(token)).status_code,
    )


def _carrier_shaped(response):
    assert response.status_code < 500, response.data[:200]
    assert b"<html" not in response.data.lower() and b"Traceback" not in response.data
    if response.data:
        assert response.mimetype in ("application/problem+json", "application/json")
        response.get_json()


def test_a_line_break_in_a_path_is_the_carriers_404(client):
    """A line break once fell out of the gateway's route, and the mock's own JSON 404 answered."""
    response = client.get(f"{BE}/api/v1/consignments/BE10000001%0A", headers=bearer(be_token(client)))
    assert response.status_code == 404 and response.mimetype == "application/problem+json"


@pytest.mark.parametrize("value", VALUES)
@pytest.mark.parametrize(
    "template",
    [
        "/api/v1/consignments/{}",
        "/api/connotes/{}/Statuses",
        "/api/v1/consignments/{}/pods/jpg",
        "/api/v1/consignments/BE10000001/pods/{}",
        "/api/v1/consignments/BE10000001/pods/{}/png",
        "/api/v1/barcodes/{}/scans",
    ],
)
def test_absurd_path_values(client, value, template):
    token = be_token(client)
    before = _state(client, token)
    response = client.get(BE + template.format(value), headers=bearer(token))
    _carrier_shaped(response)
    assert response.status_code in (404, 400)
    assert _state(client, token) == before


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_wrong_methods_get_an_empty_405(client, method):
    token = be_token(client)
    response = client.open(f"{BE}/api/v1/consignments/BE10000001", method=method, headers=bearer(token))
    assert response.status_code == 405 and response.data == b"" and "GET" in response.headers["Allow"]


def test_head_and_trailing_slash_are_tolerated(client):
    token = be_token(client)
    assert client.head(f"{BE}/api/v1/consignments/BE10000001", headers=bearer(token)).status_code == 200
    assert client.get(f"{BE}/api/v1/consignments/BE10000001/", headers=bearer(token)).status_code == 200


@pytest.mark.parametrize(
    "kwargs",
    [
        {"data": b"\x00" * 100, "content_type": "application/octet-stream"},
        {"data": "{not json", "content_type": "application/json"},
        {"data": "a=" + "b" * 50_000, "content_type": "application/x-www-form-urlencoded"},
        {"data": "--x\r\nbroken multipart", "content_type": "multipart/form-data; boundary=x"},
    ],
)
def test_broken_bodies_on_the_token_endpoint(client, kwargs):
    response = client.post(f"{BE}/token", **kwargs)
    assert response.status_code == 400 and response.get_json()["error"] == "invalid_client"


def test_a_huge_body_is_refused_in_the_carrier_shape(client):
    response = client.post(
        f"{BE}/token", data=b"a" * (11 * 1024 * 1024), content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 413
    assert response.get_json()["title"] == "Payload Too Large"


def test_failed_token_requests_issue_no_token(client):
    for _ in range(3):
        client.post(f"{BE}/token", data={"grant_type": "client_credentials", "client_id": "mock-be-client"})
    result = client.post("/__admin/namespaces/default/tokens/expire", json={"carrier": "border-express"})
    assert result.get_json()["affected"] == 0


@settings(max_examples=examples(60), suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.text(max_size=200), auth=st.text(max_size=60))
def test_any_path_and_auth_header_gets_a_carrier_shaped_answer(client, path, auth):
    auth = auth.encode("latin-1", "replace").decode("latin-1").replace("\n", "").replace("\r", "")
    response = client.get(f"{BE}/{path}", headers={"Authorization": auth})
    _carrier_shaped(response)
