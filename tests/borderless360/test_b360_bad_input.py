"""No input makes Borderless360's emulation fail: any JSON to any writing route, any query on any
list, any identifier in any path gets a DRF-shaped answer, never a 500."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import B360, B360_AUTH, examples

WRITES = [
    ("post", "/orders/"),
    ("put", "/orders/383495/"),
    ("patch", "/orders/383495/"),
    ("post", "/order/return/"),
    ("post", "/products/"),
    ("post", "/inventory/stock_adjustments/"),
]
LISTS = [
    "/orders/",
    "/products/",
    "/three_pl/three_pls/",
    "/inventory/inventory_levels/",
    "/inventory/stock_adjustments/",
    "/inventory/stock_transactions/",
    "/orders/orders_serial_numbers/",
]
KEYS = [
    "order_type",
    "customer_reference",
    "destination_address",
    "order_items",
    "sku",
    "quantity",
    "country",
    "three_pl",
    "lines",
    "product",
    "adjustment_type",
    "order_id",
    "fulfilment",
    "packages",
    "weight",
    "title",
    "asn_details",
    "eta_date",
    "customs",
    "courier_reference",
    "full_name",
    "address_1",
    "city",
]
FAST = settings(max_examples=examples(120), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=6), children, max_size=6)
    ),
    max_leaves=30,
)


@FAST
@given(st.sampled_from(WRITES), json_values)
def test_no_body_makes_a_500(client, route, body):
    method, path = route
    response = getattr(client, method)(f"{B360}{path}", json=body, headers=B360_AUTH)
    assert response.status_code in (200, 201, 400), response.data
    assert response.is_json


@FAST
@given(
    st.sampled_from(LISTS),
    st.dictionaries(
        st.sampled_from(
            [
                "limit",
                "offset",
                "expand",
                "three_pl",
                "product",
                "date_from",
                "date_to",
                "stock_adjustment_id",
                "search",
                "sku",
                "state",
                "created_from",
                "modified_to",
                "format",
            ]
        ),
        st.text(max_size=25),
        max_size=5,
    ),
)
def test_no_query_makes_a_500(client, path, query):
    response = client.get(f"{B360}{path}", query_string=query, headers=B360_AUTH)
    assert response.status_code in (200, 400, 404), response.data


@FAST
@given(
    st.text(min_size=1, max_size=25).filter(
        lambda t: "/" not in t and "?" not in t and "#" not in t and t not in (".", "..")
    ),
    st.sampled_from(["/orders/{}/", "/orders/{}/serial_numbers/", "/products/{}/", "/inventory/stock_adjustments/{}/"]),
)
def test_no_identifier_makes_a_500(client, ident, template):
    response = client.get(f"{B360}{template.format(ident)}", headers=B360_AUTH)
    assert response.status_code in (200, 301, 404), response.data
