"""BEX login: tokens in `value`, string booleans, failures as 200 + ex."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import BEX, BEX_LOGIN, examples, sandbox


@pytest.mark.parametrize("path", ["/api/service/login", "/api/login", "/API/Service/Login/", "/api/LOGIN"])
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_login_by_query_or_json_on_every_prefix(client, path, method):
    if method == "GET":
        response = client.get(
            f"{BEX}{path}", query_string={"userName": BEX_LOGIN["username"], "password": BEX_LOGIN["password"]}
        )
    else:
        response = client.post(f"{BEX}{path}", json=BEX_LOGIN)
    body = response.get_json()
    assert response.status_code == 200 and "ex" not in body
    assert body["id"] == 19696 and len(body["value"]) > 30
    assert body["isStrongPassword"] == "True" and body["signalREnabled"] == "False"


@pytest.mark.parametrize(
    "body",
    [
        {**BEX_LOGIN, "password": "wrong"},
        {"username": "nobody", "password": "x"},
        {},
        {"username": ["x"], "password": {"a": 1}},
    ],
)
def test_bad_logins_are_200_with_ex(client, body):
    response = client.post(f"{BEX}/api/service/login", json=body)
    assert response.status_code == 200
    assert response.get_json() == {"id": 0, "ex": "Invalid username or password."}


def test_parameter_names_are_case_insensitive(client):
    response = client.post(
        f"{BEX}/api/service/login", json={"USERNAME": "mock-bex-user", "Password": "mock-bex-password"}
    )
    assert "value" in response.get_json()


def test_tokens_do_not_expire_on_their_own(client):
    clock = sandbox(client).clock
    token = client.post(f"{BEX}/api/service/login", json=BEX_LOGIN).get_json()["value"]
    clock.advance("400d")
    quote = client.post(
        f"{BEX}/api/service/getquoteservicedeliverypricingv2",
        headers={"token": token},
        json={
            "accountNumber": "ACC1001",
            "totalWeight": 1,
            "dimMass": 1000,
            "originSuburb": "Sandton",
            "destinationSuburb": "Bellville",
        },
    )
    assert "ex" not in quote.get_json()


@pytest.mark.parametrize("action", ["expire", "revoke"])
def test_admin_expired_or_revoked_tokens_get_the_anonymous_ex(client, action):
    token = client.post(f"{BEX}/api/service/login", json=BEX_LOGIN).get_json()["value"]
    client.post(f"/__admin/namespaces/default/tokens/{action}", json={"carrier": "bex", "token": token})
    response = client.post(f"{BEX}/api/service/submitwaybillv4", headers={"token": token}, json={})
    assert response.status_code == 200
    assert response.get_json() == {"id": 0, "ex": "Access to 'Service.submitwaybillv4' does not allow anonymous access"}


def _login(client, **params):
    return client.post(f"{BEX}/api/service/login", query_string={**BEX_LOGIN, **params}).get_json()


def test_a_user_gets_the_same_token_every_time(client):
    """ "This token is unique to your integration user identity", and "will not expire so once
    generated can be persisted": logging in again answers the same token, of each kind."""
    first = _login(client)["value"]
    assert (
        client.get(
            f"{BEX}/api/login", query_string={"USERNAME": "MOCK-BEX-USER", "password": BEX_LOGIN["password"]}
        ).get_json()["value"]
        == first
    )
    assert client.post(f"{BEX}/api/service/login", json=BEX_LOGIN).get_json()["value"] == first
    alternate = _login(client, preferAlternateToken="true")["value"]
    assert alternate != first and _login(client, preferAlternateToken="True")["value"] == alternate


@pytest.mark.parametrize("action", ["revoke", "expire"])
def test_after_a_revocation_the_next_login_issues_a_new_stable_token(client, action):
    old = _login(client)["value"]
    client.post(f"/__admin/namespaces/default/tokens/{action}", json={"carrier": "bex", "token": old})
    new = _login(client)["value"]
    assert new != old and _login(client)["value"] == new
    assert (
        "ex"
        not in client.post(
            f"{BEX}/api/service/getquoteservicedeliverypricingv2",
            headers={"token": new},
            json={"totalWeight": 1, "dimMass": 0, "originSuburb": "Sandton", "destinationSuburb": "Bellville"},
        ).get_json()
    )


@pytest.mark.parametrize("value, alternate", [("true", True), ("TRUE", True), (" False ", False), ("", False)])
def test_prefer_alternate_token_takes_what_dotnet_parses(client, value, alternate):
    alternate_token = _login(client, preferAlternateToken="true")["value"]
    assert (_login(client, preferAlternateToken=value)["value"] == alternate_token) is alternate


@pytest.mark.parametrize("value", ["1", "0", "yes", "on"])
def test_a_bool_that_dotnet_does_not_parse_is_refused(client, value):
    """ASP.NET binds a bool with bool.Parse: "1" is not one, so BEX never sees a true."""
    assert _login(client, preferAlternateToken=value) == {
        "id": 0,
        "ex": f"The value '{value}' is not valid for preferAlternateToken.",
    }


@pytest.mark.parametrize("value, alternate", [(True, True), (1, True), (0, False), (2.5, True), ("true", True)])
def test_json_bools_and_numbers_bind_as_json_net_converts_them(client, value, alternate):
    alternate_token = _login(client, preferAlternateToken="true")["value"]
    body = client.post(f"{BEX}/api/service/login", json={**BEX_LOGIN, "preferAlternateToken": value}).get_json()
    assert (body["value"] == alternate_token) is alternate


@pytest.mark.parametrize("value", ["1", [True], {"a": 1}])
def test_json_values_that_are_not_bools_are_refused(client, value):
    body = client.post(f"{BEX}/api/service/login", json={**BEX_LOGIN, "preferAlternateToken": value}).get_json()
    assert (
        body["id"] == 0
        and body["ex"].startswith("The value '")
        and body["ex"].endswith("' is not valid for preferAlternateToken.")
    )


@settings(max_examples=examples(80), suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    value=st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
    | st.sampled_from(["true", "FALSE", " True ", "1", "0", "-1", "tRuE"])
)
def test_any_text_is_a_dotnet_bool_or_refused(client, value):
    alternate_token = _login(client, preferAlternateToken="true")["value"]
    body = _login(client, preferAlternateToken=value)
    word = value.strip().lower()
    if word in ("true", "false", ""):
        assert (body["value"] == alternate_token) is (word == "true")
    else:
        assert body == {"id": 0, "ex": f"The value '{value[:40]}' is not valid for preferAlternateToken."}
