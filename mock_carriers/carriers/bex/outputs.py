"""BEX's response shapes: `{"id", "items"}` envelopes, .NET's bool text ("True"), SAST times as
"yyyy-MM-dd HH:mm:ss" or "dd-MM-yyyy HH:mm", and the waybill and label PDFs as downloads."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Iterable, Mapping

from werkzeug.wrappers import Response

from mock_carriers.carriers.bex.model import BexModel, Waybill, sast
from mock_carriers.carriers.bex.places import Place
from mock_carriers.core.lifecycle import Occurred
from mock_carriers.core.pdf import A4, MM, text_pdf

LABEL_SIZE = (100.8 * MM, 149.8 * MM)
TRACKING_HEADER = {
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


def _dotnet_bool(value: bool) -> str:
    return "True" if value else "False"  # BEX sends booleans as .NET's bool.ToString()


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def login(user: Mapping[str, Any], token: str) -> dict:
    return {
        "id": user["id"],
        "value": token,
        "isStrongPassword": "True",
        "isEmailVerified": "True",
        "email": user["email"],
        "signalREnabled": "False",
        "allowApiLogin": "False",
    }


def tracking(found: Iterable[tuple[Waybill, list[Occurred]]]) -> dict:
    """The tree view: a header row, then per waybill its events newest first, every row carrying the
    waybill's id as documented (notes are not tracking rows)."""
    rows = [TRACKING_HEADER]
    for group, (waybill, events) in enumerate(found):
        events = [e for e in events if "note" not in e.data]
        for position, event in enumerate(reversed(events)):
            rows.append(
                {
                    "id": waybill.internal_id,
                    "dataTypeId": 2,
                    "headerName": "Tracking",
                    "col1": sast(event.at).strftime("%d-%m-%Y %H:%M"),
                    "col2": waybill.number if position == 0 else "",
                    "col3": waybill.senders_ref,
                    "col4": event.data.get("description", ""),
                    "col5": event.data["user"],
                    "internalRef": str(waybill.internal_id),
                    "groupingIndex": group,
                }
            )
    return {"id": 0, "items": rows}


def quote_item(
    model: BexModel, account: str, code: str, places: tuple[Place, Place], dispatch: datetime, price: dict, days: int
) -> dict:
    """One service's quote: collected at 16:00 on the dispatch date, delivered at 17:00 `days` later."""
    service = model.services[code]
    origin, destination = places
    collect = dispatch.replace(hour=16)
    delivered = (dispatch + timedelta(days=days)).replace(hour=17)
    return {
        "id": 0,
        "customerName": model.account_name(account),
        "serviceId": service["id"],
        "serviceCodeStr": code,
        "serviceNameStr": service["name"],
        **_side(model, "origin", origin),
        **_side(model, "destination", destination),
        "estimatedTransitDays": days,
        "scheduledTransitDays": days,
        "estimatedHolidays": 0,
        "scheduledHolidays": 0,
        "scheduleBy": _stamp(collect),
        "estimatedCollectionDateAndTime": _stamp(collect),
        "latestCollectionDateAndTime": _stamp(dispatch.replace(hour=17)),
        "estimatedDeliveryDateAndTime": _stamp(delivered),
        "scheduledDeliveryDateAndTime": _stamp(delivered),
        "isDeliveryGuaranteed": _dotnet_bool(service.get("guaranteed", False)),
        "surchargeAddons": "SURSAT" if dispatch.weekday() == 5 else "",
        "customerChargeableWeight": price["chargeable_weight"],
        "baseRateTotal": price["base"],
        "fuel": price["fuel"],
        "insuranceRequired": 0.0,
        "otherSurcharges": price["other"],
        "surchargeTotal": price["surcharges"],
        "subTotal": price["sub_total"],
        "vat": price["vat"],
        "totalCharges": price["total"],
    }


def _side(model: BexModel, side: str, place: Place) -> dict:
    """A place as the quote names it: upper case, the branch by name and by code, the town's code."""
    return {
        f"{side}Suburb": place.suburb.upper(),
        f"{side}City": place.town.upper(),
        f"{side}RateCategory": place.rate_category,
        f"{side}BranchStr": model.branch_name(place.hub),
        f"{side}Hub": place.hub,
        f"{side}LocationCode": place.town_code,
    }


def submitted(waybill: Waybill) -> dict:
    charges = waybill.charges
    return {
        "id": waybill.internal_id,
        "items": [
            {
                "waybillNumber": waybill.number,
                "baseRateTotal": charges["base"],
                "surchargesTotal": charges["surcharges"],
                "subTotal": charges["sub_total"],
                "vat": charges["vat"],
                "totalCharges": charges["total"],
                "volRatio": charges["vol_ratio"],
            }
        ],
    }


def waybill_pdf(waybill: Waybill) -> Response:
    sender, receiver, charges = waybill.sender, waybill.receiver, waybill.charges
    lines = [
        "BEX EXPRESS - WAYBILL",
        f"Waybill: {waybill.number}",
        f"Account: {waybill.account}",
        f"Service: {waybill.service}",
        f"Senders ref: {waybill.senders_ref}",
        "",
        f"From: {sender['company']}, {sender['street']}, {sender['suburb']} {sender['postcode']}",
        f"To: {receiver['company']}, {receiver['street']}, {receiver['suburb']} {receiver['postcode']}",
        "",
        *[
            f"Parcel {number}: {p['dimension1']}x{p['dimension2']}x{p['dimension3']} cm, {p['weight']} kg"
            for number, p in zip(waybill.parcel_numbers(), waybill.parcels)
        ],
        "",
        f"Chargeable weight: {charges['chargeable_weight']} kg",
        f"Total charges: R {charges['total']:.2f}",
    ]
    return _download(text_pdf([lines], A4, title=f"Waybill {waybill.number}"), f"{waybill.number}.pdf")


def labels_pdf(chosen: Iterable[tuple[Waybill, list[str]]]) -> Response:
    """One label page per chosen parcel of each waybill."""
    pages = []
    for waybill, wanted in chosen:
        parcels, receiver = waybill.parcel_numbers(), waybill.receiver
        for parcel in wanted:
            pages.append(
                [
                    "BEX EXPRESS",
                    f"Service: {waybill.service}",
                    f"Waybill: {waybill.number}",
                    f"Parcel: {parcel}",
                    f"Piece {parcels.index(parcel) + 1} of {len(parcels)}",
                    "",
                    f"To: {receiver['company']}",
                    receiver["street"],
                    f"{receiver['suburb']} {receiver['postcode']}",
                ]
            )
    return _download(text_pdf(pages, LABEL_SIZE, font_size=10, title="Parcel labels"), "ParcelLabels.pdf")


def _download(pdf: bytes, filename: str) -> Response:
    """A PDF as a download: "If you are accessing it through a browser, the download will happen
    automatically", which is what `Content-Disposition: attachment` does."""
    return Response(
        pdf, content_type="application/pdf", headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


def registration(subscription_id: str, uri: str, secret: str, description: str, filters: tuple[str, ...]) -> dict:
    """The registered webhook as Microsoft.AspNet.WebHooks echoes it, paused until activated."""
    return {
        "Id": subscription_id,
        "WebHookUri": uri,
        "Secret": secret,
        "Description": description,
        "IsPaused": True,
        "Filters": list(filters),
        "Headers": {},
        "Properties": {},
    }
