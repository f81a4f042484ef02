"""Parcel2Go's response bodies: PascalCase JSON, money in pounds (ex VAT, VAT and total), dates as
Json.NET writes them in UK time, and links back to the mock; and its business-error bodies, an
order's problems as `{"Errors": [{"Type", "Error", "ItemId"}]}`, a payment's as `{"Errors":
[{"Name", "Description"}]}`, both with HTTP 400. The model says what is and what went wrong; this
module says how Parcel2Go shows it."""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any, Iterable, Mapping

from mock_carriers.carriers.parcel2go import labels, pricing
from mock_carriers.carriers.parcel2go.model import (
    NO_PRICE,
    Order,
    OrderLine,
    OrderRejected,
    Parcel2GoModel,
    PaymentRefused,
    Problem,
)
from mock_carriers.core.aspnet import dates
from mock_carriers.core.errors import ShapedError
from mock_carriers.core.lifecycle import Occurred
from mock_carriers.core.raster import text_png

VAT_LABELS = {"Individual": "Individual", "NotRegistered": "Not VAT registered", "Registered": "VAT registered"}
EXPORT_LABELS = {
    "Sale": "Sale of goods",
    "Gift": "Gift",
    "Sample": "Commercial sample",
    "Repair": "Return for repair",
    "Documents": "Documents",
    "IntraCompanyTransfer": "Intra-company transfer",
    "TemporaryExport": "Temporary export",
}


def _uk_time(moment: datetime) -> str:
    """A DateTimeOffset in UK time, as the API writes its order and tracking times."""
    return dates.offset_text(pricing.uk(moment))


# reference data


def country(row: Mapping[str, Any]) -> dict:
    return {
        "Id": row["id"],
        "Name": row["name"],
        "Iso2Code": row["iso2"],
        "Iso3Code": row["iso3"],
        "Subdivision": row.get("subdivision"),
        "RequiresCustoms": bool(row.get("requires_customs")),
        "PostcodeRegex": row.get("postcode_regex"),
        "PostcodeRequired": bool(row.get("postcode_regex")),
    }


def service(base_url: str, slug: str, terms: Mapping[str, Any]) -> dict:
    length, width, height = terms["max_dimensions"]
    image = f"{base_url}/images/couriers/{terms['courier_slug']}"
    return {
        "Slug": slug,
        "Name": terms["name"],
        "CourierName": terms["courier"],
        "CourierSlug": terms["courier_slug"],
        "CollectionType": terms["collection_type"],
        "DeliveryType": terms["delivery_type"],
        "Classification": terms["classification"],
        "DropOffProviderCode": terms.get("drop_off_provider"),
        "IsPrinterRequired": terms["printer_required"],
        "MaxWeight": terms["max_weight"],
        "MaxLength": length,
        "MaxWidth": width,
        "MaxHeight": height,
        "Links": {"ImageSmall": f"{image}.png", "ImageSvg": f"{image}.svg"},
    }


def courier_logo(courier: str, kind: str) -> tuple[bytes | str, str]:
    """The courier logos the services' Links point at (`kind` png or svg): the courier's name,
    drawn; with its media type."""
    if kind == "png":
        return text_png([courier], (160, 40), scale=2, margin=8), "image/png"
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="160" height="40"><text x="8" y="26" '
        f'font-family="sans-serif" font-size="18">{courier}</text></svg>'
    )
    return svg, "image/svg+xml"


def quotes(base_url: str, extras: Mapping[str, Mapping[str, float]], found: list[dict]) -> dict:
    return {"Quotes": [_quote(base_url, extras, quote) for quote in found]}


