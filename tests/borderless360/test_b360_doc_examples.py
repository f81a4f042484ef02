"""Every example of Borderless360's public API document (the help-centre article "Borderless360 -
Public API"), sent as written and answered as documented in the default world: the status, and
each field of the documented answer with its JSON type. One test per example, named after the
document's section. Only the token is the mock's (and `{id}` placeholders name a fixture object).
"""

import copy

import pytest
from bodies import B360_ASN_EXAMPLE, B360_OUTBOUND_EXAMPLE, B360_PRODUCT_EXAMPLE
from doc_example_shapes import assert_shape
from support import B360, CarrierSandbox

HEADERS = {"Authorization": "Token mock-b360-token", "Content-Type": "application/json"}  # the docs' "Header"

ORDER_RESPONSE = {
    "id": 383487,
    "created": "2019-03-26T04:23:59.302315Z",
    "reference": "GVS0383487",
    "customer_reference": "REF50362",
    "order_type": "in_store",
    "actions": ["cancel"],
    "status": "draft",
    "status_display": "Draft",
    "state": "draft",
    "state_display": "Draft",
    "source": "API",
    "notes": "Please, ship this order asap",
    "client_id": 9,
    "source_address_id": 636463,
    "destination_address_id": 1015351,
    "fulfilment_id": 383502,
    "customs_id": 358843,
    "three_pl_id": 9,
}

RETURN_REQUEST = {
    "order_id": 0,
    "email": "user@example.com",
    "customer_reference": "ARM2393",
    "order_items": [{"sku": "string", "quantity": 0}],
    "notes": "string",
    "source": "string",
}

RETURN_RESPONSE = {
    "id": 0,
    "reference": "string",
    "created": "2021-11-02T09:21:31Z",
    "customer_reference": "string",
    "status": "draft",
    "destination_address": {
        "address_1": "string",
        "address_2": "string",
        "address_3": "string",
        "postal_code": "string",
        "city": "string",
        "district": "string",
        "state": "string",
        "country": "AF",
        "country_display": "string",
    },
    "fulfillments": [
        {
            "courier_service": {"service_name": "string"},
            "shipping_account": {"name": "string", "courier": {"logo": "http://example.com", "logo_colour": "string"}},
            "shipping_label": "http://example.com",
            "tracking_url": "string",
            "tracking_event": {
                "tracking_number": "string",
                "events": [
                    {
                        "event_time": "2021-11-02T09:21:31Z",
                        "message": "string",
                        "status": "pending",
                        "status_display": "string",
                        "location": {
                            "city": "string",
                            "country": "AF",
                            "country_display": "string",
                            "postcode": "string",
                            "state": "string",
                        },
                    }
                ],
            },
            "tracking_number": "string",
            "delivery_date": "2021-11-02T09:21:31Z",
            "estimated_delivery_date": "2021-11-02T09:21:31Z",
            "tracking_status": "",
            "tracking_status_display": "string",
        }
    ],
    "order_items": [{"id": 0, "quantity": 0, "title": "string", "image": "http://example.com", "sku": "string"}],
    "is_return": True,
    "is_return_action_available": "string",
}

TRACKING_WEBHOOK = {
    "order_id": 12345678,
    "order_reference": "GVS12345678",
    "order_customer_reference": "GVS12345678",
    "courier_name": "Royal Mail",
    "service_name": "Tracked24",
    "tracking_number": "XXXXXXXXXXXXXXXX",
    "tracking_status": "in_transit",
    "tracking_status_display": "In transit",
    "courier_tracking_url": "https://www.royalmail.com/business/track-your-item#/tracking-results/XXXXXXXXXXXXXXXX",
    "shipping_date": "2023-03-06T15:02:44.880639Z",
    "delivery_date": None,
    "tracking_event_id": 12345678,
    "tracking_event": {
        "eta": "2023-03-08T15:02:45.212958+00:00",
        "tracking_number": "XXXXXXXXXXXXXXXX",
        "events": [
            {
                "status": "in_transit",
                "event_time": "2023-03-06T19:30:25Z",
                "message": "Item Received",
                "location_id": 1,
                "location": {"city": None, "country": None, "postcode": None, "state": None, "country_display": ""},
            },
            {
                "status": "pending",
                "event_time": "2023-03-06T11:09:17Z",
                "message": "Sender preparing item",
                "location_id": 1,
                "location": {"city": None, "country": None, "postcode": None, "state": None, "country_display": ""},
            },
        ],
        "source_location_id": None,
        "destination_location_id": None,
    },
}

