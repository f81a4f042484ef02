"""JSON nested a thousand levels deep (or a fixture overlay six hundred deep) is refused with a 400
in the admin API's shape, or answered in the carrier's own, and never crashes the parser (a 500)."""

import re

import pytest
from support import B360_AUTH, PL_AUTH, be_token, bex_token, p2g_token

from mock_carriers import create_app
from mock_carriers.carriers import CARRIERS
from mock_carriers.settings import Settings

ADMIN = "/__admin/namespaces"


def nested(depth: int, leaf: str = "1") -> str:
    return '{"a":' * depth + leaf + "}" * depth


def listed(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize(
    "method, path, body",
    [
        ("PUT", f"{ADMIN}/deep", nested(1000)),
        ("PUT", f"{ADMIN}/deep", listed(1000)),
        ("PUT", f"{ADMIN}/deep", '{"fixtures": {"bex": %s}}' % nested(600)),
        ("POST", f"{ADMIN}/default/faults", nested(1000)),
        ("POST", f"{ADMIN}/default/faults", '{"effect": "status", "carrier": %s}' % listed(1000)),
        ("POST", f"{ADMIN}/default/webhooks/subscriptions", nested(1000)),
        (
            "POST",
            f"{ADMIN}/default/webhooks/subscriptions",
            '{"carrier": "parcel2go", "url": "http://127.0.0.1:9/", "headers": %s}' % nested(1000),
        ),
        ("POST", f"{ADMIN}/default/clock", nested(1000)),
        ("POST", f"{ADMIN}/default/tokens/expire", nested(1000)),
        ("POST", f"{ADMIN}/default/scenario", nested(1000)),
        ("POST", f"{ADMIN}/default/scenario", "fixtures:\n  bex: " + listed(1000)),
        (
            "POST",
            f"{ADMIN}/default/scenario",
            "".join(f"{' ' * level}k:\n" for level in range(1000)) + " " * 1000 + "v",
        ),
    ],
)
def test_admin_refuses_a_body_nested_too_deep(client, method, path, body):
    response = client.open(path, method=method, data=body, content_type="application/json")
    assert response.status_code == 400, response.data
    assert response.get_json()["error"] in ("bad_request", "invalid") and "64" in response.get_data(as_text=True)
    assert client.get(f"{ADMIN}/deep").status_code == 404  # nothing was made
    assert client.get(f"{ADMIN}/default/faults").get_json() == {"faults": []}


def test_the_bound_counts_nesting_not_brackets_in_strings(client):
    quoted = {"effect": "status", "description": "[" * 200 + "{" * 200}
    assert client.post(f"{ADMIN}/default/faults", json=quoted).status_code == 201
    deep_enough = '{"seed": 1, "fixtures": {"bex": %s}}' % nested(61, "{}")  # 64 levels in all
    response = client.put(f"{ADMIN}/deep", data=deep_enough, content_type="application/json")
    assert response.status_code == 400 and "64" not in response.get_json()["message"]  # the schema's refusal


CREDENTIALS = {
    "border-express": lambda client: {"Authorization": f"bearer {be_token(client)}"},
    "bex": lambda client: {"token": bex_token(client)},
    "parcel2go": lambda client: {"Authorization": f"Bearer {p2g_token(client)}"},
    "borderless360": lambda client: B360_AUTH,
    "parcellab": lambda client: PL_AUTH,
}


@pytest.mark.parametrize("strict", [False, True], ids=["lenient", "strict"])
@pytest.mark.parametrize("carrier", CARRIERS.names)
def test_no_carrier_route_fails_on_a_deep_body(make_app, carrier, strict):
    """Lenient, every answer is also checked against the contract. Strict mode refuses a body too
    deep to check even where the contract lists no such refusal (BEX's `ex` texts), so there
    only the status is checked."""
    app = create_app(Settings(strict=True)) if strict else make_app()
    client = app.test_client()
    headers = CREDENTIALS.get(carrier, lambda client: {})(client)  # none: a carrier without authentication
    for route in CARRIERS.load(carrier).routes:
        path = f"/{carrier}" + re.sub(r"<[^>]+>", "1", route.rule)
        for method in sorted(route.methods - {"HEAD"}):
            for body in (nested(1000), listed(5000), nested(900), nested(65)):
                response = client.open(path, method=method, data=body, content_type="application/json", headers=headers)
                assert response.status_code < 500, (method, path, response.data)
    app.extensions["mock_carriers"].namespaces.close()
