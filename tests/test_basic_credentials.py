"""Credentials sent as base64 of `id:secret` (HTTP Basic on the OAuth endpoints, parcelLab's
API token): whatever follows the scheme, a bad credential is the carrier's own refusal, never a 500."""

import base64

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import BE, P2G, P2G_CLIENT

TOKEN_FORM = {"grant_type": "client_credentials"}
REFUSALS = {  # route -> (scheme, how the carrier refuses a bad credential)
    f"{BE}/token": ("Basic", 400, {"error": "invalid_client"}),
    f"{P2G}/auth/connect/token": ("Basic", 400, {"error": "invalid_client"}),
    f"{P2G}/auth/connect/revocation": ("Basic", 400, {"error": "invalid_client"}),
}
# Header values a client can send: Latin-1, no line breaks (anything else never reaches the app).
HEADER_TEXT = st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF, exclude_characters="\x7f"), max_size=40)
REUSED_CLIENT = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])  # requests change nothing


def post(client, path: str, value: str):
    return client.post(
        path, data={**TOKEN_FORM, "token": "x"}, headers={"Authorization": f"{REFUSALS[path][0]} {value}"}
    )


@pytest.mark.parametrize("path", list(REFUSALS))
@pytest.mark.parametrize("value", ["é", "w6k=", "Zm9v", "!!!", "", "bW9jazpzZWNyZXQ=", "//79"])
def test_a_bad_basic_credential_is_the_carriers_refusal(client, path, value):
    response = post(client, path, value)
    _, status, body = REFUSALS[path]
    assert (response.status_code, response.get_json()) == (status, body)


@pytest.mark.parametrize("path", list(REFUSALS))
@REUSED_CLIENT
@given(value=HEADER_TEXT)
def test_any_basic_credential_is_a_refusal_never_a_server_error(client, path, value):
    assert post(client, path, value).status_code == REFUSALS[path][1]


def test_a_good_basic_credential_still_works(client):
    basic = base64.b64encode(f"{P2G_CLIENT['client_id']}:{P2G_CLIENT['client_secret']}".encode()).decode()
    response = client.post(f"{P2G}/auth/connect/token", data=TOKEN_FORM, headers={"Authorization": f"Basic {basic}"})
    assert response.status_code == 200


@REUSED_CLIENT
@given(value=HEADER_TEXT)
def test_any_parcellab_api_token_is_a_refusal_never_a_server_error(client, value):
    response = client.get(
        "/parcellab/v4/track/orders/info/?order_number=ORD-1001",
        headers={"Authorization": f"Parcellab-API-Token {value}"},
    )
    assert response.status_code == 401 and response.get_json()["type"] == "client_error"