ORDER_WEBHOOK = {
    "id": 12345678,
    "state": "shipping",
    "source_address": {
        "id": 3540715,
        "full_name": "Borderless360",
        "company": "Borderless360",
        "phone": "+442038089103",
        "email": "",
        "address_1": "XXXXXXXXXXXX",
        "address_2": "XXXXXXXXXXXX",
        "address_3": "",
        "postal_code": "SS14 3EL",
        "district": "",
        "city": "Basildon",
        "state": "Essex",
        "country": "GB",
        "passport_urls": [],
        "passport_full_name": "",
        "passport_number": "",
        "gst": "",
    },
    "destination_address": {
        "id": 7472041,
        "full_name": "Fiona Roberts",
        "company": "Fiona Roberts",
        "phone": "XXXXXXXXXXXX",
        "email": "XXXXXXXXXXXX",
        "address_1": "XXXXXXXXXXXX",
        "address_2": "",
        "address_3": "",
        "postal_code": "HD6 3SW",
        "district": "",
        "city": "Brighouse",
        "state": "West Yorkshire",
        "country": "GB",
        "passport_urls": [],
        "passport_full_name": "",
        "passport_number": "",
        "gst": "",
    },
    "fulfilment": 12345678,
    "reference": "GVS12345678",
    "customer_reference": "#12345678",
    "courier_reference": "Standard Shipping",
    "order_type": "in_store",
    "source_integration": None,
    "notes": "",
    "source": "API",
    "order_items": [
        {
            "id": 8579178,
            "fulfilment": None,
            "quantity": 1,
            "reserved_stock": 1,
            "quantity_per_item": 1,
            "order_item_type": "single",
            "product": {
                "id": 187776,
                "title": "Camping",
                "image": None,
                "product_type": "single",
                "sku": "SKU",
                "barcode": "731788632397",
                "weight": "1.000",
                "width": "1.000",
                "height": "1.000",
                "length": "1.000",
                "country_of_manufacture": "AU",
                "country_of_manufacture_display": "Australia",
                "hs_code": "63014090",
                "tax_code": "",
                "customs_description": "Apparel",
                "local_customs_description": "Apparel",
                "declared_price": "1.00",
                "wholesale_price": "1.00",
                "retail_price": "1.00",
                "customs_value": "1.00",
                "customs_value_source": "declared_price",
                "customs_value_source_display": "Declared price",
                "safety_stock": 0,
                "tags": [],
            },
            "customs_value": "1.00",
            "customs_value_currency": "USD",
            "product_id": 187776,
        }
    ],
    "original_date": None,
    "is_return": False,
    "tags": [],
    "source_address_id": 3540715,
    "destination_address_id": 7472041,
    "fulfillments": [
        {
            "id": 3903781,
            "manifest_id": 2982256,
            "order": 3842703,
            "packages": [{"id": 5129162, "length": 10, "width": 10, "height": 10, "weight": "1.000"}],
            "created": "2023-03-06T23:46:05.377707Z",
            "tracking_number": "XXXXXXXXXXXXXXX",
            "tracking_status": "pending",
            "shipping_label": "",
            "receiving_label": None,
            "commercial_invoice": None,
            "packing_slip": "",
            "tracking_url": "",
            "courier_tracking_url": "",
            "shipping_config": {},
            "courier_service": {
                "id": 584,
                "state": "enabled",
                "courier": {
                    "id": 380,
                    "name": "Royal Mail (B360 Basildon)",
                    "logo": "https://gv-media.s3.amazonaws.com/media/courier/logos/2022/8/18/16700d8de40e41439308fb2211d607d9.png",
                    "tracking_url": "https://www.globaleco.app/track/{tracking_number}",
                    "integration": "hermes_international",
                    "logo_colour": "transparent",
                },
                "service_name": "48 hours ex Basildon",
                "service_code": "TR48_PAR",
                "courier_id": 380,
            },
        }
    ],
    "customs_id": 1978973,
}

