"""Every example of parcelLab's order status page (docs.parcellab.com, developers, status updates,
order status), sent as written and answered as documented in the default world: the status, and
each field of the documented answer with its JSON type. One test per example, named after the
page's section. Only the token is the mock's.

The page's two HTTP examples carry no query: every parameter in its table is optional, yet its
text says a lookup "Requires order_number and account" (or another of six sets). Sent exactly as
written they are answered as the text says: a 400 naming the missing lookup. Each documented
lookup set then answers 200 with the documented shape.
"""

import io

import pytest
from doc_example_shapes import assert_shape
from PIL import Image
from support import PL

HEADERS = {"Authorization": "Bearer mock-pl-token", "Accept": "*/*"}  # the examples' headers, our token

ORDER_INFO = {
    "order_number": "text",
    "client_key": "text",
    "order_date": "2025-10-12T10:59:49.175Z",
    "recipient_name": "text",
    "recipient_email": "text",
    "destination_country_iso3": "text",
    "trackings": [
        {
            "tracking_number": "text",
            "courier_info": {
                "courier": "text",
                "courier_name": "text",
                "courier_tracking_url": "text",
                "courier_reroute_url": "text",
                "last_mile_courier": "text",
                "last_mile_courier_name": "text",
            },
            "last_delivery_status": {
                "step": 1,
                "status_code": "text",
                "status_text": "",
                "status_details": "",
                "lifecycle_status": "Pending",
                "delivery_extra_info": "text",
                "exception_type": "text",
                "event_timestamp": "2025-10-12T10:59:49.175Z",
                "next_action": "text",
                "icon_hint": "text",
            },
            "delivery_location": "text",
            "is_delayed": False,
            "is_exception": False,
            "is_return": False,
            "action_box": {
                "type": "pickup-location",
                "label": "text",
                "label_communication": "text",
                "label_caption": "text",
                "address": "text",
                "opening_hours": [{"day": "mon", "open": "10:59:49", "close": "10:59:49"}],
                "raw": {
                    "earliest_date": "2025-10-12",
                    "latest_date": "2025-10-12",
                    "has_time": True,
                    "earliest_time": "text",
                    "latest_time": "text",
                },
            },
            "recipient_name": "text",
            "recipient_email": "text",
            "destination_country_iso3": "text",
            "recipient_postal_code": "text",
            "identifiers_consignment": "text",
            "shipping_address": {
                "first_name": "text",
                "last_name": "text",
                "company_name": "text",
                "address_line": "text",
                "address_line_extra": "text",
                "postal_code": "text",
                "city": "text",
                "country_iso3": "text",
                "region_code": "text",
                "phone": "text",
            },
            "articles": [
                {
                    "version": "v1",
                    "line_item_id": "text",
                    "product_id": "text",
                    "sku": "text",
                    "order_item_id": "text",
                    "article_name": "text",
                    "article_category": "text",
                    "article_store_url": "text",
                    "article_image_url": "text",
                    "article_brand": "text",
                    "size": "text",
                    "color": "text",
                    "width": 1,
                    "height": 1,
                    "length": 1,
                    "length_unit": "cm",
                    "weight": 1,
                    "weight_unit": "g",
                    "unit_price": "text",
                    "quantity": 1,
                    "amount_invoiced": "text",
                    "origin_country_iso3": "text",
                    "is_bulky": False,
                    "tags": ["text"],
                    "additional_attributes": [{"key": "text", "value": None}],
                    "ANY_ADDITIONAL_PROPERTY": "anything",
                }
            ],
            "additional_attributes": {"ANY_ADDITIONAL_PROPERTY": "anything"},
            "announced_delivery_date": "2025-10-12",
            "announced_delivery_date_min": "2025-10-12",
            "pod_identifier": "text",
            "pod_signature": "text",
            "pod_date": "2025-10-12",
            "timezone": "text",
            "reporting_info": {
                "is_forgotten": True,
                "is_delayed": True,
                "has_failed_attempt": True,
                "is_delayed_dispatch": True,
                "is_returned": True,
                "is_customer_promise_exceeded": True,
                "trending_late_probability": 1,
                "trending_late_status": "normal",
                "contacted_with_messages": ["text"],
                "exception_messages": ["text"],
                "in_transit_date": "2025-10-12T10:59:49.175Z",
                "pickup_date": "2025-10-12T10:59:49.175Z",
                "courier_dropoff_date": "2025-10-12T10:59:49.175Z",
                "delivery_date": "2025-10-12T10:59:49.175Z",
                "returned_date": "2025-10-12T10:59:49.175Z",
            },
            "supports_live_refresh": True,
            "checkpoints": [
                {
                    "step": 1,
                    "courier": "text",
                    "status_code": "text",
                    "event_timestamp": "2025-10-12T10:59:49.175Z",
                    "status_text": "text",
                    "status_details": "text",
                    "is_hidden": True,
                    "location": "text",
                    "delivery_location_type": "ParcelShop",
                    "delivery_extra_info": "text",
                    "estimated_delivery_date": {
                        "start_date": "2025-10-12",
                        "end_date": "2025-10-12",
                        "start_time": "10:59:49",
                        "end_time": "10:59:49",
                    },
                    "exception_type": "text",
                    "next_action": "text",
                }
            ],
        }
    ],
}


