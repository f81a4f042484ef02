"""Parcel2Go's printable documents: parcel labels, drop-off instructions and customs papers, as
real PDF and PNG files showing the tracking number (carriers.md section 4.2, `/api/labels`), and
the public documents a paid order's `Links` name (the docs' "Links Object": labels, picking list,
invoice, print-in-store barcodes).

A detail level names which documents are wanted; one that finds nothing for the order is a 404,
as the real endpoint answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from mock_carriers.carriers.parcel2go.model import Order, OrderLine, Parcel, Parcel2GoModel
from mock_carriers.carriers.parcel2go.pricing import pounds, uk
from mock_carriers.core.errors import NotFound
from mock_carriers.core.pdf import A4, MM, text_pdf
from mock_carriers.core.raster import text_png

DETAIL_LEVELS = ("All", "Labels", "AdditionalDocuments", "Instructions", "CommercialInvoice")
MEDIA = ("A4", "Label4X6")
FORMATS = ("PDF", "PNG")
PDF_SIZES = {"A4": A4, "Label4X6": (101.6 * MM, 152.4 * MM)}
PNG_SIZES = {"A4": (794, 1123), "Label4X6": (384, 576), "Wallet": (375, 667)}  # 96 dpi; a phone's screen
DROP_OFF_ONLY = ("barcode-printinstore", "wallet-ios-printinstore")
PUBLIC = {  # the Links' public documents [F]: kind -> (what is on the pages, media, format) [I]
    "labels-a4": ("Labels", "A4", "PDF"),
    "labels-4x6": ("Labels", "Label4X6", "PDF"),
    "labels-a4-4x6": ("Labels", "A4", "PDF"),
    "picking-list": ("PickingList", "A4", "PDF"),
    "invoice": ("Invoice", "A4", "PDF"),
    "barcode-printinstore": ("Instructions", "Label4X6", "PNG"),
    "wallet-ios-printinstore": ("Instructions", "Wallet", "PNG"),
}


@dataclass(frozen=True)
class Documents:
    pages: list[list[str]]
    labels: int  # parcel labels among the pages
    failed: int  # parcel labels that could not be made (an unpaid line has no courier number yet)


def documents(model: Parcel2GoModel, order: Order, lines: list[OrderLine], detail_level: str) -> Documents:
    """The pages a detail level asks for; NotFound when it asks for nothing this order has."""
    pages: list[list[str]] = []
    labels = failed = 0
    for line in lines:
        service = model.services[line.service]
        paid = order.paid_at is not None
        if detail_level in ("All", "Labels"):
            for index, parcel in enumerate(line.parcels, start=1):
                if paid:
                    pages.append(label_page(order, line, service, parcel, index))
                    labels += 1
                else:
                    failed += 1
        if detail_level in ("All", "Instructions") and paid and model.drop_off(line):
            pages.append(_instructions(line, service))
        international = model.international(line)
        if detail_level in ("All", "AdditionalDocuments") and paid and international:
            pages.extend(_customs_declaration(line, parcel) for parcel in line.parcels)
        if detail_level in ("All", "CommercialInvoice") and paid and international:
            pages.append(_commercial_invoice(order, line))
    if not pages and not failed:
        raise NotFound(f"No {detail_level} documents were found for this order.")
    return Documents(pages, labels, failed)


def public_document(model: Parcel2GoModel, order: Order, kind: str) -> tuple[bytes, str]:
    """One of a paid order's public documents (`kind` as `PUBLIC` names it) and its media type;
    NotFound for an unknown kind or one this order does not have."""
    spec = PUBLIC.get(kind.lower())
    if (
        spec is None
        or order.paid_at is None
        or (kind.lower() in DROP_OFF_ONLY and not any(model.drop_off(line) for line in order.lines))
    ):
        raise NotFound(f"No document '{kind[:50]}' for order {order.id}.")
    content, media, file_format = spec
    if content == "Invoice":
        pages = [_invoice(model, order)]
    elif content == "PickingList":
        pages = [_picking_list(model, order)]
    else:
        pages = documents(model, order, order.lines, content).pages
    data = render(pages, media, file_format, f"Parcel2Go {kind.lower()} {order.id}")
    return data[0], "application/pdf" if file_format == "PDF" else "image/png"


def render(pages: list[list[str]], media: str, file_format: str, title: str) -> list[bytes]:
    """PDF: one document with every page. PNG: one image per page."""
    if not pages:
        return []
    if file_format == "PDF":
        return [text_pdf(pages, PDF_SIZES[media], font_size=10 if media == "A4" else 8, title=title)]
    return [text_png(page, PNG_SIZES[media], scale=2 if media == "A4" else 1) for page in pages]


def label_page(order: Order, line: OrderLine, service: Mapping[str, Any], parcel: Parcel, index: int) -> list[str]:
    to, sender = parcel.delivery_address, line.collection_address
    lines = [
        "PARCEL2GO.COM",
        f"{service['courier']} - {service['name']}",
        f"TRACKING: {parcel.tracking_number}",
        f"ORDER {order.id}  LINE {line.id}",
        f"PARCEL {index} OF {len(line.parcels)}  {parcel.weight:g} KG",
        "DELIVER TO:",
        str(to.get("ContactName") or ""),
        " ".join(filter(None, (str(to.get("Property") or ""), str(to.get("Street") or "")))),
        str(to.get("Town") or ""),
        f"{to.get('Postcode') or ''}  {to['CountryIsoCode']}",
        f"FROM: {sender.get('ContactName') or ''}, {sender.get('Town') or ''} {sender.get('Postcode') or ''}",
        f"COLLECTION: {uk(line.collection_date):%Y-%m-%d}",
    ]
    if parcel.print_in_store_barcode:
        lines.append(f"PRINT IN STORE: {parcel.print_in_store_barcode}")
    return lines


def _instructions(line: OrderLine, service: Mapping[str, Any]) -> list[str]:
    return [
        "DROP-OFF INSTRUCTIONS",
        f"Order line {line.id}",
        f"Take your parcel to a {service['courier']} drop shop or locker.",
        "Attach the label, or show the print-in-store code at the counter:",
        *[f"{parcel.tracking_number}  {parcel.print_in_store_barcode or ''}" for parcel in line.parcels],
    ]


def _customs_declaration(line: OrderLine, parcel: Parcel) -> list[str]:
    return [
        "CUSTOMS DECLARATION CN23",
        f"Order line {line.id}",
        f"Tracking: {parcel.tracking_number}",
        f"Contents: {parcel.contents_summary}",
        *[
            f"{c.get('Quantity') or 1} x {c['Description']}  {c.get('EstimatedValue') or 0:.2f} GBP"
            for c in parcel.contents
        ],
        f"Declared value: {parcel.value:.2f} GBP",
    ]


def _commercial_invoice(order: Order, line: OrderLine) -> list[str]:
    return [
        "COMMERCIAL INVOICE",
        f"Order {order.id}  line {line.id}",
        *[f"{parcel.tracking_number}: {parcel.contents_summary}  {parcel.value:.2f} GBP" for parcel in line.parcels],
    ]


def _invoice(model: Parcel2GoModel, order: Order) -> list[str]:
    charge = order.charge
    return [
        "PARCEL2GO.COM INVOICE",
        f"Order {order.id}",
        *[
            f"{line.id}  {model.services[line.service]['name']}  {pounds(line.charge.total):.2f} GBP"
            for line in order.lines
        ],
        f"Net {pounds(charge.ex_vat):.2f}  VAT {pounds(charge.vat):.2f}  Total {pounds(charge.total):.2f} GBP",
    ]


def _picking_list(model: Parcel2GoModel, order: Order) -> list[str]:
    """What to pick and pack for each parcel: its contents and where it goes."""
    lines = ["PICKING LIST", f"Order {order.id}"]
    for line in order.lines:
        for index, parcel in enumerate(line.parcels, start=1):
            to = parcel.delivery_address
            lines += [
                f"{line.id} parcel {index} of {len(line.parcels)}  {model.services[line.service]['name']}",
                f"  To: {to.get('ContactName') or ''}, {to.get('Town') or ''} {to.get('Postcode') or ''}",
                f"  Contents: {parcel.contents_summary}",
                *[f"  [ ] {c.get('Quantity') or 1} x {c['Description']}" for c in parcel.contents],
            ]
    return lines