PALLETS = [{"length": "10", "width": "10", "height": "10", "weight": "1.23", "quantity": 1, "package_type": "pallet"}]
CONTAINERS = [{"weight": "1.00", "quantity": 1, "package_type": "container", "container_type": "ft20_pallet"}]
SINGLES_AND_CARTONS = [
    {"sku": "product1", "quantity": 1, "order_item_type": "single"},
    {"sku": "product2", "quantity": 1, "quantity_per_item": 10, "order_item_type": "carton"},
]
THREE_PLS_RESPONSE = {
    "count": 7,
    "next": None,
    "previous": None,
    "results": [
        {"company_name": "Dallas", "country": "US", "id": 52, "is_inventory_enabled": True, "preferences_id": 147}
    ],
}
PRODUCT = {
    "id": 163,
    "client": 3,
    "title": "Kangaroo toy",
    "image": "https://gv-media.s3.amazonaws.com/media/media/product/images/2018/6/7/"
    "705a679130d5461d95c6901fb376d680.jpg",
    "product_type": "",
    "sku": "WAG4628",
    "barcode": "",
    "width": "5.000",
    "length": "5.000",
    "height": "5.000",
    "weight": "0.500",
    "country_of_manufacture": "AU",
    "country_of_manufacture_display": "Australia",
    "hs_code": "23091020",
    "tax_code": "",
    "customs_description": "Dog toy",
    "local_customs_description": "宠物玩具",
    "state": "valid",
    "state_display": "Valid",
    "declared_price": "44.99",
    "wholesale_price": "44.99",
    "retail_price": "44.99",
    "customs_value": "44.99",
    "customs_value_source": "declared_price",
    "customs_value_source_display": "Declared price",
    "source": [],
    "client_id": 3,
}
INVENTORY_RESPONSE = {
    "count": 79,
    "next": " https://api.borderless360.com/api/v1/public_api/inventory/inventory_levels/"
    "?expand=product&limit=20&offset=20&three_pl=9",
    "previous": None,
    "results": [
        {"id": 17091, "three_pl": 9, "product": PRODUCT, "stock_quantity": 6, "product_id": 163, "three_pl_id": 9}
    ],
}
ADJUSTMENT = {"id": 2412, "three_pl": 52, "reference": "", "comment": "", "three_pl_id": 52}
ADJUSTMENTS_RESPONSE = {"count": 11, "next": None, "previous": None, "results": [ADJUSTMENT]}
ADJUSTMENT_REQUEST = {
    "three_pl": 11,
    "reference": "r1",
    "comment": "comment",  # the docs' sample, its commas mended
    "lines": [{"product": 12345, "adjustment_type": "add", "quantity": 6}],
}
TRANSACTIONS_RESPONSE = {
    "count": 1172,
    "next": "https://api.borderless360.com/api/v1/public_api/inventory/stock_transactions/?limit=20&offset=20",
    "previous": None,
    "results": [
        {
            "id": 4569493,
            "content_type": "order",
            "object_id": 2438497,
            "content_object": 2438497,
            "inventory_level": 18875,
            "quantity": 1,
            "current_quantity": 9981,
            "created": "2022-05-27T03:46:58.972450Z",
            "inventory_level_id": 18875,
        }
    ],
}
SERIAL_NUMBERS = [
    {
        "id": 1,
        "order": 3956,
        "product_sku": "SKU1",
        "serial_number": "132432492_ABC",
        "created": "2024-10-28T15:02:46.774418Z",
        "modified": "2024-10-28T15:02:46.774418Z",
    },
    {
        "id": 2,
        "order": 3956,
        "product_sku": "SKU2",
        "serial_number": "FJSD_3434",
        "created": "2024-10-28T15:02:47.774418Z",
        "modified": "2024-10-28T15:02:47.774418Z",
    },
]
API = "https://api.borderless360.com/api/v1/public_api"


