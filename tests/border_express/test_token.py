"""POST /token: the OWIN OAuth server's answers."""

import base64
from email.utils import parsedate_to_datetime

import pytest
from support import BE, sandbox

FORM = {"grant_type": "client_credentials", "client_id": "mock-be-client", "client_secret": "mock-be-secret"}


def test_issues_the_owin_token_document(client):
    clock = sandbox(client).clock
    clock.freeze()
    clock.set("2026-07-01T05:45:16Z")
    response = client.post(f"{BE}/token", data=FORM)
    assert response.status_code == 200
    body = response.get_json()
    assert body["token_type"] == "bearer" and body["expires_in"] == 3599
    assert body["scope"] == "bex.webapi.basic" and body["userName"] == "integration@mock-carriers.example"
    assert body[".issued"] == "Wed, 01 Jul 2026 05:45:16 GMT"
    assert body[".expires"] == "Wed, 01 Jul 2026 06:45:16 GMT"
    assert parsedate_to_datetime(body[".expires"]).tzname() == "UTC"
    assert len(body["access_token"]) >= 40
    assert response.headers["Cache-Control"] == "no-cache"


def test_http_basic_client_authentication_works_too(client):
    basic = base64.b64encode(b"mock-be-client:mock-be-secret").decode()
    response = client.post(
        f"{BE}/token", data={"grant_type": "client_credentials"}, headers={"Authorization": f"Basic {basic}"}
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    "form",
    [
        {**FORM, "client_secret": "wrong"},
        {**FORM, "client_id": "nobody"},
        {"grant_type": "client_credentials"},
        {**FORM, "client_secret": ""},
    ],
)
def test_bad_client_credentials_are_invalid_client(client, form):
    response = client.post(f"{BE}/token", data=form)
    assert response.status_code == 400
    assert response.get_json() == {"error": "invalid_client"}


@pytest.mark.parametrize("grant", ["password", "authorization_code", "", "CLIENT_CREDENTIALS"])
def test_other_grants_are_unsupported(client, grant):
    response = client.post(f"{BE}/token", data={**FORM, "grant_type": grant})
    assert response.status_code == 400
    assert response.get_json() == {"error": "unsupported_grant_type"}


@pytest.mark.parametrize(
    "kwargs",
    [
        {"json": FORM},
        {},
        {"data": "grant_type=client_credentials&client_id", "content_type": "text/plain"},
        {"data": b"\xff\xfe\x00garbage", "content_type": "application/x-www-form-urlencoded"},
        {"data": "%%%&&&==", "content_type": "application/x-www-form-urlencoded"},
    ],
)
def test_anything_but_a_good_form_is_the_owin_400(client, kwargs):
    response = client.post(f"{BE}/token", **kwargs)
    assert response.status_code == 400
    assert response.get_json() == {"error": "invalid_client"}


def test_token_endpoint_only_takes_post(client):
    assert client.get(f"{BE}/token").status_code == 405


def test_each_token_is_new(client):
    first = client.post(f"{BE}/token", data=FORM).get_json()["access_token"]
    second = client.post(f"{BE}/token", data=FORM).get_json()["access_token"]
    assert first != second
