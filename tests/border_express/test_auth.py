"""Bearer tokens on data routes: missing, garbled, unknown, expired and revoked all get 401."""

import pytest
from support import BE, be_token, bearer, sandbox

DETAIL = f"{BE}/api/v1/consignments/BE10000001"


def _is_401(response, challenge="Bearer"):
    assert response.status_code == 401
    assert response.data == b""
    assert response.headers["WWW-Authenticate"].startswith(challenge)


@pytest.mark.parametrize(
    "header",
    [None, "", "bearer", "Basic abc", "bearer  ", "Token abc", "bearer a b", "bearer not-a-token", "\u00e9\u00e9"],
)
def test_missing_or_garbled_or_unknown_tokens_get_401(client, header):
    headers = {} if header is None else {"Authorization": header}
    _is_401(client.get(DETAIL, headers=headers))


@pytest.mark.parametrize("scheme", ["bearer", "Bearer", "BEARER"])
def test_scheme_is_case_insensitive(client, scheme):
    token = be_token(client)
    assert client.get(DETAIL, headers={"Authorization": f"{scheme} {token}"}).status_code == 200


def test_tokens_expire_after_an_hour_on_the_namespace_clock(client):
    clock = sandbox(client).clock
    token = be_token(client)
    clock.advance("59m")
    assert client.get(DETAIL, headers=bearer(token)).status_code == 200
    clock.advance("1m")
    response = client.get(DETAIL, headers=bearer(token))
    _is_401(response, 'Bearer error="invalid_token"')
    assert "expired" in response.headers["WWW-Authenticate"]


def test_admin_expiry_and_revocation(client):
    token, other = be_token(client), be_token(client, client_id="mock-be-other-client", secret="mock-be-other-secret")
    result = client.post(
        "/__admin/namespaces/default/tokens/expire", json={"carrier": "border-express", "token": token}
    )
    assert result.get_json()["affected"] == 1
    _is_401(client.get(DETAIL, headers=bearer(token)))
    assert client.get(DETAIL, headers=bearer(other)).status_code == 200
    client.post(
        "/__admin/namespaces/default/tokens/revoke",
        json={"carrier": "border-express", "client_id": "mock-be-other-client"},
    )
    _is_401(client.get(DETAIL, headers=bearer(other)))
    fresh = be_token(client)
    assert client.get(DETAIL, headers=bearer(fresh)).status_code == 200
    client.post("/__admin/namespaces/default/tokens/revoke", json={"carrier": "border-express"})
    _is_401(client.get(DETAIL, headers=bearer(fresh)))


def test_tokens_do_not_cross_namespaces(client):
    token = be_token(client, prefix="/ns/one/border-express")
    assert client.get("/ns/one/border-express/api/v1/consignments/BE10000001", headers=bearer(token)).status_code == 200
    _is_401(client.get("/ns/two/border-express/api/v1/consignments/BE10000001", headers=bearer(token)))
    _is_401(client.get(DETAIL, headers=bearer(token)))


def test_the_admin_token_is_never_a_carrier_token(make_app):
    client = make_app(admin_token="admin-secret").test_client()
    _is_401(client.get(DETAIL, headers={"Authorization": "Bearer admin-secret"}))