def _quote(base_url: str, extras: Mapping[str, Mapping[str, float]], quote: dict) -> dict:
    terms = quote["service"]
    price = pricing.total([quote["carriage"], *(charge for _, charge in quote["extras"])])
    collection = quote["collection"]
    return {
        "Service": service(base_url, quote["slug"], terms),
        **price.fields(),
        "EstimatedDeliveryDate": dates.date_text(pricing.add_working_days(collection, terms["transit_days"])),
        "CutOff": _uk_time(pricing.cutoff_at(terms, collection)),
        "Collection": dates.date_text(collection),
        "AvailableExtras": [_available_extra(extras[kind], kind, charge) for kind, charge in quote["available"]],
        "Extras": _chosen_extras(quote["extras"]),
        "Discount": 0,
    }


def _chosen_extras(extras: list[tuple[str, pricing.Charge]]) -> list[dict]:
    """`Amount` ex VAT, as the docs' example shows Sms: 0.3, the £0.30 an order adds before VAT."""
    return [{"Type": kind, "Amount": pricing.pounds(charge.ex_vat)} for kind, charge in extras]


def _available_extra(terms: Mapping[str, float], kind: str, charge: pricing.Charge) -> dict:
    details = None
    if "included_cover" in terms:
        details = {"IncludedCover": f"{terms['included_cover']:.2f}", "MaxWeight": f"{terms['max_weight']:.2f}"}
    return {
        "Type": kind,
        "Price": pricing.pounds(charge.ex_vat),
        "Vat": pricing.pounds(charge.vat),
        "Total": pricing.pounds(charge.total),
        "Details": details,
    }


def collection_dates(days: Iterable[Any]) -> dict:
    return {"CollectionDates": [{"CollectionDate": dates.date_text(day)} for day in days]}


def dropshops(found: list[tuple[float, Mapping[str, Any]]]) -> dict:
    """(metres, shop) pairs, nearest first."""
    return {
        "Results": [
            {
                "Id": shop["Id"],
                "Name": shop["Name"],
                "Address1": shop["Address1"],
                "Address2": shop["Address2"],
                "Postcode": shop["Postcode"],
                "Distance": round(metres),
                "Latitude": shop["Latitude"],
                "Longitude": shop["Longitude"],
                "ConcatenatedTimes": shop["hours"],
            }
            for metres, shop in found
        ]
    }


def customs(needed: Mapping[str, bool]) -> dict:
    """Whether each item (by its id) needs customs details, with the choices the answers take."""
    return {
        item_id: {"RequiresCustomsDetails": flag, "VatStatus": VAT_LABELS, "ReasonsForExport": EXPORT_LABELS}
        for item_id, flag in needed.items()
    }


# orders


def verified_order(priced: list[dict]) -> dict:
    items = [
        {
            "ItemId": entry["item"]["Id"],
            "Service": entry["service"],
            **entry["charge"].fields(),
            "Extras": _chosen_extras(entry["extras"]),
        }
        for entry in priced
    ]
    return {"Items": items, **pricing.total(entry["charge"] for entry in priced).fields(), "TotalDiscount": 0}


def created_order(base_url: str, order: Order) -> dict:
    return {
        "OrderId": order.id,
        "Links": _payment_links(base_url, order),
        **order.charge.fields(),
        "Hash": order.hash,
        "OrderlineIdMap": [
            {"Hash": line.hash, "OrderLineId": str(line.id), "ItemId": line.item_id} for line in order.lines
        ],
        "TotalDiscount": 0,
    }


def _payment_links(base_url: str, order: Order) -> dict:
    return {
        "PayWithPrePay": f"{base_url}/api/orders/{order.id}/paywithprepay?hash={order.hash}",
        "payment": f"{base_url}/order/payment?id={order.id}&hash={order.hash}",
        "help": f"{base_url}/help-centre",
    }


def _document_links(base_url: str, model: Parcel2GoModel, order: Order) -> list[dict]:
    """After payment: the API labels link first (an A4 PNG of every label), then the documents."""
    links = [
        {
            "Name": "Labels",
            "Link": f"{base_url}/api/labels/{order.id}?referenceType=OrderId"
            f"&detailLevel=Labels&labelMedia=A4&labelFormat=PNG&hash={order.hash}",
        }
    ]
    drop_off = any(model.drop_off(line) for line in order.lines)
    links += [
        {"Name": kind, "Link": f"{base_url}/documents/{order.id}/{kind}?hash={order.hash}"}
        for kind in labels.PUBLIC
        if drop_off or kind not in labels.DROP_OFF_ONLY
    ]
    links.append({"Name": "help", "Link": f"{base_url}/help-centre"})
    return links


