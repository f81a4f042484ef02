"""Borderless360's JSON shapes (carriers.md section 2.2 and the docs' examples): snake_case,
decimals as strings with their places ("5.000", "44.99"), times as DRF writes them
("2019-03-26T04:23:59.302315Z"), related objects as ids unless expanded."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal
from typing import AbstractSet, Any, Mapping

from mock_carriers.carriers.borderless360.model import Borderless360Model, Order, display
from mock_carriers.carriers.borderless360.stock import PRICE_SOURCES, Adjustment, Level, Product, Transaction

COUNTRY_NAMES = {
    "AU": "Australia",
    "US": "United States of America",
    "GB": "United Kingdom",
    "BE": "Belgium",
    "CN": "China",
    "NZ": "New Zealand",
    "DE": "Germany",
    "FR": "France",
    "JP": "Japan",
    "CA": "Canada",
    "IE": "Ireland",
    "SG": "Singapore",
}
EXPANDABLE = ("destination_address", "source_address", "order_items", "fulfillments", "customs", "three_pl")


def drf_time(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def decimal(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def country_display(code: str | None) -> str:
    return COUNTRY_NAMES.get(code or "", code or "")


def three_pl(row: Mapping[str, Any]) -> dict:
    return {key: row[key] for key in ("company_name", "country", "id", "is_inventory_enabled", "preferences_id")}


def product(item: Product) -> dict:
    data = item.data
    source = data.get("customs_value_source") or "declared_price"
    return {
        "id": item.id,
        "client": int(item.client),
        "title": data["title"],
        "image": data.get("image") or None,
        "product_type": "single",
        "sku": data["sku"],
        "barcode": data.get("barcode") or "",
        "width": decimal(data["width"]),
        "length": decimal(data["length"]),
        "height": decimal(data["height"]),
        "weight": decimal(data["weight"]),
        "country_of_manufacture": data.get("country_of_manufacture") or "",
        "country_of_manufacture_display": country_display(data.get("country_of_manufacture")),
        "hs_code": data.get("hs_code") or "",
        "tax_code": data.get("tax_code") or "",
        "customs_description": data.get("customs_description") or "",
        "local_customs_description": data.get("local_customs_description") or "",
        "state": "valid",
        "state_display": "Valid",
        "declared_price": decimal(data["declared_price"]),
        "wholesale_price": decimal(data["wholesale_price"]),
        "retail_price": decimal(data["retail_price"]),
        "customs_value": decimal(data[source]),
        "customs_value_source": source,
        "customs_value_source_display": PRICE_SOURCES[source],
        "source": [],
        "client_id": int(item.client),
        "created": drf_time(item.created),
        "safety_stock": data.get("safety_stock", 0),
        "tags": [],
    }


def level(model: Borderless360Model, row: Level, expand: AbstractSet[str]) -> dict:
    found = model.stock.products[row.product]
    return {
        "id": row.id,
        "three_pl": row.three_pl,
        "product": product(found) if "product" in expand else row.product,
        "stock_quantity": row.quantity,
        "product_id": row.product,
        "three_pl_id": row.three_pl,
    }


def adjustment(row: Adjustment) -> dict:
    return {
        "id": row.id,
        "three_pl": row.three_pl,
        "reference": row.reference,
        "comment": row.comment,
        "three_pl_id": row.three_pl,
    }


def transaction(row: Transaction) -> dict:
    return {
        "id": row.id,
        "content_type": row.content_type,
        "object_id": row.object_id,
        "content_object": row.object_id,
        "inventory_level": row.level.id,
        "quantity": row.quantity,
        "current_quantity": row.current_quantity,
        "created": drf_time(row.created),
        "inventory_level_id": row.level.id,
    }


SERIAL_FIELDS = ("id", "order", "product_sku", "serial_number")  # as stored; then its times, as DRF writes them


def serial(row: Mapping[str, Any]) -> dict:
    return {
        **{name: row[name] for name in SERIAL_FIELDS},
        "created": drf_time(row["created"]),
        "modified": drf_time(row["modified"]),
    }


def order(model: Borderless360Model, found: Order, expand: AbstractSet[str] = frozenset()) -> dict:
    """The order as create, update, get and cancel answer it; `expand` adds nested objects."""
    body = {
        "id": found.id,
        "created": drf_time(found.created),
        "reference": found.reference,
        "customer_reference": found.customer_reference,
        "order_type": found.order_type,
        "actions": found.actions,
        "status": found.state,
        "status_display": display(found.state),
        "state": found.state,
        "state_display": display(found.state),
        "source": found.data.get("source") or "",
        "notes": found.data.get("notes") or "",
        "client_id": int(found.client),
        "source_address_id": model.source_address(found)[0],
        "destination_address_id": found.ids["destination_address"],
        "fulfilment_id": found.ids["fulfilment"],
        "customs_id": found.ids["customs"],
        "three_pl_id": found.three_pl,
    }
    for name in EXPANDABLE:
        if name in expand:
            body[name] = _EXPANSIONS[name](model, found)
    return body


def address(model: Borderless360Model, found: Order, name: str, passport: bool = False) -> dict | None:
    """The order's source or destination address (the source: see `Borderless360Model.source_address`)."""
    if name == "source_address":
        address_id, data = model.source_address(found)
    else:
        address_id, data = found.ids[name], found.data.get(name)
    if not data:
        return None
    body = {
        "id": address_id,
        "full_name": data.get("full_name", ""),
        "company": data.get("company", ""),
        "phone": data.get("phone", ""),
        "email": data.get("email", ""),
        "address_1": data.get("address_1", ""),
        "address_2": data.get("address_2", ""),
        "address_3": data.get("address_3", ""),
        "postal_code": data.get("postal_code", ""),
        "district": data.get("district", ""),
        "city": data.get("city", ""),
        "state": data.get("state", ""),
        "country": data.get("country", ""),
        "country_display": country_display(data.get("country")),
    }
    if passport:
        del body["country_display"]
        body.update({"passport_urls": [], "passport_full_name": "", "passport_number": "", "gst": ""})
    return body


