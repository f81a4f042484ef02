"""Orders: outbound and inbound creation, edits, expand, lists, cancel, the walk on the clock with
tracking and stock, returns and serial numbers. A rejected request changes nothing."""

import copy

import pytest
from bodies import B360_ASN_EXAMPLE, B360_OUTBOUND_EXAMPLE
from support import B360, B360_AUTH, B360_OTHER, sandbox

OUTBOUND = B360_OUTBOUND_EXAMPLE
INBOUND = {
    **B360_ASN_EXAMPLE,
    "order_items": [
        {"sku": "WAG4628", "quantity": 1, "order_item_type": "single"},
        {"sku": "CHOCO", "quantity": 1, "quantity_per_item": 10, "order_item_type": "carton"},
    ],
    "order_type": "asn",
    "customer_reference": "ASN-2001",
}
ORDER_KEYS = {
    "id",
    "created",
    "reference",
    "customer_reference",
    "order_type",
    "actions",
    "status",
    "status_display",
    "state",
    "state_display",
    "source",
    "notes",
    "client_id",
    "source_address_id",
    "destination_address_id",
    "fulfilment_id",
    "customs_id",
    "three_pl_id",
}


def create(client, body=OUTBOUND, headers=B360_AUTH):
    return client.post(f"{B360}/orders/", json=body, headers=headers)


def get(client, path, **query):
    response = client.get(f"{B360}{path}", query_string=query, headers=B360_AUTH)
    assert response.status_code == 200, response.data
    return response.get_json()


def stock(client, three_pl=9) -> dict:
    rows = get(client, "/inventory/inventory_levels/", limit=1000, three_pl=three_pl)["results"]
    return {row["product_id"]: row["stock_quantity"] for row in rows}


def test_create_an_outbound_order_as_documented(client):
    response = create(client)
    assert response.status_code == 201
    order = response.get_json()
    assert set(order) == ORDER_KEYS
    assert order["reference"] == f"GVS{order['id']:07d}" and order["actions"] == ["cancel"]
    assert (order["status"], order["status_display"], order["state"], order["state_display"]) == (
        "draft",
        "Draft",
        "draft",
        "Draft",
    )
    assert order["client_id"] == 9 and order["three_pl_id"] == 9
    assert order["created"].endswith("Z")
    assert get(client, f"/orders/{order['id']}/") == order


def test_an_outbound_order_leaves_from_its_warehouse(client):
    """The docs' create response has a source_address_id, and their full order a warehouse source address."""
    order = create(client).get_json()
    assert order["source_address_id"] == 636463  # the IN STORE 3PL's own address, which "Free shipping" ships from
    source = get(client, f"/orders/{order['id']}/", expand="source_address")["source_address"]
    assert source["id"] == 636463 and source["city"] == "Docklands" and source["full_name"] == "IN STORE 3PL"
    own = {"full_name": "Sender", "address_1": "1 Own St", "city": "Geelong", "country": "AU"}
    sent = create(client, {**OUTBOUND, "customer_reference": "OWN-1", "source_address": own}).get_json()
    assert sent["source_address_id"] not in (None, 636463)
    assert get(client, f"/orders/{sent['id']}/", expand="source_address")["source_address"]["city"] == "Geelong"


def test_create_an_inbound_order(client):
    response = create(client, INBOUND)
    assert response.status_code == 201
    order = response.get_json()
    assert order["order_type"] == "asn" and order["three_pl_id"] == 9 and order["source_address_id"] is not None
    expanded = get(client, f"/orders/{order['id']}/", expand="fulfillments,customs,three_pl")
    assert expanded["customs"]["reason_of_export"] == "merchandise"
    assert expanded["fulfillments"][0]["packages"][0]["weight"] == "50.000"
    assert expanded["three_pl"]["company_name"] == "IN STORE 3PL"


