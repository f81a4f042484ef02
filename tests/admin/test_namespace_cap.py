"""Under --max-namespaces, a namespace in use is never dropped to make room for another: only one
idle for --namespace-idle is, `default` and a start-up scenario's never are, and past the cap with
every namespace busy a new one is refused with a 503 in the caller's dialect."""

import pytest
from support import B360_AUTH, BEX_LOGIN, P2G_CLIENT, PL_AUTH

from mock_carriers.settings import Settings

CALLS = {  # carrier -> a call in namespace `ns` that needs nothing made in that namespace first
    "border-express": lambda c, ns: c.post(
        f"/ns/{ns}/border-express/token",
        data={"grant_type": "client_credentials", "client_id": "mock-be-client", "client_secret": "mock-be-secret"},
    ),
    "bex": lambda c, ns: c.post(f"/ns/{ns}/bex/api/service/login", json=BEX_LOGIN),
    "parcel2go": lambda c, ns: c.post(
        f"/ns/{ns}/parcel2go/auth/connect/token", data={"grant_type": "client_credentials", **P2G_CLIENT}
    ),
    "borderless360": lambda c, ns: c.get(
        f"/ns/{ns}/borderless360/api/v1/public_api/three_pl/three_pls/", headers=B360_AUTH
    ),
    "parcellab": lambda c, ns: c.get(
        f"/ns/{ns}/parcellab/v4/track/orders/info/?order_number=ORD-1001&account=1612197", headers=PL_AUTH
    ),
}
FULL = {  # carrier -> its own 503 saying why
    "border-express": lambda body: body["status"] == 503 and "in use" in body["detail"],
    "bex": lambda body: "in use" in body["Message"],
    "parcel2go": lambda body: "in use" in body["Message"],
    "borderless360": lambda body: "in use" in body["detail"],
    "parcellab": lambda body: body["type"] == "server_error" and "in use" in body["errors"][0]["detail"],
}


def names(client) -> list[str]:
    return [ns["namespace"] for ns in client.get("/__admin/namespaces").get_json()["namespaces"]]


@pytest.mark.parametrize("carrier", list(CALLS))
def test_past_the_cap_with_every_namespace_busy_a_new_one_is_the_carriers_503(make_app, carrier):
    client = make_app(max_namespaces=2).test_client()
    for name in ("a", "b"):
        assert CALLS[carrier](client, name).status_code == 200
    response = CALLS[carrier](client, "c")
    assert response.status_code == 503 and FULL[carrier](response.get_json())
    assert 0 < int(response.headers["Retry-After"]) <= 300
    assert names(client) == ["default", "a", "b"]  # nobody's world was dropped
    assert CALLS[carrier](client, "a").status_code == 200


def test_past_the_cap_with_every_namespace_busy_put_is_the_admin_503(make_app):
    client = make_app(max_namespaces=1).test_client()
    assert client.put("/__admin/namespaces/a").status_code == 201
    response = client.put("/__admin/namespaces/b", json={"seed": 3})
    assert response.status_code == 503 and response.get_json()["error"] == "namespaces_full"
    assert "Retry-After" in response.headers
    assert client.post("/__admin/namespaces/b/scenario", data="seed: 3\n").status_code == 503
    assert client.put("/__admin/namespaces/a", json={"seed": 4}).status_code == 201  # replacing needs no room
    assert names(client) == ["default", "a"]


def test_an_idle_namespace_makes_room_but_default_never_does(make_app, caplog):
    client = make_app(max_namespaces=2, namespace_idle_seconds=0).test_client()
    for name in ("a", "b", "c"):
        assert CALLS["bex"](client, name).status_code == 200
    assert CALLS["bex"](client, "default").status_code == 200
    client.put("/__admin/namespaces/d")
    assert names(client) == ["c", "default", "d"] and "'a' dropped" in caplog.text and "'b' dropped" in caplog.text


def test_default_is_always_listed_even_after_a_reset(client):
    assert names(client) == ["default"]
    client.put("/__admin/namespaces/a")
    assert client.post("/__admin/reset").get_json() == {"reset": 2}
    assert names(client) == ["default"]
    assert client.delete("/__admin/namespaces/default").status_code == 204
    assert names(client) == ["default"]


def test_the_idle_time_comes_from_the_environment_as_a_duration():
    assert Settings.from_env({"MOCK_CARRIERS_NAMESPACE_IDLE_SECONDS": "90"}).namespace_idle_seconds == 90
    assert Settings.from_env({"MOCK_CARRIERS_NAMESPACE_IDLE_SECONDS": "2m"}).namespace_idle_seconds == 120
    assert Settings().namespace_idle_seconds == 300
    with pytest.raises(ValueError, match="MOCK_CARRIERS_NAMESPACE_IDLE_SECONDS"):
        Settings.from_env({"MOCK_CARRIERS_NAMESPACE_IDLE_SECONDS": "soon"})
