"""parcelLab's order status JSON, field for field as the docs' example shows it, and the widget
image. The reduced view (no API token and no valid `s`) leaves out every personal field: names,
email, postal code, the address's lines and the POD signature. A field the docs show as an object
or a list is always one (its fields null, or empty, when there is nothing to say)."""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Mapping

from mock_carriers.carriers.parcellab.model import FULL, ParcelLabModel
from mock_carriers.carriers.parcellab.records import Checkpoint, Order, Tracking
from mock_carriers.core.raster import text_png

ARTICLE_FIELDS = (
    "line_item_id",
    "product_id",
    "sku",
    "order_item_id",
    "article_name",
    "article_category",
    "article_store_url",
    "article_image_url",
    "article_brand",
    "size",
    "color",
    "width",
    "height",
    "length",
    "length_unit",
    "weight",
    "weight_unit",
    "unit_price",
    "quantity",
    "amount_invoiced",
    "origin_country_iso3",
    "is_bulky",
)
ADDRESS_FIELDS = (
    "first_name",
    "last_name",
    "company_name",
    "address_line",
    "address_line_extra",
    "postal_code",
    "city",
    "country_iso3",
    "region_code",
    "phone",
)
NO_STATUS = {
    "step": 0,
    "status_code": "",
    "status_text": "",
    "status_details": "",
    "lifecycle_status": "Pending",
    "delivery_extra_info": "",
    "exception_type": "",
    "event_timestamp": None,
    "next_action": "",
    "icon_hint": "",
}  # no checkpoint yet: the docs' defaults ("" texts, Pending)
WIDGET_SIZE = (480, 200)