def test_expand_combines_nested_objects(client):
    plain = get(client, "/orders/383487/")
    both = get(client, "/orders/383487/", expand="destination_address,order_items")
    assert set(both) == set(plain) | {"destination_address", "order_items"}
    assert both["destination_address"]["country_display"] == "Australia"
    assert both["order_items"][0]["product"]["sku"] == "WAG4628" and both["order_items"][0]["customs_value"] == "23.00"
    assert set(get(client, "/orders/383487/", expand="nonsense")) == set(plain)


def test_list_orders_newest_first_with_filters(client):
    created = create(client).get_json()
    listed = get(client, "/orders/")
    assert listed["count"] == 8 and listed["results"][0]["id"] == created["id"]
    assert get(client, "/orders/", customer_reference="REF50362")["results"][0]["id"] == 383487
    assert {o["id"] for o in get(client, "/orders/", order_type="asn")["results"]} == {383499}
    assert get(client, "/orders/", limit=2)["next"].endswith("/orders/?limit=2&offset=2")
    assert create(client, {**OUTBOUND, "customer_reference": "X"}, headers=B360_OTHER).status_code == 400


@pytest.mark.parametrize(
    "changes, errors",
    [
        (
            {"customer_reference": "REF50362"},
            {"customer_reference": ["order with this customer reference already exists."]},
        ),
        (
            {"order_items": [{"sku": "NOPE-404", "quantity": 1}]},
            {"order_items": [{"sku": ["Object with sku=NOPE-404 does not exist."]}]},
        ),
        (
            {"order_items": [{"sku": "OTHER-1", "quantity": 1}]},
            {"order_items": [{"sku": ["Object with sku=OTHER-1 does not exist."]}]},
        ),
        (
            {"order_items": [{"sku": "CHOCO", "quantity": 0}]},
            {"order_items": [{"quantity": ["Ensure this value is greater than or equal to 1."]}]},
        ),
        ({"order_items": []}, {"order_items": {"non_field_errors": ["This list may not be empty."]}}),
        (
            {
                "order_items": [
                    {"sku": "CHOCO", "quantity": 1, "customs_value_currency": "AUD"},
                    {"sku": "WAG4628", "quantity": 1, "customs_value_currency": "USD"},
                ]
            },
            {"order_items": ["The currency must be the same across all ordered items."]},
        ),
        ({"order_type": "express"}, {"order_type": ['"express" is not a valid choice.']}),
        ({"destination_address": None}, {"destination_address": ["This field may not be null."]}),
        (
            {"destination_address": {"full_name": "A"}},
            {
                "destination_address": {
                    "address_1": ["This field is required."],
                    "city": ["This field is required."],
                    "country": ["This field is required."],
                }
            },
        ),
        (
            {"destination_address": {**OUTBOUND["destination_address"], "country": "Australia", "email": "nope"}},
            {
                "destination_address": {
                    "email": ["Enter a valid email address."],
                    "country": ['"Australia" is not a valid choice.'],
                }
            },
        ),
        ({"courier_reference": "Teleport"}, {"courier_reference": ['Shipping option "Teleport" does not exist.']}),
    ],
)
def test_rejected_orders_change_nothing(client, changes, errors):
    before_stock, before_count = stock(client), get(client, "/orders/")["count"]
    response = create(client, {**OUTBOUND, **changes})
    assert response.status_code == 400 and response.get_json() == errors
    assert stock(client) == before_stock and get(client, "/orders/")["count"] == before_count
    assert create(client).status_code == 201  # its customer_reference was not taken either


def test_required_fields_of_each_order_type(client):
    missing = {key: value for key, value in OUTBOUND.items() if key not in ("destination_address", "courier_reference")}
    assert create(client, missing).get_json() == {
        "destination_address": ["This field is required."],
        "courier_reference": ["This field is required."],
    }
    inbound = {key: value for key, value in INBOUND.items() if key != "three_pl"}
    assert create(client, inbound).get_json() == {"three_pl": ["This field is required."]}
    unknown = create(client, {**INBOUND, "three_pl": "Atlantis"}).get_json()
    assert unknown == {"three_pl": ["Object with company_name=Atlantis does not exist."]}
    assert create(client, {}).get_json() == {"order_items": ["This field is required."]}


