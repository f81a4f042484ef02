"""Border Express over HTTP: OWIN token endpoint, consignment/connote routes, PODs and scans.

Paths, casing and bodies follow docs/carriers/border-express.md; routes the carrier's docs elide
(scans, scan types) are the proposals there and are marked `x-mock-guess` in the contract.
Each route parses (`inputs`), calls the model and renders (`outputs`).
"""

from __future__ import annotations

import base64

from werkzeug.wrappers import Response

from mock_carriers.carriers.base import RequestContext
from mock_carriers.carriers.border_express import outputs
from mock_carriers.carriers.border_express.inputs import bool_query
from mock_carriers.carriers.border_express.model import BorderExpressModel
from mock_carriers.core.aspnet.oauth import client_credentials_request, require_bearer
from mock_carriers.core.errors import NotFound, json_response
from mock_carriers.core.routing import RouteTable

TOKEN_LIFETIME = 3600.0  # "valid for an hour"; OWIN reports expires_in one second short: 3599
OWIN_JSON = "application/json;charset=UTF-8"


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
    return json_response(
        outputs.token(token, TOKEN_LIFETIME, scope, client["user_name"]),
        headers={"Cache-Control": "no-cache", "Pragma": "no-cache", "Expires": "-1"},
        content_type=OWIN_JSON,
    )


def consignment(ctx: RequestContext, number: str) -> Response:
    return json_response(outputs.consignment(_authorized(ctx).read(number)))


def statuses(ctx: RequestContext, number: str) -> Response:
    return json_response(outputs.statuses(_authorized(ctx).read(number)))


def pod_metadata(ctx: RequestContext, number: str) -> Response:
    view = _authorized(ctx).read(number)
    return json_response([outputs.pod_metadata(view, pod) for pod in view.pods])


def latest_pod(ctx: RequestContext, number: str, file_format: str) -> Response:
    return _pod_file(ctx, number, None, file_format)


def pod_by_id(ctx: RequestContext, number: str, pod_id: str, file_format: str) -> Response:
    return _pod_file(ctx, number, pod_id, file_format)


def _pod_file(ctx: RequestContext, number: str, pod_id: str | None, file_format: str) -> Response:
    model = _authorized(ctx)
    kind = file_format.lower()
    as_base64 = bool_query(ctx.request.args, "base64")
    if kind not in outputs.MEDIA_TYPES:
        raise NotFound(f"unknown POD file format {file_format!r}: use jpg, png or pdf")
    view = model.read(number)
    data = outputs.pod_file(view, view.pod(pod_id), kind)
    if as_base64:
        return json_response({"Base64": base64.b64encode(data).decode("ascii")})
    return Response(data, content_type=outputs.MEDIA_TYPES[kind])


def consignment_scans(ctx: RequestContext, number: str) -> Response:
    model = _authorized(ctx)
    return json_response(outputs.scans(model.scans(model.read(number))))


def barcode_scans(ctx: RequestContext, barcode: str) -> Response:
    model = _authorized(ctx)
    view = model.read(model.consignment_of_barcode(barcode))
    return json_response(outputs.scans(model.scans(view, barcode)))


def scan_types(ctx: RequestContext) -> Response:
    return json_response(outputs.scan_types(_authorized(ctx).scan_types))


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