def timestamp(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def day(moment: datetime | date | None) -> str | None:
    return None if moment is None else moment.isoformat()[:10]


def text(texts: Mapping[str, str], languages: list[str]) -> str:
    """The first language the status has: the one asked for, then the order's, then English."""
    return next((texts[lang] for lang in languages if lang in texts), "")


def languages(order: Order, lang: str | None) -> list[str]:
    """`lang` (default `en`), then the order's language, then English (the docs' fallbacks)."""
    lang = lang or "en"
    return [code.lower() for code in (lang, lang.split("-")[0]) if code] + [order.data.get("language", "en"), "en"]


def order_info(
    model: ParcelLabModel, order: Order, trackings: list[Tracking], level: str, lang: str | None, live: bool
) -> dict:
    full = level == FULL
    data, langs = order.data, languages(order, lang)
    return {
        "order_number": order.number,
        "client_key": data.get("client_key"),
        "order_date": timestamp(order.order_date),
        "recipient_name": data.get("recipient_name") if full else None,
        "recipient_email": data.get("recipient_email") if full else None,
        "destination_country_iso3": data.get("destination_country_iso3"),
        "trackings": [tracking(model, order, t, full, langs, live) for t in trackings],
    }


def tracking(model: ParcelLabModel, order: Order, found: Tracking, full: bool, langs: list[str], live: bool) -> dict:
    now = model.now()
    data, order_data = found.data_at(now), order.data
    seen = found.visible(now, live)
    courier = model.courier(data["courier"])
    statuses = [model.statuses[c.status] for c in seen]
    delivered = next((c for c in seen if model.statuses[c.status]["lifecycle"] == "Delivered"), None)
    announced = found.announced_after(seen)
    return {
        "tracking_number": data["tracking_number"],
        "courier_info": {
            "courier": data["courier"],
            "courier_name": courier["name"],
            "courier_tracking_url": courier["tracking_url"].format(tracking_number=data["tracking_number"]),
            "courier_reroute_url": courier["reroute_url"],
            "last_mile_courier": data["courier"],
            "last_mile_courier_name": courier["name"],
        },
        "last_delivery_status": _status(model, seen[-1], langs) if seen else dict(NO_STATUS),
        "delivery_location": seen[-1].location if seen else "",
        "is_delayed": any(s.get("exception") == "delay" for s in statuses),
        "is_exception": any("exception" in s for s in statuses),
        "is_return": bool(data.get("is_return")),
        "action_box": _action_box(announced if delivered is None else None),
        "recipient_name": order_data.get("recipient_name") if full else None,
        "recipient_email": order_data.get("recipient_email") if full else None,
        "destination_country_iso3": order_data.get("destination_country_iso3"),
        "recipient_postal_code": order_data.get("recipient_postal_code") if full else None,
        "identifiers_consignment": data["tracking_id"],
        "shipping_address": _address(order_data, full),
        "articles": [_article(article) for article in order_data.get("articles", [])],
        "additional_attributes": dict(data.get("additional_attributes") or {}),
        "announced_delivery_date": day(announced),
        "announced_delivery_date_min": day(announced),
        "pod_identifier": f"POD-{data['tracking_number']}" if delivered else None,
        "pod_signature": data.get("pod_signature") if delivered and full else None,
        "pod_date": day(delivered.at) if delivered else None,
        "timezone": "Europe/Berlin",
        "reporting_info": _reporting(model, seen, announced),
        "supports_live_refresh": True,
        "checkpoints": [
            _checkpoint(model, data["courier"], c, found.announced_after(seen[: index + 1]), langs)
            for index, c in enumerate(seen)
        ],
    }


def _address(order_data: Mapping, full: bool) -> dict:
    """The shipping address; in the reduced view only its country (the rest is personal)."""
    given = order_data.get("shipping_address") or {}
    address = {name: given.get(name) for name in ADDRESS_FIELDS}
    address["country_iso3"] = address["country_iso3"] or order_data.get("destination_country_iso3")
    return address if full else {name: address[name] if name == "country_iso3" else None for name in ADDRESS_FIELDS}


def _article(article: Mapping) -> dict:
    """An article as the docs show it: every documented field, `tags` and `additional_attributes`
    lists (empty when there are none), and any further property the retailer sent."""
    extra = {name: value for name, value in article.items() if name not in ARTICLE_FIELDS}
    return {
        "version": "v1",
        **{name: article.get(name) for name in ARTICLE_FIELDS},
        **extra,
        "tags": list(article.get("tags") or []),
        "additional_attributes": list(article.get("additional_attributes") or []),
    }


def _action_box(announced: date | None) -> dict:
    """The docs' action box; the mock has no action to offer (no parcel shop, no choice to make),
    so its texts are null and `raw` is the announced delivery window, if any."""
    return {
        "type": None,
        "label": None,
        "label_communication": None,
        "label_caption": None,
        "address": None,
        "opening_hours": [],
        "raw": {
            "earliest_date": day(announced),
            "latest_date": day(announced),
            "has_time": False,
            "earliest_time": None,
            "latest_time": None,
        },
    }


def _status(model: ParcelLabModel, checkpoint: Checkpoint, langs: list[str]) -> dict:
    status = model.statuses[checkpoint.status]
    return {
        "step": status["step"],
        "status_code": checkpoint.status,
        "status_text": text(status["text"], langs),
        "status_details": text(status["details"], langs),
        "lifecycle_status": status["lifecycle"],
        "delivery_extra_info": "",
        "exception_type": status.get("exception", ""),
        "event_timestamp": timestamp(checkpoint.at),
        "next_action": "",
        "icon_hint": status["icon"],
    }


def _checkpoint(
    model: ParcelLabModel, courier: str, checkpoint: Checkpoint, announced: date | None, langs: list[str]
) -> dict:
    """A checkpoint, with the delivery day announced as of it."""
    status = model.statuses[checkpoint.status]
    return {
        "step": status["step"],
        "courier": courier,
        "status_code": checkpoint.status,
        "event_timestamp": timestamp(checkpoint.at),
        "status_text": text(status["text"], langs),
        "status_details": text(status["details"], langs),
        "is_hidden": False,
        "location": checkpoint.location,
        "delivery_location_type": None,
        "delivery_extra_info": "",
        "estimated_delivery_date": {
            "start_date": day(announced),
            "end_date": day(announced),
            "start_time": None,
            "end_time": None,
        },
        "exception_type": status.get("exception", ""),
        "next_action": "",
    }


def _reporting(model: ParcelLabModel, seen: list[Checkpoint], announced: date | None) -> dict:
    def first(lifecycle: str) -> str | None:
        found = next((c for c in seen if model.statuses[c.status]["lifecycle"] == lifecycle), None)
        return timestamp(found.at) if found else None

    delivered = first("Delivered")
    late = announced is not None and delivered is None and model.now().date() > announced
    return {
        "is_forgotten": False,
        "is_delayed": late or any(model.statuses[c.status].get("exception") == "delay" for c in seen),
        "has_failed_attempt": False,
        "is_delayed_dispatch": False,
        "is_returned": False,
        "is_customer_promise_exceeded": late,
        "trending_late_probability": 1 if late else 0,
        "trending_late_status": "late" if late else "normal",
        "contacted_with_messages": [],
        "exception_messages": [],
        "in_transit_date": first("InTransit"),
        "pickup_date": first("InTransit"),
        "courier_dropoff_date": first("InTransit"),
        "delivery_date": delivered,
        "returned_date": None,
    }


def widget(model: ParcelLabModel, info: dict) -> bytes:
    """The order status as a picture: order, then each tracking's courier, status and date."""
    lines = [f"ORDER {info['order_number']}"]
    for found in info["trackings"]:
        status = found["last_delivery_status"] or {}
        lines += [
            "",
            f"{found['courier_info']['courier_name']} {found['tracking_number']}",
            f"STATUS: {status.get('status_text') or 'No information yet'}",
        ]
        if found["announced_delivery_date"]:
            lines.append(f"EXPECTED: {found['announced_delivery_date']}")
    size = (WIDGET_SIZE[0], max(WIDGET_SIZE[1], 40 + 20 * len(lines)))
    return text_png(lines, size, scale=2, margin=16)