def test_an_order_without_type_or_customer_reference(client):
    """The docs' ASN example has neither: a 3PL or ASN details make it inbound, and its own
    reference is its customer reference."""
    inbound = {key: value for key, value in INBOUND.items() if key not in ("order_type", "customer_reference")}
    order = create(client, inbound).get_json()
    assert order["order_type"] == "asn" and order["customer_reference"] == order["reference"]
    outbound = {key: value for key, value in OUTBOUND.items() if key not in ("order_type", "customer_reference")}
    second = create(client, outbound).get_json()
    assert second["order_type"] == "in_store" and second["customer_reference"] == second["reference"]
    patched = client.patch(f"{B360}/orders/{second['id']}/", json={"notes": "n"}, headers=B360_AUTH).get_json()
    assert patched["customer_reference"] == second["reference"] and patched["order_type"] == "in_store"
    put = client.put(f"{B360}/orders/{second['id']}/", json=outbound, headers=B360_AUTH).get_json()
    assert put["customer_reference"] == second["reference"] and put["order_type"] == "in_store"


def test_put_replaces_and_patch_updates(client):
    order = create(client).get_json()
    url = f"{B360}/orders/{order['id']}/"
    patched = client.patch(url, json={"notes": "leave at the door"}, headers=B360_AUTH)
    assert patched.status_code == 200 and patched.get_json()["notes"] == "leave at the door"
    replaced = client.put(url, json={**OUTBOUND, "notes": "", "customer_reference": "REF-NEW"}, headers=B360_AUTH)
    assert replaced.status_code == 200 and replaced.get_json()["customer_reference"] == "REF-NEW"
    partial_put = client.put(url, json={"notes": "x"}, headers=B360_AUTH)
    assert partial_put.status_code == 400 and "order_items" in partial_put.get_json()
    taken = client.patch(url, json={"customer_reference": "REF50362"}, headers=B360_AUTH)
    assert taken.get_json() == {"customer_reference": ["order with this customer reference already exists."]}
    assert get(client, f"/orders/{order['id']}/")["customer_reference"] == "REF-NEW"


def test_a_shipped_order_can_no_longer_be_edited(client):
    response = client.patch(f"{B360}/orders/383487/", json={"notes": "x"}, headers=B360_AUTH)
    assert response.status_code == 400 and "can not be edited" in response.get_json()["detail"]


def test_cancel_only_while_cancel_is_an_action(client):
    clock = sandbox(client).clock
    order = create(client).get_json()
    cancelled = client.post(f"{B360}/orders/{order['id']}/cancel/", headers=B360_AUTH)
    assert cancelled.status_code == 200
    assert cancelled.get_json()["state"] == "cancelled" and cancelled.get_json()["actions"] == []
    again = client.post(f"{B360}/orders/{order['id']}/cancel/", headers=B360_AUTH)
    assert again.status_code == 400 and again.get_json() == {
        "detail": 'Action "cancel" is not available for an order in state "cancelled".'
    }
    clock.freeze()
    clock.advance("3d")
    assert get(client, f"/orders/{order['id']}/")["state"] == "cancelled"  # a cancelled order walks no further


@pytest.mark.parametrize("ident", ["999999", "abc", "²", "171"])
def test_unknown_orders_are_404(client, ident):
    response = client.get(f"{B360}/orders/{ident}/", headers=B360_AUTH)
    assert response.status_code == 404 and response.get_json() == {"detail": "Not found."}


def test_another_clients_order_is_not_found(client):
    assert client.get(f"{B360}/orders/383487/", headers=B360_OTHER).status_code == 404
    assert client.post(f"{B360}/orders/383495/cancel/", headers=B360_OTHER).status_code == 404


