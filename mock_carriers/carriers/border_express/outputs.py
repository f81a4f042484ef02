"""Border Express's response shapes: PascalCase bodies, times in Sydney's offset, OWIN's token
answer with RFC 1123 `.issued`/`.expires`, and POD files (a PDF, or a stock signature image)."""

from __future__ import annotations

from datetime import datetime, timezone
from email.utils import format_datetime
from functools import lru_cache
from pathlib import Path
from typing import Mapping
from zoneinfo import ZoneInfo

from mock_carriers.carriers.border_express.model import ConsignmentView, Pod, Scan
from mock_carriers.core.pdf import text_pdf
from mock_carriers.core.tokens import Token

CARRIER_ZONE = ZoneInfo("Australia/Sydney")  # DateOccurred carries +10:00 / +11:00
_ASSETS = Path(__file__).resolve().parent / "assets"
MEDIA_TYPES = {"jpg": "image/jpeg", "png": "image/png", "pdf": "application/pdf"}


@lru_cache(maxsize=4096)
def _local(moment: datetime) -> str:
    """ISO 8601 in Sydney time; cached, as the same event times are rendered on every read."""
    return moment.astimezone(CARRIER_ZONE).isoformat(timespec="seconds")


def _rfc1123(timestamp: float) -> str:
    return format_datetime(datetime.fromtimestamp(int(timestamp), timezone.utc), usegmt=True)


def token(issued: Token, lifetime: float, scope: str, user_name: str) -> dict:
    """OWIN's OAuthAuthorizationServer answer: expires_in one second short of the lifetime."""
    return {
        "access_token": issued.value,
        "token_type": "bearer",
        "expires_in": int(lifetime) - 1,
        "scope": scope,
        "userName": user_name,
        ".issued": _rfc1123(issued.issued_at),
        ".expires": _rfc1123(issued.issued_at + lifetime),
    }


def consignment(view: ConsignmentView) -> dict:
    latest = view.events[-1] if view.events else None
    despatched = view.despatched_at
    sender, receiver = view.data["sender"], view.data["receiver"]
    return {
        "ConsignmentNumber": view.number,
        "Reference": view.data.get("reference"),
        "Status": view.status,
        "StatusDate": _local(latest.at) if latest else None,
        "ETADate": _local(_midnight(view.eta)) if view.eta else None,
        "DespatchDate": _local(despatched) if despatched else None,
        "SenderName": sender["name"],
        "SenderSuburb": sender["suburb"],
        "SenderState": sender["state"],
        "SenderPostcode": sender["postcode"],
        "ReceiverName": receiver["name"],
        "ReceiverSuburb": receiver["suburb"],
        "ReceiverState": receiver["state"],
        "ReceiverPostcode": receiver["postcode"],
        "Items": len(view.data.get("items", [])),
        "Weight": view.data.get("weight"),
    }


def _midnight(moment: datetime) -> datetime:
    return moment.astimezone(CARRIER_ZONE).replace(hour=0, minute=0, second=0, microsecond=0)


def statuses(view: ConsignmentView) -> dict:
    return {
        "Statuses": [
            {
                "Status": e.data["status"],
                "DateOccurred": _local(e.at),
                "Suburb": e.data["suburb"],
                "State": e.data["state"],
                "Postcode": e.data["postcode"],
            }
            for e in reversed(view.events)
        ]
    }


def pod_metadata(view: ConsignmentView, pod: Pod) -> dict:
    return {
        "Id": pod.id,
        "ConsignmentNumber": view.number,
        "DateSigned": _local(pod.signed_at),
        "SignedBy": pod.signed_by,
    }


def pod_file(view: ConsignmentView, pod: Pod, kind: str) -> bytes:
    """The POD as a PDF, or the stock signature image as JPEG or PNG."""
    return _pdf(view, pod) if kind == "pdf" else _image(kind)


@lru_cache(maxsize=None)
def _image(kind: str) -> bytes:
    return (_ASSETS / f"pod-signature.{kind}").read_bytes()


def _pdf(view: ConsignmentView, pod: Pod) -> bytes:
    receiver = view.data["receiver"]
    return text_pdf(
        [
            [
                "BORDER EXPRESS - PROOF OF DELIVERY",
                f"Consignment: {view.number}",
                f"Reference: {view.data.get('reference', '')}",
                f"POD Id: {pod.id}",
                f"Signed by: {pod.signed_by}",
                f"Date signed: {_local(pod.signed_at)}",
                f"Delivered to: {receiver['name']}, {receiver['suburb']} {receiver['state']} {receiver['postcode']}",
            ]
        ],
        title=f"POD {view.number}",
    )


def scans(found: list[Scan]) -> dict:
    return {"Scans": [_scan(s) for s in found]}


def _scan(scan: Scan) -> dict:
    event = scan.occurred
    return {
        "Barcode": scan.barcode,
        "ScanType": scan.scan_type,
        "Description": scan.description,
        "DateOccurred": _local(event.at),
        "Suburb": event.data["suburb"],
        "State": event.data["state"],
        "Postcode": event.data["postcode"],
    }


def scan_types(types: Mapping[str, str]) -> dict:
    return {"ScanTypes": [{"Code": code, "Description": text} for code, text in types.items()]}
