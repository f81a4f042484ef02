"""The token faults and `quota` act on the credential each carrier's clients really send (its own
header, scheme or parameter), and answer in that carrier's own shape."""

import base64
from dataclasses import dataclass
from typing import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import B360, BE, P2G, PL, be_token, bex_token, examples, p2g_token, sandbox

FAULTS = "/__admin/namespaces/default/faults"
EXPIRED = 'Bearer error="invalid_token", error_description="The token expired"'
REVOKED = 'Bearer error="invalid_token"'


def parcellab(account: str, token: str) -> dict:
    return {"Authorization": "Parcellab-API-Token " + base64.b64encode(f"{account}:{token}".encode()).decode()}


@dataclass
class Lane:
    """One way a carrier's clients present a credential: how they get one (the n-th distinct one),
    a call that presents it, and whether an answer is that carrier's refusal of an expired
    (`expire_token`) or revoked (`revoke_token`) credential."""

    carrier: str
    issue: Callable[[object, int], object]
    call: Callable[[object, object], object]
    refused: Callable[[object, str], bool]


def bearer_refusal(response, effect: str) -> bool:
    return response.status_code == 401 and response.headers["WWW-Authenticate"] == (
        EXPIRED if effect == "expire_token" else REVOKED
    )


def bex_anonymous(operation: str) -> Callable[[object, str], bool]:
    expected = {"id": 0, "ex": f"Access to 'Service.{operation}' does not allow anonymous access"}
    return lambda response, effect: response.status_code == 200 and response.get_json() == expected


LANES = {
    "border-express": Lane(
        "border-express",
        lambda c, n: be_token(c),
        lambda c, token: c.get(f"{BE}/api/v1/consignments/BE10000001", headers={"Authorization": f"Bearer {token}"}),
        bearer_refusal,
    ),
    "parcel2go": Lane(
        "parcel2go",
        lambda c, n: p2g_token(c),
        lambda c, token: c.get(f"{P2G}/api/countries", headers={"Authorization": f"Bearer {token}"}),
        bearer_refusal,
    ),
    "borderless360": Lane(
        "borderless360",
        lambda c, n: ["mock-b360-token", "mock-b360-other-token"][n],
        lambda c, token: c.get(f"{B360}/three_pl/three_pls/", headers={"Authorization": f"Token {token}"}),
        lambda r, effect: r.status_code == 401 and r.get_json() == {"detail": "Invalid token."},
    ),
    "parcellab": Lane(
        "parcellab",
        lambda c, n: [("1612197", "mock-pl-token"), ("1700001", "mock-pl-other-token")][n],
        lambda c, pair: c.get(
            f"{PL}/v4/track/orders/info/",
            query_string={"order_number": "ORD-1001", "account": pair[0]},
            headers=parcellab(*pair),
        ),
        lambda r, effect: r.status_code == 401 and r.get_json()["errors"][0]["code"] == "authentication_failed",
    ),
    "bex": Lane(  # API calls: the `token` header
        "bex",
        lambda c, n: bex_token(c),
        lambda c, token: c.post(
            "/bex/api/service/getquoteservicedeliverypricingv2",
            headers={"token": token},
            json={"accountNumber": "ACC1001"},
        ),
        bex_anonymous("getquoteservicedeliverypricingv2"),
    ),
    "bex download": Lane(  # downloads: the alternate token as a `token` parameter, any case, query or body
        "bex",
        lambda c, n: bex_token(c, alternate=True),
        lambda c, token: c.post("/bex/api/service/downloadewaybill?waybillNumber=BEX9999999", json={"Token": token}),
        bex_anonymous("downloadewaybill"),
    ),
}


def add(client, **rule) -> None:
    response = client.post(FAULTS, json=rule)
    assert response.status_code == 201, response.data


@pytest.mark.parametrize("effect", ["expire_token", "revoke_token"])
@pytest.mark.parametrize("lane", list(LANES))
def test_a_token_fault_spoils_the_credential_the_carriers_clients_send(client, lane, effect):
    lane = LANES[lane]
    credential = lane.issue(client, 0)
    assert not lane.refused(lane.call(client, credential), effect)
    add(client, carrier=lane.carrier, effect=effect, times=1)
    assert lane.refused(lane.call(client, credential), effect)
    assert lane.refused(lane.call(client, credential), effect)  # it stays spoiled once the rule retired
    assert [rule["fired"] for rule in client.get(FAULTS).get_json()["faults"]] == [1]


QUOTA_LANES = {  # carrier -> the lanes of its first and second credential
    "border-express": ("border-express", "border-express"),
    "parcel2go": ("parcel2go", "parcel2go"),
    "borderless360": ("borderless360", "borderless360"),
    "parcellab": ("parcellab", "parcellab"),
    "bex": ("bex", "bex download"),
}


@pytest.mark.parametrize("carrier", list(QUOTA_LANES))
def test_a_quota_counts_each_credential_apart(client, carrier):
    clock = sandbox(client).clock
    first, second = (LANES[name] for name in QUOTA_LANES[carrier])
    mine, theirs = first.issue(client, 0), second.issue(client, 1)
    assert mine != theirs
    clock.freeze()
    add(client, carrier=carrier, effect="quota", limit=1, window="1m")
    assert first.call(client, mine).status_code != 429
    assert first.call(client, mine).status_code == 429
    assert second.call(client, theirs).status_code != 429
    assert second.call(client, theirs).status_code == 429
    clock.advance("1m")
    assert first.call(client, mine).status_code != 429


def test_a_quota_counts_a_caller_without_credentials_by_its_address(client):
    add(client, carrier="bex", effect="quota", limit=1, window="1m")
    login = {"username": "mock-bex-user", "password": "mock-bex-password"}

    def from_address(address: str) -> int:
        return client.post("/bex/api/service/login", json=login, environ_base={"REMOTE_ADDR": address}).status_code

    assert [from_address("10.0.0.1"), from_address("10.0.0.1"), from_address("10.0.0.2")] == [200, 429, 200]


# Header values a client can send: Latin-1, no line breaks (anything else never reaches the app).
HEADER_TEXT = st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF, exclude_characters="\x7f"), max_size=40)
SCHEMES = st.sampled_from(["Bearer", "Token", "Parcellab-API-Token", "Basic", "bearer", ""])


ROUTES = {  # carrier -> (method, a route that needs a credential)
    "border-express": ("GET", f"{BE}/api/v1/consignments/BE10000001"),
    "parcel2go": ("GET", f"{P2G}/api/countries"),
    "borderless360": ("GET", f"{B360}/three_pl/three_pls/"),
    "parcellab": ("GET", f"{PL}/v4/track/orders/info/?order_number=ORD-1001"),
    "bex": ("POST", "/bex/api/service/downloadewaybill?waybillNumber=BEX9999999"),
}


@pytest.mark.parametrize("carrier", list(ROUTES))
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=examples(30))
@given(scheme=SCHEMES, value=HEADER_TEXT)
def test_any_credential_under_token_faults_and_a_quota_is_never_a_server_error(client, carrier, scheme, value):
    client.delete(FAULTS)
    add(client, carrier=carrier, effect="quota", limit=1000, window="1m")
    add(client, carrier=carrier, effect="revoke_token")
    method, route = ROUTES[carrier]
    response = client.open(
        route,
        method=method,
        json={"token": value},
        headers={"Authorization": f"{scheme} {value}".strip(), "token": value},
    )
    assert response.status_code < 500
