"""Products, 3PLs, inventory levels, stock adjustments and transactions: pagination, expand,
decimals as strings, and stock that always equals the initial stock plus every change."""

import pytest
from bodies import B360_PRODUCT_EXAMPLE
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import B360, B360_AUTH, B360_OTHER, examples, sandbox

PRODUCT = {key: value for key, value in B360_PRODUCT_EXAMPLE.items() if key != "image"}


def get(client, path, **query):
    response = client.get(f"{B360}{path}", query_string=query, headers=B360_AUTH)
    assert response.status_code == 200, response.data
    return response.get_json()


def levels(client) -> dict:
    rows = get(client, "/inventory/inventory_levels/", limit=1000)["results"]
    return {(row["three_pl"], row["product_id"]): row["stock_quantity"] for row in rows}


def adjust(client, lines, three_pl=9, headers=B360_AUTH):
    return client.post(
        f"{B360}/inventory/stock_adjustments/",
        headers=headers,
        json={"three_pl": three_pl, "reference": "r1", "comment": "count", "lines": lines},
    )


def test_three_pls_as_the_real_client_reads_them(client):
    body = get(client, "/three_pl/three_pls/", limit=999)
    assert body["count"] == 4 and body["next"] is None and body["previous"] is None
    assert body["results"][2] == {
        "company_name": "Dallas",
        "country": "US",
        "id": 52,
        "is_inventory_enabled": True,
        "preferences_id": 147,
    }


def test_inventory_levels_with_the_product_expanded(client):
    body = get(
        client, "/inventory/inventory_levels/", expand="product", format="json", limit=1000, offset=0, three_pl=9
    )
    first = body["results"][0]
    assert first["three_pl"] == 9 and first["stock_quantity"] == 6 and first["product_id"] == 163
    product = first["product"]
    assert product["sku"] == "WAG4628" and product["weight"] == "0.500" and product["declared_price"] == "44.99"
    assert (
        product["country_of_manufacture_display"] == "Australia" and product["local_customs_description"] == "宠物玩具"
    )
    assert product["created"].endswith("Z") and product["safety_stock"] == 2
    assert get(client, "/inventory/inventory_levels/", three_pl=9)["results"][0]["product"] == 163


def test_inventory_next_links_point_back_at_the_mock(client):
    body = get(client, "/inventory/inventory_levels/", expand="product", limit=2, three_pl=9)
    assert (
        body["next"] == f"http://localhost{B360}/inventory/inventory_levels/?expand=product&limit=2&offset=2&three_pl=9"
    )
    nxt = client.get(body["next"].removeprefix("http://localhost"), headers=B360_AUTH).get_json()
    assert nxt["previous"] == f"http://localhost{B360}/inventory/inventory_levels/?expand=product&limit=2&three_pl=9"


@pytest.mark.parametrize(
    "query, field, message",
    [
        ({"three_pl": "abc"}, "three_pl", "Select a valid choice. That choice is not one of the available choices."),
        ({"three_pl": "999"}, "three_pl", "Select a valid choice. That choice is not one of the available choices."),
        ({"product": "99999"}, "product", "Select a valid choice. That choice is not one of the available choices."),
        ({"product": "171"}, "product", "Select a valid choice. That choice is not one of the available choices."),
    ],
)
def test_bad_filters_are_field_errors(client, query, field, message):
    response = client.get(f"{B360}/inventory/inventory_levels/", query_string=query, headers=B360_AUTH)
    assert response.status_code == 400 and response.get_json() == {field: [message]}


@pytest.mark.parametrize("limit, offset", [("99999999999999999999999", "0"), ("-3", "-7"), ("abc", "xyz"), ("0", "")])
def test_odd_limits_and_offsets_fall_back_as_drf_does(client, limit, offset):
    body = get(client, "/inventory/inventory_levels/", limit=limit, offset=offset)
    assert body["count"] == 8 and len(body["results"]) == 8


def test_another_clients_stock_is_invisible(client):
    assert {row["product_id"] for row in get(client, "/inventory/inventory_levels/")["results"]} == {
        163,
        164,
        165,
        166,
        172,
        173,
        12345,
    }


def test_create_and_list_products(client):
    response = client.post(f"{B360}/products/", json=PRODUCT, headers=B360_AUTH)
    assert response.status_code == 201
    product = response.get_json()
    assert product["sku"] == "new_test_prod" and product["weight"] == "0.500" and product["width"] == "2.000"
    assert product["declared_price"] == "10.00" and product["customs_value"] == "10.00" and product["client_id"] == 9
    listed = get(client, "/products/", sku="new_test_prod")
    assert listed["count"] == 1 and listed["results"][0] == product
    assert get(client, f"/products/{product['id']}/") == product
    assert client.get(f"{B360}/products/{product['id']}/", headers=B360_OTHER).status_code == 404


