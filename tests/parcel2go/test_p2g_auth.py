"""Parcel2Go's IdentityServer: client-credentials tokens, scopes, the implicit flow, revocation,
discovery, and the bearer checks every /api call makes."""

from urllib.parse import parse_qs, urlsplit

import pytest
from support import P2G, P2G_CLIENT, P2G_PUBLIC_ONLY, bearer, p2g_token, sandbox

TOKEN = f"{P2G}/auth/connect/token"


def test_the_documented_token_request(client):
    response = client.post(
        TOKEN, data={"grant_type": "client_credentials", "scope": "public-api payment my-profile", **P2G_CLIENT}
    )
    assert response.status_code == 200 and response.headers["Cache-Control"].startswith("no-store")
    body = response.get_json()
    assert set(body) == {"access_token", "expires_in", "token_type"}
    assert body["expires_in"] == 7200 and body["token_type"] == "Bearer"


def test_basic_authentication_works_too(client):
    response = client.post(
        TOKEN, data={"grant_type": "client_credentials"}, auth=("mock-p2g-client", "mock-p2g-secret")
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    "form, error",
    [
        (
            {"grant_type": "client_credentials", "client_id": "mock-p2g-client", "client_secret": "wrong"},
            "invalid_client",
        ),
        ({"grant_type": "client_credentials", "client_id": "nobody", "client_secret": "x"}, "invalid_client"),
        ({"grant_type": "client_credentials"}, "invalid_client"),
        ({"grant_type": "password", **P2G_CLIENT}, "unsupported_grant_type"),
        ({**P2G_CLIENT}, "unsupported_grant_type"),
        ({"grant_type": "client_credentials", "scope": "public-api admin", **P2G_CLIENT}, "invalid_scope"),
        ({"grant_type": "client_credentials", "scope": "openid", **P2G_CLIENT}, "invalid_scope"),
        ({"grant_type": "client_credentials", "scope": "payment", **P2G_PUBLIC_ONLY}, "invalid_scope"),
    ],
)
def test_identityserver_errors(client, form, error):
    response = client.post(TOKEN, data=form)
    assert response.status_code == 400 and response.get_json() == {"error": error}


def test_a_json_token_request_is_not_a_form(client):
    response = client.post(TOKEN, json={"grant_type": "client_credentials", **P2G_CLIENT})
    assert response.status_code == 400 and response.get_json() == {"error": "invalid_client"}


@pytest.mark.parametrize(
    "headers, challenge",
    [
        ({}, "Bearer"),
        ({"Authorization": "Bearer nonsense"}, 'Bearer error="invalid_token"'),
        ({"Authorization": "Basic bW9jazpzZWNyZXQ="}, 'Bearer error="invalid_token"'),
    ],
)
def test_api_calls_need_a_bearer_token(client, headers, challenge):
    response = client.get(f"{P2G}/api/countries", headers=headers)
    assert response.status_code == 401 and response.data == b""
    assert response.headers["WWW-Authenticate"] == challenge


def test_an_expired_token_is_refused_and_a_new_one_works(client):
    clock = sandbox(client).clock
    token = p2g_token(client)
    assert client.get(f"{P2G}/api/countries", headers=bearer(token)).status_code == 200
    clock.advance("2h")
    response = client.get(f"{P2G}/api/countries", headers=bearer(token))
    assert response.status_code == 401 and "The token expired" in response.headers["WWW-Authenticate"]
    assert client.get(f"{P2G}/api/countries", headers=bearer(p2g_token(client))).status_code == 200


@pytest.mark.parametrize("action", ["expire", "revoke"])
def test_tokens_expire_or_are_revoked_through_the_admin_api(client, action):
    token = p2g_token(client)
    client.post(f"/__admin/namespaces/default/tokens/{action}", json={"carrier": "parcel2go"})
    assert client.get(f"{P2G}/api/countries", headers=bearer(token)).status_code == 401


def test_a_client_revokes_its_own_token(client):
    token = p2g_token(client)
    response = client.post(f"{P2G}/auth/connect/revocation", data={"token": token, **P2G_CLIENT})
    assert response.status_code == 200 and response.data == b""
    assert client.get(f"{P2G}/api/countries", headers=bearer(token)).status_code == 401
    unknown = client.post(f"{P2G}/auth/connect/revocation", data={"token": "never-issued", **P2G_CLIENT})
    assert unknown.status_code == 200
    assert client.post(f"{P2G}/auth/connect/revocation", data={"token": token}).get_json() == {
        "error": "invalid_client"
    }


