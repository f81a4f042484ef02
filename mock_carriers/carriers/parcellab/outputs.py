"""parcelLab's order status JSON, field for field as the docs' example shows it, and the widget
image. The reduced view (no API token, but a valid `s`, email or postal code) leaves out every
personal field: names, email, postal code, address."""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Mapping

from mock_carriers.carriers.parcellab.model import FULL, Checkpoint, Order, ParcelLabModel, Tracking
from mock_carriers.core.raster import text_png

ARTICLE_FIELDS = ("line_item_id", "product_id", "sku", "order_item_id", "article_name", "article_category",
                  "article_store_url", "article_image_url", "article_brand", "size", "color", "width", "height",
                  "length", "length_unit", "weight", "weight_unit", "unit_price", "quantity", "amount_invoiced",
                  "origin_country_iso3", "is_bulky", "tags", "additional_attributes")
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
    chain = [lang, lang.split("-")[0]] if lang else []
    return [code.lower() for code in chain if code] + [order.data.get("language", "en"), "en"]


def order_info(model: ParcelLabModel, order: Order, trackings: list[Tracking], level: str, lang: str | None,
               live: bool) -> dict:
    full = level == FULL
    data, langs = order.data, languages(order, lang)
    return {
        "order_number": order.number, "client_key": data.get("client_key"),
        "order_date": timestamp(order.order_date),
        "recipient_name": data.get("recipient_name") if full else None,
        "recipient_email": data.get("recipient_email") if full else None,
        "destination_country_iso3": data.get("destination_country_iso3"),
        "trackings": [tracking(model, order, t, full, langs, live) for t in trackings]}


def tracking(model: ParcelLabModel, order: Order, found: Tracking, full: bool, langs: list[str], live: bool) -> dict:
    data, order_data = found.data, order.data
    now = model.now()
    seen = found.visible(now, live)
    courier = model.courier(data["courier"])
    statuses = [model.statuses[c.status] for c in seen]
    delivered = next((c for c in seen if model.statuses[c.status]["lifecycle"] == "Delivered"), None)
    announced = model.relative_date(data.get("announced_delivery_date"))
    return {
        "tracking_number": data["tracking_number"],
        "courier_info": {"courier": data["courier"], "courier_name": courier["name"],
                         "courier_tracking_url": courier["tracking_url"].format(tracking_number=data["tracking_number"]),
                         "courier_reroute_url": courier["reroute_url"], "last_mile_courier": data["courier"],
                         "last_mile_courier_name": courier["name"]},
        "last_delivery_status": _status(model, seen[-1], len(seen), langs) if seen else None,
        "delivery_location": seen[-1].location if seen else "",
        "is_delayed": any(s.get("exception") == "delay" for s in statuses),
        "is_exception": any("exception" in s for s in statuses),
        "is_return": bool(data.get("is_return")),
        "action_box": None,
        "recipient_name": order_data.get("recipient_name") if full else None,
        "recipient_email": order_data.get("recipient_email") if full else None,
        "destination_country_iso3": order_data.get("destination_country_iso3"),
        "recipient_postal_code": order_data.get("recipient_postal_code") if full else None,
        "identifiers_consignment": data["tracking_id"],
        "shipping_address": dict(order_data["shipping_address"]) if full and order_data.get("shipping_address") else None,
        "articles": [{"version": "v1", **{name: article.get(name) for name in ARTICLE_FIELDS}}
                     for article in order_data.get("articles", [])],
        "additional_attributes": {},
        "announced_delivery_date": day(announced), "announced_delivery_date_min": day(announced),
        "pod_identifier": f"POD-{data['tracking_number']}" if delivered else None,
        "pod_signature": data.get("pod_signature") if delivered and full else None,
        "pod_date": day(delivered.at) if delivered else None,
        "timezone": "Europe/Berlin",
        "reporting_info": _reporting(model, seen, announced),
        "supports_live_refresh": True,
        "checkpoints": [_checkpoint(model, data["courier"], c, langs) for c in seen]}


def _status(model: ParcelLabModel, checkpoint: Checkpoint, count: int, langs: list[str]) -> dict:
    status = model.statuses[checkpoint.status]
    return {"step": status["step"], "status_code": checkpoint.status, "status_text": text(status["text"], langs),
            "status_details": text(status["details"], langs), "lifecycle_status": status["lifecycle"],
            "delivery_extra_info": "", "exception_type": status.get("exception", ""),
            "event_timestamp": timestamp(checkpoint.at), "next_action": "", "icon_hint": status["icon"]}


def _checkpoint(model: ParcelLabModel, courier: str, checkpoint: Checkpoint, langs: list[str]) -> dict:
    status = model.statuses[checkpoint.status]
    return {"step": status["step"], "courier": courier, "status_code": checkpoint.status,
            "event_timestamp": timestamp(checkpoint.at), "status_text": text(status["text"], langs),
            "status_details": text(status["details"], langs), "is_hidden": False, "location": checkpoint.location,
            "delivery_location_type": None, "delivery_extra_info": "", "estimated_delivery_date": None,
            "exception_type": status.get("exception", ""), "next_action": ""}


def _reporting(model: ParcelLabModel, seen: list[Checkpoint], announced: date | None) -> dict:
    def first(lifecycle: str) -> str | None:
        found = next((c for c in seen if model.statuses[c.status]["lifecycle"] == lifecycle), None)
        return timestamp(found.at) if found else None

    delivered = first("Delivered")
    late = announced is not None and delivered is None and model.now().date() > announced
    return {"is_forgotten": False, "is_delayed": late or any(model.statuses[c.status].get("exception") == "delay"
                                                             for c in seen),
            "has_failed_attempt": False, "is_delayed_dispatch": False, "is_returned": False,
            "is_customer_promise_exceeded": late, "trending_late_probability": 1 if late else 0,
            "trending_late_status": "late" if late else "normal", "contacted_with_messages": [],
            "exception_messages": [], "in_transit_date": first("InTransit"), "pickup_date": first("InTransit"),
            "courier_dropoff_date": first("InTransit"), "delivery_date": delivered, "returned_date": None}


def widget(model: ParcelLabModel, info: dict) -> bytes:
    """The order status as a picture: order, then each tracking's courier, status and date."""
    lines = [f"ORDER {info['order_number']}"]
    for found in info["trackings"]:
        status = found["last_delivery_status"] or {}
        lines += ["", f"{found['courier_info']['courier_name']} {found['tracking_number']}",
                  f"STATUS: {status.get('status_text') or 'No information yet'}"]
        if found["announced_delivery_date"]:
            lines.append(f"EXPECTED: {found['announced_delivery_date']}")
    size = (WIDGET_SIZE[0], max(WIDGET_SIZE[1], 40 + 20 * len(lines)))
    return text_png(lines, size, scale=2, margin=16)