def test_an_outbound_order_walks_and_ships_its_stock(client):
    clock = sandbox(client).clock
    clock.freeze()
    before = stock(client)
    order = create(client, {**OUTBOUND, "order_items": [{"sku": "CHOCO", "quantity": 3}]}).get_json()
    states = []
    for step in ("31m", "2h", "2h", "20h", "6h"):
        clock.advance(step)
        states.append(get(client, f"/orders/{order['id']}/")["state"])
    assert states == ["processing", "packed", "shipping", "shipping", "delivered"]
    fulfilment = get(client, f"/orders/{order['id']}/", expand="fulfillments")["fulfillments"][0]
    assert fulfilment["tracking_number"].startswith("33QDB") and fulfilment["tracking_status"] == "delivered"
    assert stock(client)[164] == before[164] - 3 - 2  # the fixture's walking order ships 2 at +3h
    shipped = get(client, "/inventory/stock_transactions/")["results"][0]
    assert shipped["content_type"] == "order" and shipped["object_id"] == order["id"] and shipped["quantity"] == -3


def test_an_inbound_order_adds_its_stock_when_received(client):
    clock = sandbox(client).clock
    clock.freeze()
    before = stock(client)
    create(client, INBOUND)
    clock.advance("3d")
    after = stock(client)
    # this ASN (1 single, 1 carton of 10), the fixture's (10 singles, 2 cartons of 10), the walking order's 2 out
    assert after[163] == before[163] + 1 + 10 and after[164] == before[164] + 10 + 20 - 2
    assert get(client, "/orders/383499/")["state"] == "received"


def test_fixture_orders_are_where_their_timelines_say(client):
    assert get(client, "/orders/383487/")["state"] == "delivered"
    assert get(client, "/orders/383490/")["state"] == "processing"
    assert get(client, "/orders/383495/")["state"] == "draft"


def test_a_return_of_a_delivered_order(client):
    response = client.post(
        f"{B360}/order/return/",
        headers=B360_AUTH,
        json={
            "order_id": 383487,
            "email": "user@example.com",
            "customer_reference": "ARM2393",
            "order_items": [{"sku": "WAG4628", "quantity": 1}],
            "notes": "too big",
            "source": "API",
        },
    )
    assert response.status_code == 201
    body = response.get_json()
    assert body["is_return"] is True and body["status"] == "draft" and body["customer_reference"] == "ARM2393"
    assert body["destination_address"]["city"] == "Docklands" and body["destination_address"]["country_display"]
    fulfilment = body["fulfillments"][0]
    assert fulfilment["tracking_event"]["events"][0]["status"] == "pending"
    assert fulfilment["tracking_number"].startswith("33RTN")
    assert body["order_items"] == [
        {
            "id": body["order_items"][0]["id"],
            "quantity": 1,
            "title": "Kangaroo toy",
            "image": "https://media.mock-carriers.example/borderless360/products/WAG4628.png",
            "sku": "WAG4628",
        }
    ]
    assert fulfilment["shipping_account"]["courier"]["logo"].startswith("https://")
    label = client.get(fulfilment["shipping_label"].removeprefix("http://localhost"))
    assert label.status_code == 200 and label.data.startswith(b"%PDF") and body["reference"].encode() in label.data
    again = get(client, f"/orders/{body['id']}/", expand="fulfillments")["fulfillments"][0]
    assert again["shipping_label"] == fulfilment["shipping_label"]  # the label stays on the order
    assert again["courier_service"]["courier"]["logo"] == fulfilment["shipping_account"]["courier"]["logo"]


@pytest.mark.parametrize(
    "changes, errors",
    [
        ({"order_id": 383495}, {"non_field_errors": ["A return is not available for this order."]}),
        ({"order_id": 999}, {"order_id": ['Invalid pk "999" - object does not exist.']}),
        (
            {"order_items": [{"sku": "CHOCO", "quantity": 1}]},
            {"order_items": [{"sku": ["Object with sku=CHOCO is not in the order."]}]},
        ),
        (
            {"order_items": [{"sku": "WAG4628", "quantity": 2}]},
            {"order_items": [{"quantity": ["Ensure this value is less than or equal to 1."]}]},
        ),
        (
            {"customer_reference": "REF50362"},
            {"customer_reference": ["order with this customer reference already exists."]},
        ),
    ],
)
def test_rejected_returns(client, changes, errors):
    body = {
        "order_id": 383487,
        "customer_reference": "RET-1",
        "order_items": [{"sku": "WAG4628", "quantity": 1}],
        **changes,
    }
    response = client.post(f"{B360}/order/return/", json=body, headers=B360_AUTH)
    assert response.status_code == 400 and response.get_json() == errors
    assert get(client, "/orders/")["count"] == 7