def send(client, method, url, body=None, headers=HEADERS):
    """The request as the docs write it: their absolute URL, answered by the mock at its path."""
    path = B360 + url.removeprefix(API)
    return client.open(path, method=method, headers=headers, json=body)


def answered(client, method, url, documented, status=200, body=None):
    """The example sent (`send`): the documented status, and the documented answer's every field with
    its JSON type. Answers the body."""
    response = send(client, method, url, body)
    assert response.status_code == status, response.get_json()
    assert_shape(documented, response.get_json())
    return response.get_json()


# Inbound and outbound orders


def test_create_an_outbound_order(client):
    answered(client, "POST", f"{API}/orders/", ORDER_RESPONSE, 201, B360_OUTBOUND_EXAMPLE)


@pytest.mark.parametrize("method", ["PUT", "PATCH"])
def test_available_requests_to_create_and_edit_the_order(client, method):
    answered(client, method, f"{API}/orders/383495/", ORDER_RESPONSE, body=B360_OUTBOUND_EXAMPLE)  # {id}: a draft


def test_create_an_inbound_order_asn(client):
    order = answered(client, "POST", f"{API}/orders/", ORDER_RESPONSE, 201, B360_ASN_EXAMPLE)
    assert order["order_type"] == "asn" and order["three_pl_id"] == 9


@pytest.mark.parametrize("packages", [PALLETS, CONTAINERS], ids=["pallets", "containers"])
def test_providing_containers_parcels_pallets(client, packages):
    body = copy.deepcopy(B360_ASN_EXAMPLE)
    body["fulfilment"]["packages"] = packages
    answered(client, "POST", f"{API}/orders/", ORDER_RESPONSE, 201, body)


def test_specifying_products_as_singles_cartons(client):
    response = send(client, "POST", f"{API}/orders/", {**B360_ASN_EXAMPLE, "order_items": SINGLES_AND_CARTONS})
    assert response.status_code == 201
    items = send(client, "GET", f"{API}/orders/{response.get_json()['id']}/?expand=order_items").get_json()
    assert [(i["quantity"], i["quantity_per_item"], i["order_item_type"]) for i in items["order_items"]] == [
        (1, 1, "single"),
        (1, 10, "carton"),
    ]


@pytest.mark.parametrize("order_id", ["383487", "383499"], ids=["outbound", "inbound"])
def test_get_an_order_inbound_and_outbound(client, order_id):
    answered(client, "GET", f"{API}/orders/{order_id}/", ORDER_RESPONSE)


# Return order, cancel order


def test_return_order(client):
    answered(client, "POST", f"{API}/order/return/", RETURN_RESPONSE, 201, RETURN_REQUEST)


def test_cancel_order(client):
    response = send(client, "POST", f"{API}/orders/3957/cancel/")  # "change 3957 to your order ID"
    assert response.status_code == 200 and response.get_json()["state"] == "cancelled"


# Products API


def test_create_product(client):
    response = send(client, "POST", f"{API}/products/", B360_PRODUCT_EXAMPLE)
    assert response.status_code == 201
    assert_shape({key: value for key, value in PRODUCT.items() if key != "image"}, response.get_json())
    assert response.get_json()["image"] == B360_PRODUCT_EXAMPLE["image"]


def test_retrieve_products(client):
    response = send(client, "GET", f"{API}/products/")
    assert response.status_code == 200 and response.get_json()["results"]
    for product in response.get_json()["results"]:
        assert_shape(PRODUCT, product)


# Three PL API (warehouses)


def test_three_pl_api_warehouses(client):
    response = client.get(
        "/api/v1/public_api/three_pl/three_pls/?limit=999",  # as written, to the docs' Host
        headers={"Host": "api.borderless360.com", "Authorization": "Token mock-b360-token"},
    )
    assert response.status_code == 200
    assert_shape(THREE_PLS_RESPONSE, response.get_json())


