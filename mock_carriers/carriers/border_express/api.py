"""Border Express over HTTP: OWIN token endpoint, consignment/connote routes, PODs and scans.

Paths, casing and bodies follow docs/carriers/border-express.md; routes the carrier's docs elide
(scans, scan types) are the proposals there and are marked `x-mock-guess` in the contract.
"""

from __future__ import annotations

import base64
from datetime import datetime, timezone
from email.utils import format_datetime
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from werkzeug.wrappers import Response

from mock_carriers.carriers.base import RequestContext
from mock_carriers.carriers.border_express.model import BorderExpressModel, ConsignmentView, Pod, Scan
from mock_carriers.core.errors import Invalid, NotFound, json_response
from mock_carriers.core.oauth import client_credentials_request, require_bearer
from mock_carriers.core.pdf import text_pdf
from mock_carriers.core.routing import RouteTable

TOKEN_LIFETIME = 3600.0  # "valid for an hour"; OWIN reports expires_in one second short: 3599
CARRIER_ZONE = ZoneInfo("Australia/Sydney")  # DateOccurred carries +10:00 / +11:00
OWIN_JSON = "application/json;charset=UTF-8"
_ASSETS = Path(__file__).resolve().parent / "assets"
_MEDIA_TYPES = {"jpg": "image/jpeg", "png": "image/png", "pdf": "application/pdf"}


@lru_cache(maxsize=4096)
def _local(moment: datetime) -> str:
    """ISO 8601 in Sydney time; cached, as the same event times are rendered on every read."""
    return moment.astimezone(CARRIER_ZONE).isoformat(timespec="seconds")


def _rfc1123(timestamp: float) -> str:
    return format_datetime(datetime.fromtimestamp(int(timestamp), timezone.utc), usegmt=True)


def _authorized(ctx: RequestContext) -> BorderExpressModel:
    require_bearer(ctx.tokens, ctx.request.headers.get("Authorization"))
    return ctx.model


def issue_token(ctx: RequestContext) -> Response:
    """OWIN's OAuthAuthorizationServer answer, `.issued`/`.expires` included."""
    model: BorderExpressModel = ctx.model
    grant = client_credentials_request(ctx.request, model.client_secrets)
    client = model.client(grant.client_id)
    scope = client.get("scope", "")
    token = ctx.tokens.issue(grant.client_id, tuple(scope.split()))
    body = {
        "access_token": token.value,
        "token_type": "bearer",
        "expires_in": int(TOKEN_LIFETIME) - 1,
        "scope": scope,
        "userName": client["user_name"],
        ".issued": _rfc1123(token.issued_at),
        ".expires": _rfc1123(token.issued_at + TOKEN_LIFETIME),
    }
    return json_response(body, headers={"Cache-Control": "no-cache", "Pragma": "no-cache", "Expires": "-1"},
                         content_type=OWIN_JSON)


def consignment(ctx: RequestContext, number: str) -> Response:
    view = _authorized(ctx).read(number)
    latest = view.events[-1] if view.events else None
    despatched = view.despatched_at
    sender, receiver = view.data["sender"], view.data["receiver"]
    return json_response({
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
    })


def _midnight(moment: datetime) -> datetime:
    return moment.astimezone(CARRIER_ZONE).replace(hour=0, minute=0, second=0, microsecond=0)


def statuses(ctx: RequestContext, number: str) -> Response:
    view = _authorized(ctx).read(number)
    return json_response({"Statuses": [
        {"Status": e.data["status"], "DateOccurred": _local(e.at), "Suburb": e.data["suburb"],
         "State": e.data["state"], "Postcode": e.data["postcode"]}
        for e in reversed(view.events)]})


def pod_metadata(ctx: RequestContext, number: str) -> Response:
    view = _authorized(ctx).read(number)
    return json_response([_pod_metadata(view, pod) for pod in view.pods])


def _pod_metadata(view: ConsignmentView, pod: Pod) -> dict:
    return {"Id": pod.id, "ConsignmentNumber": view.number, "DateSigned": _local(pod.signed_at),
            "SignedBy": pod.signed_by}


def latest_pod(ctx: RequestContext, number: str, file_format: str) -> Response:
    return _pod_file(ctx, number, None, file_format)


def pod_by_id(ctx: RequestContext, number: str, pod_id: str, file_format: str) -> Response:
    return _pod_file(ctx, number, pod_id, file_format)