def test_serial_numbers_appear_when_packed(client):
    clock = sandbox(client).clock
    clock.freeze()
    assert get(client, "/orders/383490/serial_numbers/") == []
    clock.advance("1h")
    [serial] = get(client, "/orders/383490/serial_numbers/")
    assert (
        serial["order"] == 383490 and serial["product_sku"] == "CAM-01" and serial["serial_number"] == "132432492_ABC"
    )
    order = create(client, {**OUTBOUND, "order_items": [{"sku": "CAM-01", "quantity": 2}]}).get_json()
    clock.advance("3h")
    numbers = [s["serial_number"] for s in get(client, f"/orders/{order['id']}/serial_numbers/")]
    assert numbers == [f"CAM-01-{order['id']}-001", f"CAM-01-{order['id']}-002"]


def test_serial_number_search_returns_a_bare_array(client):
    clock = sandbox(client).clock
    clock.freeze()
    clock.advance("1h")
    found = get(client, "/orders/orders_serial_numbers/", search="abc")
    assert [(s["order"], s["serial_number"]) for s in found] == [(3956, "132432492_ABC"), (383490, "132432492_ABC")]
    assert get(client, "/orders/orders_serial_numbers/", search="GVS0383490")[0]["order"] == 383490
    assert get(client, "/orders/orders_serial_numbers/", created_from="2999-01-01T00:00:00Z", created_to="") == []
    response = client.get(f"{B360}/orders/orders_serial_numbers/?modified_to=soon", headers=B360_AUTH)
    assert response.status_code == 400 and response.get_json() == {"modified_to": ["Enter a valid date/time."]}


def test_an_order_body_is_never_changed_by_the_mock(client):
    body = copy.deepcopy(OUTBOUND)
    create(client, body)
    assert body == OUTBOUND


def test_patching_part_of_an_address_keeps_the_rest(client):
    order = create(client).get_json()
    response = client.patch(
        f"{B360}/orders/{order['id']}/", json={"destination_address": {"city": "Sydney"}}, headers=B360_AUTH
    )
    assert response.status_code == 200
    address = get(client, f"/orders/{order['id']}/", expand="destination_address")["destination_address"]
    assert address["city"] == "Sydney" and address["full_name"] == "John Galt" and address["address_1"] == "Street1"


def test_an_inbound_order_keeps_its_own_tracking_number(client):
    assert get(client, "/orders/383499/", expand="fulfillments")["fulfillments"][0]["tracking_number"] == "123"
    order = create(client, INBOUND).get_json()
    assert get(client, f"/orders/{order['id']}/", expand="fulfillments")["fulfillments"][0]["tracking_number"] == "123"
    items = get(client, f"/orders/{order['id']}/", expand="order_items")["order_items"]
    assert [item["reserved_stock"] for item in items] == [0, 0]


@pytest.mark.parametrize(
    "path, body",
    [
        ("/products/", {"sku": "A", "title": "t", "weight": "1e999999999"}),
        (
            "/inventory/stock_adjustments/",
            {"three_pl": "1e999999999", "lines": [{"product": 163, "adjustment_type": "add", "quantity": 1}]},
        ),
        (
            "/order/return/",
            {"order_id": "1e999999999", "customer_reference": "R", "order_items": [{"sku": "A", "quantity": 1}]},
        ),
        ("/orders/", {**OUTBOUND, "order_items": [{"sku": "CHOCO", "quantity": "-1e999999999"}]}),
    ],
)
def test_numbers_with_huge_exponents_are_field_errors(client, path, body):
    response = client.post(f"{B360}{path}", json=body, headers=B360_AUTH)
    assert response.status_code == 400 and "detail" not in response.get_json()
