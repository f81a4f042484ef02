"""BEX login: tokens in `value`, string booleans, failures as 200 + ex."""

import pytest

from conftest import BEX, BEX_LOGIN


@pytest.mark.parametrize("path", ["/api/service/login", "/api/login", "/API/Service/Login/", "/api/LOGIN"])
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_login_by_query_or_json_on_every_prefix(client, path, method):
    if method == "GET":
        response = client.get(f"{BEX}{path}", query_string={"userName": BEX_LOGIN["username"],
                                                            "password": BEX_LOGIN["password"]})
    else:
        response = client.post(f"{BEX}{path}", json=BEX_LOGIN)
    body = response.get_json()
    assert response.status_code == 200 and "ex" not in body
    assert body["id"] == 19696 and len(body["value"]) > 30
    assert body["isStrongPassword"] == "True" and body["signalREnabled"] == "False"


@pytest.mark.parametrize("body", [{**BEX_LOGIN, "password": "wrong"}, {"username": "nobody", "password": "x"}, {},
                                  {"username": ["x"], "password": {"a": 1}}])
def test_bad_logins_are_200_with_ex(client, body):
    response = client.post(f"{BEX}/api/service/login", json=body)
    assert response.status_code == 200
    assert response.get_json() == {"id": 0, "ex": "Invalid username or password."}


def test_parameter_names_are_case_insensitive(client):
    response = client.post(f"{BEX}/api/service/login", json={"USERNAME": "mock-bex-user", "Password": "mock-bex-password"})
    assert "value" in response.get_json()


def test_tokens_do_not_expire_on_their_own(client):
    token = client.post(f"{BEX}/api/service/login", json=BEX_LOGIN).get_json()["value"]
    client.post("/__admin/namespaces/default/clock", json={"action": "advance", "by": "400d"})
    quote = client.post(f"{BEX}/api/service/getquoteservicedeliverypricingv2", headers={"token": token},
                        json={"accountNumber": "ACC1001", "totalWeight": 1, "dimMass": 1000,
                              "originSuburb": "Sandton", "destinationSuburb": "Bellville"})
    assert "ex" not in quote.get_json()


@pytest.mark.parametrize("action", ["expire", "revoke"])
def test_admin_expired_or_revoked_tokens_get_the_anonymous_ex(client, action):
    token = client.post(f"{BEX}/api/service/login", json=BEX_LOGIN).get_json()["value"]
    client.post(f"/__admin/namespaces/default/tokens/{action}", json={"carrier": "bex", "token": token})
    response = client.post(f"{BEX}/api/service/submitwaybillv4", headers={"token": token}, json={})
    assert response.status_code == 200
    assert response.get_json() == {
        "id": 0, "ex": "Access to 'Service.submitwaybillv4' does not allow anonymous access"}