@pytest.mark.parametrize(
    "changes, errors",
    [
        ({"sku": "WAG4628"}, {"sku": ["product with this sku already exists."]}),
        ({"sku": ""}, {"sku": ["This field may not be blank."]}),
        ({"title": None}, {"title": ["This field may not be null."]}),
        ({"weight": "heavy"}, {"weight": ["A valid number is required."]}),
        ({"weight": -1}, {"weight": ["Ensure this value is greater than or equal to 0."]}),
        ({"safety_stock": 1.5}, {"safety_stock": ["A valid integer is required."]}),
        ({"customs_value_source": "guess"}, {"customs_value_source": ['"guess" is not a valid choice.']}),
        ({"country_of_manufacture": "Belgium"}, {"country_of_manufacture": ['"Belgium" is not a valid choice.']}),
    ],
)
def test_product_errors(client, changes, errors):
    response = client.post(f"{B360}/products/", json={**PRODUCT, **changes}, headers=B360_AUTH)
    assert response.status_code == 400 and response.get_json() == errors
    assert get(client, "/products/", sku="new_test_prod")["count"] == 0


def test_an_adjustment_adds_or_sets_stock_and_leaves_transactions(client):
    before = levels(client)
    response = adjust(
        client,
        [
            {"product": 163, "adjustment_type": "add", "quantity": 6},
            {"product": 164, "adjustment_type": "set", "quantity": 7},
            {"product": 166, "adjustment_type": "add", "quantity": 2},
        ],
        three_pl=9,
    )
    assert response.status_code == 201
    adjustment = response.get_json()
    assert adjustment == {
        "id": adjustment["id"],
        "three_pl": 9,
        "reference": "r1",
        "comment": "count",
        "three_pl_id": 9,
    }
    after = levels(client)
    assert after[(9, 163)] == before[(9, 163)] + 6 and after[(9, 164)] == 7 and after[(9, 166)] == 2
    assert get(client, f"/inventory/stock_adjustments/{adjustment['id']}/") == adjustment
    transactions = get(client, "/inventory/stock_transactions/", stock_adjustment_id=adjustment["id"])["results"]
    assert sorted((t["quantity"], t["current_quantity"]) for t in transactions) == [(-33, 7), (2, 2), (6, 12)]
    assert all(t["content_type"] == "stockadjustment" and t["object_id"] == adjustment["id"] for t in transactions)


def test_an_adjustment_creates_a_level_that_did_not_exist(client):
    assert (61, 163) not in levels(client)
    adjust(client, [{"product": 163, "adjustment_type": "add", "quantity": 4}], three_pl=61)
    assert levels(client)[(61, 163)] == 4


@pytest.mark.parametrize(
    "body_changes, errors",
    [
        ({"three_pl": 5}, {"three_pl": ['Invalid pk "5" - object does not exist.']}),
        (
            {"lines": [{"product": 163, "adjustment_type": "add", "quantity": -1}]},
            {"lines": [{"quantity": ["Ensure this value is greater than or equal to 0."]}]},
        ),
        (
            {
                "lines": [
                    {"product": 163, "adjustment_type": "add", "quantity": 1},
                    {"product": 171, "adjustment_type": "add", "quantity": 1},
                ]
            },
            {"lines": [{}, {"product": ['Invalid pk "171" - object does not exist.']}]},
        ),
        (
            {"lines": [{"product": 163, "adjustment_type": "remove", "quantity": 1}]},
            {"lines": [{"adjustment_type": ['"remove" is not a valid choice.']}]},
        ),
        ({"lines": []}, {"lines": {"non_field_errors": ["This list may not be empty."]}}),
    ],
)
def test_a_rejected_adjustment_changes_nothing(client, body_changes, errors):
    before, adjustments = levels(client), get(client, "/inventory/stock_adjustments/")["count"]
    body = {"three_pl": 9, "lines": [{"product": 163, "adjustment_type": "add", "quantity": 1}], **body_changes}
    response = client.post(f"{B360}/inventory/stock_adjustments/", json=body, headers=B360_AUTH)
    assert response.status_code == 400 and response.get_json() == errors
    assert levels(client) == before and get(client, "/inventory/stock_adjustments/")["count"] == adjustments