def _pod_file(ctx: RequestContext, number: str, pod_id: str | None, file_format: str) -> Response:
    model = _authorized(ctx)
    kind = file_format.lower()
    as_base64 = _bool_query(ctx, "base64")
    if kind not in _MEDIA_TYPES:
        raise NotFound(f"unknown POD file format {file_format!r}: use jpg, png or pdf")
    view = model.read(number)
    pod = view.pod(pod_id)
    data = _pdf(view, pod) if kind == "pdf" else _image(kind)
    if as_base64:
        return json_response({"Base64": base64.b64encode(data).decode("ascii")})
    return Response(data, content_type=_MEDIA_TYPES[kind])


def _bool_query(ctx: RequestContext, name: str) -> bool:
    """ASP.NET model binding of a bool query parameter: its name in any case (the first value if it
    is repeated), true/false in any case, else a 400 naming it as declared (`name`, lower case)."""
    raw = next((value for key, value in ctx.request.args.items(multi=True) if key.lower() == name), None)
    if raw is None or raw == "":
        return False
    if raw.lower() in ("true", "false"):
        return raw.lower() == "true"
    raise Invalid({name: [f"The value '{raw[:100]}' is not valid."]})


@lru_cache(maxsize=None)
def _image(kind: str) -> bytes:
    return (_ASSETS / f"pod-signature.{kind}").read_bytes()


def _pdf(view: ConsignmentView, pod: Pod) -> bytes:
    receiver = view.data["receiver"]
    return text_pdf([[
        "BORDER EXPRESS - PROOF OF DELIVERY",
        f"Consignment: {view.number}",
        f"Reference: {view.data.get('reference', '')}",
        f"POD Id: {pod.id}",
        f"Signed by: {pod.signed_by}",
        f"Date signed: {_local(pod.signed_at)}",
        f"Delivered to: {receiver['name']}, {receiver['suburb']} {receiver['state']} {receiver['postcode']}",
    ]], title=f"POD {view.number}")


def consignment_scans(ctx: RequestContext, number: str) -> Response:
    model = _authorized(ctx)
    return json_response({"Scans": [_scan(s) for s in model.scans(model.read(number))]})


def barcode_scans(ctx: RequestContext, barcode: str) -> Response:
    model = _authorized(ctx)
    view = model.read(model.consignment_of_barcode(barcode))
    return json_response({"Scans": [_scan(s) for s in model.scans(view, barcode)]})


def _scan(scan: Scan) -> dict:
    event = scan.occurred
    return {"Barcode": scan.barcode, "ScanType": scan.scan_type, "Description": scan.description,
            "DateOccurred": _local(event.at), "Suburb": event.data["suburb"], "State": event.data["state"],
            "Postcode": event.data["postcode"]}


def scan_types(ctx: RequestContext) -> Response:
    model = _authorized(ctx)
    return json_response({"ScanTypes": [{"Code": code, "Description": text}
                                         for code, text in model.scan_types.items()]})


def build_routes() -> RouteTable:
    """Both route families real clients use; ASP.NET matches them case-insensitively, and IIS reads
    `//api/...` (a base URL ending in `/`, as real clients build it) as `/api/...`."""
    routes = RouteTable(case_insensitive=True, merge_slashes=True)
    routes.add(["POST"], "/token", issue_token, "issueToken")
    for base, name in (("/api/v1/consignments/<number>", "Consignment"), ("/api/connotes/<number>", "Connote")):
        routes.add(["GET"], base, consignment, f"get{name}")
        routes.add(["GET"], f"{base}/Statuses", statuses, f"get{name}Statuses")
        routes.add(["GET"], f"{base}/pods/Metadata", pod_metadata, f"get{name}PodMetadata")
        routes.add(["GET"], f"{base}/pods/<file_format>", latest_pod, f"get{name}LatestPod")
        routes.add(["GET"], f"{base}/pods/<pod_id>/<file_format>", pod_by_id, f"get{name}Pod")
    routes.add(["GET"], "/api/v1/consignments/<number>/scans", consignment_scans, "getConsignmentScans")
    routes.add(["GET"], "/api/v1/barcodes/<barcode>/scans", barcode_scans, "getBarcodeScans")
    routes.add(["GET"], "/api/v1/scantypes", scan_types, "getScanTypes")
    return routes
