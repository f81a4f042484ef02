"""Request bodies more than one test module sends (imported by name, like support.py): each carrier's
documented examples, as its docs print them, and the bodies the tests make from them. Tests that
change one copy it first (`copy.deepcopy`, or `p2g_order_with`)."""

from __future__ import annotations

import copy

# --- Parcel2Go ----------------------------------------------------------------------------------

P2G_ORDER_EXAMPLE = {  # the docs' "Orders: creating an order"
    "Items": [
        {
            "Id": "9c2f14e4-eae2-47db-8e49-df2aba410268",
            "CollectionDate": "2021-12-13T14:22:14.2108186+00:00",
            "Service": "24h-example",
            "Upsells": [{"Type": "Sms"}],
            "Parcels": [
                {
                    "Id": "00000000-0000-0000-0000-000000000000",
                    "Height": 10,
                    "Length": 10,
                    "EstimatedValue": 100,
                    "Weight": 1,
                    "Width": 10,
                    "DeliveryAddress": {
                        "ContactName": "Test",
                        "Email": "test@test.com",
                        "Property": "11",
                        "Street": "Saville St",
                        "Town": "Malton",
                        "County": "North Yorkshire",
                        "Postcode": "YO17 7LL",
                        "CountryIsoCode": "GBR",
                        "CountryId": 0,
                    },
                    "ContentsSummary": "Slippers",
                }
            ],
            "CollectionAddress": {
                "ContactName": "John Doe",
                "Organisation": "",
                "Email": "j.doe@yahoo.com",
                "Phone": "07587569852",
                "Property": "1",
                "Street": "Raleigh Street",
                "Locality": "",
                "Town": "Scarborough",
                "County": "North Yorkshire",
                "Postcode": "YO12 7JZ",
                "CountryIsoCode": "GBR",
                "CountryId": 0,
                "SpecialInstructions": "",
            },
        }
    ],
    "CustomerDetails": {"Email": "j.doe@yahoo.com", "Forename": "John", "Surname": "Doe"},
}
P2G_ADDRESS = P2G_ORDER_EXAMPLE["Items"][0]["Parcels"][0]["DeliveryAddress"]


def _with_item(order: dict, **changes) -> dict:
    body = copy.deepcopy(order)
    body["Items"][0].update(copy.deepcopy(changes))
    return body


# The example as the default world takes it: a service it sells, a collection date still to come.
P2G_ORDER = _with_item(P2G_ORDER_EXAMPLE, CollectionDate="2030-12-13T14:22:14.2108186+00:00", Service="dpd-next-day")


def p2g_order_with(**changes) -> dict:
    """A copy of P2G_ORDER with its item's fields changed (Upsells=[], Service=...)."""
    return _with_item(P2G_ORDER, **changes)


P2G_QUOTE_PARCEL = {"Value": 100, "Weight": 1, "Length": 10, "Width": 10, "Height": 10}  # a quote's parcel


# --- Borderless360 ------------------------------------------------------------------------------

B360_OUTBOUND_EXAMPLE = {  # the docs' "Create an outbound order"
    "destination_address": {
        "full_name": "John Galt",
        "email": "test@example.com",
        "company": "My Company",
        "phone": "2312312",
        "address_1": "Street1",
        "address_2": "Street2",
        "state": "VIC",
        "city": "Melbourne",
        "postal_code": "3000",
        "country": "AU",
    },
    "source": "API",
    "order_type": "in_store",
    "order_items": [{"sku": "CHOCO", "quantity": 1, "customs_value": "23", "customs_value_currency": "AUD"}],
    "customer_reference": "REF50369",
    "courier_reference": "Free shipping",
    "notes": "Please, ship this order asap",
}
B360_ASN_EXAMPLE = {  # the docs' "Create an inbound order (ASN)"
    "source_address": {
        "full_name": "Test Company",
        "company": "Test Company",
        "phone": "1234567",
        "email": "test@example.com",
        "address_1": "Test1",
        "address_2": "Test2",
        "address_3": "",
        "postal_code": "3000",
        "city": "MELBOURNE",
        "district": "",
        "state": "Victoria",
        "country": "AU",
    },
    "customs": {"reason_of_export": "merchandise"},
    "fulfilment": {
        "packages": [
            {"quantity": 1, "length": "100", "width": "100", "height": "100", "weight": "50.00", "package_type": "box"}
        ],
        "tracking_number": "123",
    },
    "order_items": [
        {"sku": "product1", "quantity": 1, "order_item_type": "single"},
        {"sku": "product2", "quantity": 1, "quantity_per_item": 10, "order_item_type": "carton"},
    ],
    "asn_details": {"eta_date": "2021-10-06"},
    "three_pl": "IN STORE 3PL",
}
B360_PRODUCT_EXAMPLE = {  # the docs' "Create product"
    "country_of_manufacture": "BE",
    "customs_description": "New product",
    "customs_value_source": "declared_price",
    "declared_price": "10",
    "height": "3",
    "hs_code": "",
    "image": "https://gv-dev-media.s3.amazonaws.com/media/product/images/2021/10/11/"
    "58cf074365e343fa904a1ab94c7e86bf.png",
    "inventory_levels": [],
    "length": "5",
    "local_customs_description": "New product",
    "retail_price": "10",
    "safety_stock": 10,
    "sku": "new_test_prod",
    "tax_code": "",
    "title": "New test product",
    "weight": 0.5,
    "wholesale_price": "10",
    "width": "2",
}

# --- BEX ----------------------------------------------------------------------------------------

BEX_SHIPMENT = {  # a quote's parcel and lanes, as the example client sends them
    "totalWeight": 2.5,
    "dimMass": 12000,
    "originSuburb": "Sandton",
    "originPostCode": "2196",
    "destinationSuburb": "Umhlanga",
    "destinationPostCode": "4319",
}
BEX_WAYBILL = {  # a waybill the default world takes, without its account number
    "serviceCode": "ONC",
    "sendersRef": "PO-9",
    "senderCompany": "Karoo Coffee",
    "senderSuburb": "Sandton",
    "receiverCompany": "Surf Shop",
    "receiverSuburb": "Umhlanga",
    "receiverContactName": "Priya Naidoo",
    "dimensions": [{"dimension1": 40, "dimension2": 30, "dimension3": 20, "weight": 6.5}],
}
BEX_TRACKING_HEADER = {  # the first row of every tree-view tracking answer ("Sample json tracking response")
    "id": 0,
    "dataTypeId": 4,
    "groupingIndex": -1,
    "headerName": "Tracking",
    "col1": "Date",
    "col2": "Waybill",
    "col3": "Senders Ref",
    "col4": "Tracking Description",
    "col5": "User",
    "internalRef": "Internal Ref",
}
BEX_NEXT_EVENTS = {  # a fixtures overlay (the docs' words): what happens next to a waybill, an event of each kind
    "waybills": {
        "BEX1000002": {
            "events": [
                {"at": "-20h", "type_id": 13, "description": "Shipment integrated to courier system", "user": "API"},
                {"at": "+1h", "note": "Customer will phone when home", "user": "CALL CENTRE"},
                {
                    "at": "+2h",
                    "type_id": 9,
                    "description": "Delivery attempt failed",
                    "user": "ANDILE ZULU",
                    "attempted": {"reason": "Wrong route", "comment": "driver"},
                },
                {
                    "at": "+3h",
                    "description": "Delivered to PRIYA NAIDOO",
                    "user": "PRIYA NAIDOO",
                    "delivered": {"signee": "PRIYA NAIDOO", "pieces": 2},
                },
            ]
        }
    }
}