def order_item(model: Borderless360Model, item: Mapping[str, Any], outbound: bool = True) -> dict:
    reserved = item["quantity"] if outbound else 0  # an inbound order reserves nothing
    return {
        "id": item["id"],
        "fulfilment": None,
        "quantity": item["quantity"],
        "reserved_stock": reserved,
        "quantity_per_item": item["quantity_per_item"],
        "order_item_type": item["order_item_type"],
        "product": product(model.stock.products[item["product"]]),
        "customs_value": decimal(item["customs_value"]),
        "customs_value_currency": item["currency"],
        "product_id": item["product"],
    }


def fulfillment(model: Borderless360Model, found: Order) -> dict:
    option = model.shipping_option(found.shipping_option) or {}
    tracking_url = option.get("tracking_url", "").format(tracking_number=found.tracking_number or "")
    status = found.tracking[-1]["status"] if found.tracking else "pending"
    return {
        "id": found.ids["fulfilment"],
        "manifest_id": found.ids["fulfilment"] - 1000 if found.shipped_at else None,
        "order": found.id,
        "packages": _packages(found),
        "created": drf_time(found.created),
        "tracking_number": found.tracking_number or "",
        "tracking_status": status,
        "shipping_label": found.shipping_label,
        "receiving_label": None,
        "commercial_invoice": None,
        "packing_slip": "",
        "tracking_url": tracking_url if found.tracking_number else "",
        "courier_tracking_url": tracking_url if found.tracking_number else "",
        "shipping_config": {},
        "courier_service": {
            "id": option.get("service_id"),
            "state": "enabled",
            "courier": {
                "id": option.get("courier_id"),
                "name": option.get("courier", ""),
                "logo": option.get("logo"),
                "tracking_url": option.get("tracking_url", ""),
                "integration": option.get("integration", ""),
                "logo_colour": "transparent",
            },
            "service_name": option.get("service_name", ""),
            "service_code": option.get("service_code", ""),
            "courier_id": option.get("courier_id"),
        }
        if option
        else None,
    }


def _packages(found: Order) -> list[dict]:
    packages = (found.data.get("fulfilment") or {}).get("packages") or []
    return [
        {
            "id": found.ids["fulfilment"] * 10 + index,
            "length": _whole(p.get("length")),
            "width": _whole(p.get("width")),
            "height": _whole(p.get("height")),
            "weight": f"{Decimal(str(p['weight'])):.3f}",
        }
        for index, p in enumerate(packages, start=1)
    ]


def _whole(value: Any) -> int | float | None:
    """Package sides are integers in the docs' example (`"length": 10`), the weight a string."""
    if value is None:
        return None
    number = Decimal(str(value))
    return int(number) if number == number.to_integral_value() else float(number)


def _customs(model: Borderless360Model, found: Order) -> dict:
    customs = found.data.get("customs") or {}
    return {"id": found.ids["customs"], "reason_of_export": customs.get("reason_of_export", "")}


def _three_pl(model: Borderless360Model, found: Order) -> dict | None:
    row = model.three_pl(found.three_pl)
    return three_pl(row) if row else None