def documented(value):
    """The example without its `ANY_ADDITIONAL_PROPERTY` placeholders (any property may be there)."""
    if isinstance(value, dict):
        return {key: documented(item) for key, item in value.items() if key != "ANY_ADDITIONAL_PROPERTY"}
    if isinstance(value, list):
        return [documented(item) for item in value]
    return value


LOOKUPS = {  # "Primary lookup methods", as the page numbers them
    "1. order number": {"order_number": "ORD-1001", "account": 1612197},
    "1. order number and client key": {"order_number": "ORD-1001", "account": 1612197, "client": "shop-de"},
    "2. external order id": {"external_order_id": "8b3a5c52-1f0e-4a7a-9c1e-6d2f0a9e4b11", "account": 1612197},
    "3. external reference": {"external_reference": "REF-1001", "account": 1612197},
    "4. tracking number": {"tracking_number": "00340434161094042557", "courier": "dhl-germany"},
    "4. tracking number and account": {
        "tracking_number": "00340434161094042557",
        "courier": "dhl-germany",
        "account": 1612197,
    },
    "5. customer number": {"customer_number": "CUST-42", "account": 1612197},
    "6. recipient email": {"recipient_email": "anna.schmidt@mock-carriers.example", "account": 1612197},
    "tracking id": {"tracking_id": "5e1f0c2a9b3d4e5f6a7b8c9d"},
}


def test_order_status_information_as_written(client):
    response = client.get(f"{PL}/v4/track/orders/info/", headers=HEADERS)
    assert response.status_code == 400
    assert [(e["code"], e["attr"]) for e in response.get_json()["errors"]] == [("validation_error", None)]


@pytest.mark.parametrize("query", LOOKUPS.values(), ids=LOOKUPS.keys())
def test_order_status_information_primary_lookup_methods(client, query):
    response = client.get(f"{PL}/v4/track/orders/info/", query_string=query, headers=HEADERS)
    assert response.status_code == 200 and response.get_json()["order_number"] == "ORD-1001"
    assert_shape(documented(ORDER_INFO), response.get_json())


def test_order_status_information_optional_parameters(client):
    """ "All lookups can also include": postal_code, recipient_email, lang, s, live_refersh (sic)."""
    s = client.get("/__admin/namespaces/default").get_json()["carriers"]["parcellab"]["references"]["s:ORD-1001"]
    query = {
        "order_number": "ORD-1001",
        "account": 1612197,
        "postal_code": "10115",
        "recipient_email": "anna.schmidt@mock-carriers.example",
        "lang": "de",
        "s": s,
        "live_refersh": "true",
    }
    for headers in (HEADERS, {"Accept": "*/*"}):  # with the token, and as the recipient (no token, `s`)
        response = client.get(f"{PL}/v4/track/orders/info/", query_string=query, headers=headers)
        assert response.status_code == 200 and response.get_json()["recipient_name"] == "Anna Schmidt"
        assert response.get_json()["trackings"][0]["last_delivery_status"]["status_text"] == "Zugestellt"
        assert_shape(documented(ORDER_INFO), response.get_json())


def test_order_status_information_without_a_token_is_the_reduced_view(client):
    response = client.get(
        f"{PL}/v4/track/orders/info/", query_string=LOOKUPS["1. order number"], headers={"Accept": "*/*"}
    )
    assert response.status_code == 200 and response.get_json()["recipient_name"] is None
    assert_shape(documented(ORDER_INFO), response.get_json())


def test_order_status_widget_as_written(client):
    response = client.get(f"{PL}/v4/track/orders/info-widget/", headers=HEADERS)
    assert response.status_code == 400 and response.get_json()["errors"][0]["code"] == "validation_error"


@pytest.mark.parametrize("query", LOOKUPS.values(), ids=LOOKUPS.keys())
def test_order_status_widget_primary_lookup_methods(client, query):
    response = client.get(f"{PL}/v4/track/orders/info-widget/", query_string=query, headers=HEADERS)
    assert response.status_code == 200  # "Responsestring · binary": an image
    assert Image.open(io.BytesIO(response.data)).format == "PNG"