# Inventory API


def test_inventory_api_retrieve_all_available_stock_for_a_3pl(client):
    response = send(client, "GET", f"{API}/inventory/inventory_levels/?expand=product&three_pl=9")
    assert response.status_code == 200 and response.get_json()["results"]
    assert_shape(INVENTORY_RESPONSE, response.get_json())
    followed = client.get(response.get_json()["next"] or response.request.url, headers=HEADERS)
    assert followed.status_code == 200  # "go through every page via the next URL"


def test_inventory_api_filters_by_three_pl_id(client):
    response = send(client, "GET", f"{API}/inventory/inventory_levels/?three_pl_id=9")
    assert response.status_code == 200 and {row["three_pl_id"] for row in response.get_json()["results"]} == {9}


def test_stock_adjustment_list(client):
    assert answered(client, "GET", f"{API}/inventory/stock_adjustments/", ADJUSTMENTS_RESPONSE)["results"]


def test_new_stock_adjustments_sample_request(client):
    answered(client, "POST", f"{API}/inventory/stock_adjustments/", ADJUSTMENT, 201, ADJUSTMENT_REQUEST)


def test_stock_adjustments_filtered_by_creation_date(client):
    url = f"{API}/inventory/stock_adjustments/?date_from=2022-06-06T15:33:00Z"
    assert answered(client, "GET", url, ADJUSTMENTS_RESPONSE)["results"]


def test_stock_adjustment(client):
    response = send(client, "GET", f"{API}/inventory/stock_adjustments/2412/")  # {id}: the docs' own 2412
    assert response.status_code == 200 and response.get_json() == ADJUSTMENT


def test_stock_transactions_for_a_particular_stock_adjustment(client):
    url = f"{API}/inventory/stock_transactions/?stock_adjustment_id=12345"
    assert answered(client, "GET", url, TRANSACTIONS_RESPONSE)["results"]


def test_all_stock_transactions(client):
    assert answered(client, "GET", f"{API}/inventory/stock_transactions/", TRANSACTIONS_RESPONSE)["results"]


# Serial numbers


def test_how_to_retrieve_serial_numbers_for_a_specific_order(client):
    response = send(client, "GET", f"{API}/orders/3956/serial_numbers/")  # {order_id}: the docs' example's order
    assert response.status_code == 200
    assert [(s["product_sku"], s["serial_number"]) for s in response.get_json()][::2] == [
        (s["product_sku"], s["serial_number"]) for s in SERIAL_NUMBERS
    ]
    assert_shape(SERIAL_NUMBERS, response.get_json())


def test_how_to_retrieve_serial_numbers_for_multiple_orders(client):
    response = send(
        client,
        "GET",
        f"{API}/orders/orders_serial_numbers/?created_from=2024-10-01T15%3A02%3A46.774418Z"
        "&created_to=&modified_from=&modified_to=&search=680",
    )
    assert response.status_code == 200 and response.get_json()
    assert_shape(SERIAL_NUMBERS, response.get_json())


# Webhooks: what Borderless360 sends


@pytest.fixture
def deliveries(live_server, webhook_sink):
    admin = CarrierSandbox(live_server(), "borderless360")
    admin.subscribe(webhook_sink.url)
    admin.clock.freeze()
    admin.clock.advance("1d7h")  # the walking order ships, goes out for delivery, is delivered
    return [post.json() for post in webhook_sink.posts()]


def test_webhooks_sample_payload_for_tracking_updates(deliveries):
    tracking = [body for body in deliveries if "tracking_event" in body]
    assert [body["tracking_status"] for body in tracking] == ["in_transit", "out_for_delivery", "delivered"]
    for body in tracking:
        assert_shape(TRACKING_WEBHOOK, body)


def test_webhooks_detailed_order_information(deliveries):
    orders = [body for body in deliveries if "tracking_event" not in body]
    assert [body["state"] for body in orders] == ["packed", "shipping", "shipping", "delivered"]
    for body in orders:
        assert_shape(ORDER_WEBHOOK, body)