def test_adjustments_filter_by_date(client):
    clock = sandbox(client).clock
    history = get(client, "/inventory/stock_adjustments/")["count"]  # the fixtures' (made recently)
    clock.set("2001-06-01T10:00:00Z")
    adjust(client, [{"product": 163, "adjustment_type": "add", "quantity": 1}])
    clock.set("2001-06-03T10:00:00Z")
    adjust(client, [{"product": 163, "adjustment_type": "add", "quantity": 1}])
    assert get(client, "/inventory/stock_adjustments/", date_from="2001-06-02T00:00:00Z")["count"] == 1 + history
    assert get(client, "/inventory/stock_adjustments/", date_to="2001-06-02T00:00:00Z")["count"] == 1
    assert get(client, "/inventory/stock_adjustments/")["count"] == 2 + history
    response = client.get(f"{B360}/inventory/stock_adjustments/?date_from=yesterday", headers=B360_AUTH)
    assert response.status_code == 400 and response.get_json() == {"date_from": ["Enter a valid date/time."]}


def test_unknown_and_foreign_adjustments_are_404(client):
    created = adjust(client, [{"product": 163, "adjustment_type": "add", "quantity": 1}]).get_json()
    assert client.get(f"{B360}/inventory/stock_adjustments/{created['id']}/", headers=B360_OTHER).status_code == 404
    for ident in ("999999", "abc", "²"):
        assert client.get(f"{B360}/inventory/stock_adjustments/{ident}/", headers=B360_AUTH).status_code == 404
    response = client.get(f"{B360}/inventory/stock_transactions/?stock_adjustment_id=x", headers=B360_AUTH)
    assert response.status_code == 400 and response.get_json() == {"stock_adjustment_id": ["Enter a number."]}


lines = st.lists(
    st.fixed_dictionaries(
        {
            "product": st.sampled_from([163, 164, 165, 166]),
            "adjustment_type": st.sampled_from(["add", "set"]),
            "quantity": st.integers(0, 500),
        }
    ),
    min_size=1,
    max_size=4,
)


@settings(max_examples=examples(25), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from([9, 52, 61]), lines), min_size=1, max_size=5))
def test_stock_is_the_initial_stock_plus_every_adjustment(make_app, adjustments):
    client = make_app().test_client()
    initial = levels(client)
    expected = dict(initial)
    history = sum(t["quantity"] for t in get(client, "/inventory/stock_transactions/", limit=1000)["results"])
    for three_pl, adjustment in adjustments:
        assert adjust(client, adjustment, three_pl=three_pl).status_code == 201
        for line in adjustment:
            key = (three_pl, line["product"])
            expected[key] = (
                expected.get(key, 0) + line["quantity"] if line["adjustment_type"] == "add" else line["quantity"]
            )
    assert levels(client) == expected
    transactions = get(client, "/inventory/stock_transactions/", limit=1000)["results"]
    assert sum(t["quantity"] for t in transactions) - history == sum(expected.values()) - sum(initial.values())


@settings(max_examples=examples(20), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers(1, 7), st.integers(0, 9))
def test_walking_next_links_lists_every_product_once(client, limit, offset):
    for number in range(12 - len(get(client, "/products/", limit=100)["results"])):
        client.post(f"{B360}/products/", json={**PRODUCT, "sku": f"P{number}"}, headers=B360_AUTH)
    everything = [p["id"] for p in get(client, "/products/", limit=100)["results"]]
    seen, page = [], get(client, "/products/", limit=limit, offset=offset)
    while True:
        seen += [p["id"] for p in page["results"]]
        if page["next"] is None:
            break
        page = client.get(page["next"].removeprefix("http://localhost"), headers=B360_AUTH).get_json()
    assert seen == everything[offset:]


def test_three_pl_id_filters_as_the_docs_workflow_says(client):
    """The docs' workflow names `three_pl_id`; their example's next link uses `three_pl`."""
    both = [
        get(client, "/inventory/inventory_levels/", **{name: 52})["results"] for name in ("three_pl", "three_pl_id")
    ]
    assert both[0] == both[1] and {row["three_pl_id"] for row in both[0]} == {52}
    response = client.get(f"{B360}/inventory/inventory_levels/?three_pl_id=999", headers=B360_AUTH)
    assert response.status_code == 400 and list(response.get_json()) == ["three_pl_id"]


def test_a_repeated_filter_uses_its_last_value(client):
    rows = get(client, "/inventory/inventory_levels/", three_pl=[9, 52])["results"]
    assert {row["three_pl"] for row in rows} == {52}


def test_next_links_keep_every_value_of_a_repeated_parameter_and_limit_plus_two_is_two(client):
    body = client.get(
        f"{B360}/inventory/inventory_levels/?expand=product&expand=three_pl&limit=%2B2&three_pl=9", headers=B360_AUTH
    ).get_json()
    assert len(body["results"]) == 2 and isinstance(body["results"][0]["product"], dict)
    assert body["next"] == (
        f"http://localhost{B360}/inventory/inventory_levels/?expand=product&expand=three_pl&limit=2&offset=2&three_pl=9"
    )