_EXPANSIONS = {
    "destination_address": lambda model, found: address(model, found, "destination_address"),
    "source_address": lambda model, found: address(model, found, "source_address"),
    "order_items": lambda model, found: [
        order_item(model, item, found.order_type == "in_store") for item in found.items
    ],
    "fulfillments": lambda model, found: [fulfillment(model, found)],
    "customs": _customs,
    "three_pl": _three_pl,
}


def full_order(model: Borderless360Model, found: Order) -> dict:
    """The detailed order webhooks send (the docs' second payload)."""
    return {
        "id": found.id,
        "state": found.state,
        "source_address": address(model, found, "source_address", passport=True),
        "destination_address": address(model, found, "destination_address", passport=True),
        "fulfilment": found.ids["fulfilment"],
        "reference": found.reference,
        "customer_reference": found.customer_reference,
        "courier_reference": found.shipping_option or "",
        "order_type": found.order_type,
        "source_integration": None,
        "notes": found.data.get("notes") or "",
        "source": found.data.get("source") or "",
        "order_items": [order_item(model, item, found.order_type == "in_store") for item in found.items],
        "original_date": None,
        "is_return": found.is_return,
        "tags": [],
        "source_address_id": model.source_address(found)[0],
        "destination_address_id": found.ids["destination_address"],
        "fulfillments": [fulfillment(model, found)],
        "customs_id": found.ids["customs"],
    }


def tracking_events(found: Order) -> list[dict]:
    """Newest first, as the docs' example lists them."""
    return [
        {
            "status": event["status"],
            "event_time": drf_time(event["at"]),
            "message": event["message"],
            "location_id": 1,
            "location": {"city": None, "country": None, "postcode": None, "state": None, "country_display": ""},
        }
        for event in reversed(found.tracking)
    ]


def tracking_update(model: Borderless360Model, found: Order) -> dict:
    """The tracking webhook (the docs' first payload)."""
    option = model.shipping_option(found.shipping_option) or {}
    status = found.tracking[-1]["status"] if found.tracking else "pending"
    return {
        "order_id": found.id,
        "order_reference": found.reference,
        "order_customer_reference": found.customer_reference,
        "courier_name": option.get("courier", ""),
        "service_name": option.get("service_name", ""),
        "tracking_number": found.tracking_number or "",
        "tracking_status": status,
        "tracking_status_display": display(status),
        "courier_tracking_url": option.get("tracking_url", "").format(tracking_number=found.tracking_number or ""),
        "shipping_date": drf_time(found.shipped_at),
        "delivery_date": drf_time(found.delivered_at),
        "tracking_event_id": found.ids["fulfilment"] + 7_000_000,
        "tracking_event": {
            "eta": found.eta.astimezone(timezone.utc).isoformat() if found.eta else None,
            "tracking_number": found.tracking_number or "",
            "events": tracking_events(found),
            "source_location_id": None,
            "destination_location_id": None,
        },
    }


def return_order(model: Borderless360Model, found: Order) -> dict:
    """What creating a return answers (the docs' example)."""
    option = model.shipping_option(found.shipping_option) or {}
    destination = found.data["destination_address"]
    events = [
        {
            "event_time": drf_time(e["at"]),
            "message": e["message"],
            "status": e["status"],
            "status_display": display(e["status"]),
            "location": {"city": None, "country": None, "country_display": "", "postcode": None, "state": None},
        }
        for e in reversed(found.tracking)
    ]
    return {
        "id": found.id,
        "reference": found.reference,
        "created": drf_time(found.created),
        "customer_reference": found.customer_reference,
        "status": found.state,
        "destination_address": {
            **{
                key: destination.get(key, "")
                for key in (
                    "address_1",
                    "address_2",
                    "address_3",
                    "postal_code",
                    "city",
                    "district",
                    "state",
                    "country",
                )
            },
            "country_display": country_display(destination.get("country")),
        },
        "fulfillments": [
            {
                "courier_service": {"service_name": option.get("service_name", "")},
                "shipping_account": {
                    "name": option.get("courier", ""),
                    "courier": {"logo": option.get("logo"), "logo_colour": "transparent"},
                },
                "shipping_label": found.shipping_label,
                "tracking_url": option.get("tracking_url", "").format(tracking_number=found.tracking_number),
                "tracking_event": {"tracking_number": found.tracking_number, "events": events},
                "tracking_number": found.tracking_number,
                "delivery_date": None,
                "estimated_delivery_date": None,
                "tracking_status": "pending",
                "tracking_status_display": "Pending",
            }
        ],
        "order_items": [
            {
                "id": item["id"],
                "quantity": item["quantity"],
                "title": model.stock.products[item["product"]].data["title"],
                "image": model.stock.products[item["product"]].data.get("image") or None,
                "sku": item["sku"],
            }
            for item in found.items
        ],
        "is_return": True,
        "is_return_action_available": "",
    }