def paid(base_url: str, model: Parcel2GoModel, order: Order) -> dict:
    return {"Links": _document_links(base_url, model, order)}


def order_details(base_url: str, model: Parcel2GoModel, order: Order) -> dict:
    links = (
        {link["Name"]: link["Link"] for link in _document_links(base_url, model, order)}
        if order.paid_at
        else _payment_links(base_url, order)
    )
    return {
        "OrderId": order.id,
        "Hash": order.hash,
        "Created": _uk_time(order.created_at),
        "PaidDate": _uk_time(order.paid_at) if order.paid_at else None,
        **order.charge.fields(),
        "TotalDiscount": 0,
        "Links": links,
        "CustomerDetails": order.customer,
        "Items": [_order_item(base_url, model, line) for line in order.lines],
    }


def _order_item(base_url: str, model: Parcel2GoModel, line: OrderLine) -> dict:
    terms = model.services[line.service]
    return {
        "ItemId": line.item_id,
        "OrderLineId": line.id,
        "Hash": line.hash,
        "Service": line.service,
        "ServiceName": terms["name"],
        "CourierName": terms["courier"],
        "CollectionDate": _uk_time(line.collection_date),
        "Reference": line.reference,
        "CustomerReference": line.customer_reference,
        **line.charge.fields(),
        "Upsells": [{"Type": kind} for kind in line.upsells],
        "TrackingStage": model.stage(line),
        "CollectionAddress": line.collection_address,
        "Parcels": [
            {
                "Id": p.id,
                "ParcelId": p.number,
                "Weight": p.weight,
                "Length": p.length,
                "Width": p.width,
                "Height": p.height,
                "EstimatedValue": p.value,
                "TrackingNumber": p.tracking_number,
                "PrintInStoreBarcode": p.print_in_store_barcode,
                "DeliveryAddress": p.delivery_address,
                "ContentsSummary": p.contents_summary,
                "Links": {"tracking-page": f"{base_url}/tracking/{p.tracking_number}"} if p.tracking_number else {},
            }
            for p in line.parcels
        ],
    }


def parcel_numbers(order: Order) -> dict:
    return {
        "TrackingNumbers": [
            {"ParcelId": parcel.number, "TrackingNumber": parcel.tracking_number}
            for line in order.lines
            for parcel in line.parcels
            if parcel.tracking_number
        ]
    }


def label_files(found: labels.Documents, files: list[bytes]) -> dict:
    return {
        "SuccessfulLabels": found.labels,
        "FailedLabels": found.failed,
        "Base64EncodedLabels": [base64.b64encode(data).decode("ascii") for data in files],
    }


def tracking(events: list[Occurred]) -> dict:
    """Newest first: Parcel2Go's own plugin shows Results[0] as the latest."""
    return {
        "Results": [
            {
                "Timestamp": _uk_time(event.at),
                "StatusCode": event.data["code"],
                "Description": event.data["description"],
                "TrackingStage": event.data["stage"],
            }
            for event in reversed(events)
        ]
    }


# business errors


def order_errors(problems: Iterable[Problem]) -> ShapedError:
    return ShapedError({"Errors": [{"Type": p.kind, "Error": p.text, "ItemId": p.item_id} for p in problems]})


def order_rejected(error: OrderRejected) -> ShapedError:
    return order_errors(error.problems)


def business_error(message: str | None) -> ShapedError:
    """A scripted business failure: the service could not be priced."""
    return order_errors([Problem(None, "Service", message or NO_PRICE)])


def payment_refused(error: PaymentRefused) -> ShapedError:
    return ShapedError({"Errors": [{"Name": error.reason, "Description": error.message}]})
