"""A 405's Allow header tells the truth: on every carrier path, each method it lists is answered
(not a 405), and the refused method is not listed. Django (Borderless360, parcelLab) dispatches on
the path alone, so a path's first view decides: `orders/orders_serial_numbers/` is a GET view,
not an order id."""

import re

import pytest
from support import B360, B360_AUTH

from mock_carriers.carriers import CARRIERS

METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


def _paths(carrier: str) -> list[str]:
    return sorted({f"/{carrier}" + re.sub(r"<[^>]+>", "1", route.rule) for route in CARRIERS.load(carrier).routes})


@pytest.mark.parametrize("carrier", CARRIERS.names)
def test_allow_lists_exactly_the_methods_answered(client, carrier):
    for path in _paths(carrier) + ([f"{B360}/orders/orders_serial_numbers/"] if carrier == "borderless360" else []):
        answered = {method for method in METHODS if client.open(path, method=method).status_code != 405}
        for method in set(METHODS) - answered:
            allow = client.open(path, method=method).headers.get("Allow")
            assert allow is not None and set(allow.split(", ")) == answered, (path, method, allow, answered)


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
def test_the_serial_number_search_is_a_get_view(client, method):
    response = client.open(f"{B360}/orders/orders_serial_numbers/", method=method, headers=B360_AUTH, json={})
    assert response.status_code == 405 and response.headers["Allow"] == "GET, HEAD, OPTIONS"  # DRF lists OPTIONS too
    assert response.get_json() == {"detail": f'Method "{method}" not allowed.'}