@pytest.mark.parametrize(
    "path, method, scope",
    [
        ("/api/prepay", "get", "payment"),
        ("/api/storedcards", "get", "payment"),
        ("/api/orders/76423942/paywithprepay?hash=x", "post", "payment"),
        ("/api/me/detail", "get", "my-profile"),
        ("/api/me/detail", "post", "my-profile"),
        ("/api/me/deliveryAddresses", "get", "my-profile"),
        ("/api/me/collectionAddresses", "post", "my-profile"),
    ],
)
def test_endpoints_needing_a_scope_answer_403_without_it(client, path, method, scope):
    token = p2g_token(client, P2G_PUBLIC_ONLY)
    response = getattr(client, method)(f"{P2G}{path}", headers=bearer(token))
    assert response.status_code == 403 and response.data == b""
    assert response.headers["WWW-Authenticate"] == 'Bearer error="insufficient_scope"'
    scoped = p2g_token(client, scope=f"public-api {scope}")
    assert getattr(client, method)(f"{P2G}{path}", headers=bearer(scoped)).status_code != 403


def test_a_token_without_public_api_can_call_nothing(client):
    token = p2g_token(client, scope="payment")
    assert client.get(f"{P2G}/api/prepay", headers=bearer(token)).status_code == 403


def test_discovery_points_at_the_mock(client):
    doc = client.get("/ns/disc/parcel2go/auth/.well-known/openid-configuration").get_json()
    assert doc["issuer"] == "http://localhost/ns/disc/parcel2go/auth"
    assert doc["token_endpoint"] == "http://localhost/ns/disc/parcel2go/auth/connect/token"
    assert doc["authorization_endpoint"].endswith("/auth/connect/authorize")
    assert client.get(urlsplit(doc["jwks_uri"]).path).get_json() == {"keys": []}
    by_host = client.get("/auth/.well-known/openid-configuration", headers={"Host": "sandbox.parcel2go.com"})
    assert by_host.get_json()["token_endpoint"] == "http://sandbox.parcel2go.com/auth/connect/token"


def authorize(client, **params):
    query = {
        "client_id": "mock-p2g-client",
        "redirect_uri": "http://127.0.0.1/return",
        "response_type": "token",
        "scope": "openid public-api",
        **params,
    }
    return client.get(f"{P2G}/auth/connect/authorize", query_string={k: v for k, v in query.items() if v is not None})


def test_the_implicit_flow_redirects_with_a_token_in_the_fragment(client):
    response = authorize(client, state="xyz")
    assert response.status_code == 302
    url, _, fragment = response.headers["Location"].partition("#")
    values = {key: value[0] for key, value in parse_qs(fragment).items()}
    assert url == "http://127.0.0.1/return"
    assert values["token_type"] == "Bearer" and values["expires_in"] == "7200" and values["state"] == "xyz"
    assert values["scope"] == "openid public-api"
    assert client.get(f"{P2G}/api/countries", headers=bearer(values["access_token"])).status_code == 200


def test_a_return_url_with_a_fragment_gets_the_values_appended(client):
    """The official demo registers `.../#/token?` and reads the values from its hash route."""
    location = authorize(client, redirect_uri="http://localhost/#/token?").headers["Location"]
    assert location.startswith("http://localhost/#/token?access_token=")


@pytest.mark.parametrize(
    "params, error",
    [
        ({"response_type": "code"}, "unsupported_response_type"),
        ({"scope": "openid admin"}, "invalid_scope"),
    ],
)
def test_flow_errors_go_back_to_the_return_url(client, params, error):
    location = authorize(client, state="s1", **params).headers["Location"]
    assert location == f"http://127.0.0.1/return#error={error}&state=s1"


@pytest.mark.parametrize(
    "params, error",
    [
        ({"client_id": "nobody"}, "unauthorized_client"),
        ({"redirect_uri": "http://evil.example/return"}, "invalid_request"),
        ({"client_id": "mock-p2g-public-only"}, "invalid_request"),
        ({"redirect_uri": None}, "invalid_request"),
    ],
)
def test_an_unknown_client_or_return_url_is_never_redirected_to(client, params, error):
    response = authorize(client, **params)
    assert response.status_code == 400 and response.get_json()["error"] == error
    assert "Location" not in response.headers
