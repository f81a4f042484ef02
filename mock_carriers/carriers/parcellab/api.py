"""parcelLab over HTTP: the v4 order status endpoints (DRF with standardized errors, trailing
slashes) and the legacy `/tracking-securityhash`. Hosts api.parcellab.com and its regions."""

from __future__ import annotations

from werkzeug.wrappers import Response

from mock_carriers.carriers.base import RequestContext
from mock_carriers.carriers.parcellab import inputs, outputs
from mock_carriers.carriers.parcellab.model import ParcelLabModel
from mock_carriers.core.drf.dialects import StandardizedErrors
from mock_carriers.core.drf.routers import router
from mock_carriers.core.drf.views import DrfViews, query_params
from mock_carriers.core.errors import TooManyRequests, json_response
from mock_carriers.core.routing import RouteTable


def _lookup(ctx: RequestContext) -> tuple[ParcelLabModel, dict]:
    """Authenticate, throttle, validate, find and authorise: the order status as the caller may see it."""
    model: ParcelLabModel = ctx.model
    account = model.account_of(inputs.credentials(ctx.request.headers.get("Authorization")), ctx.tokens)
    raw = query_params(ctx.request)  # the last of a repeated parameter
    key = f"account:{account}" if account else f"public:{raw.get('account', '')[:40]}"  # anonymous callers apart
    retry_after = model.rate_limit.hit(key, ctx.clock.timestamp())
    if retry_after is not None:
        raise TooManyRequests(retry_after)
    params = inputs.query(raw)
    order, trackings = model.find(params)
    level = model.access(order, account, params)
    return model, outputs.order_info(
        model, order, trackings, level, params.get("lang"), bool(params.get("live_refresh"))
    )


def order_info(ctx: RequestContext) -> Response:
    return json_response(_lookup(ctx)[1])


def order_widget(ctx: RequestContext) -> Response:
    model, info = _lookup(ctx)
    return Response(outputs.widget(model, info), content_type="image/png")


def security_hash(ctx: RequestContext) -> Response:
    """The legacy (v2) call for an order's `s`, authenticated with `user` and `token` headers."""
    model: ParcelLabModel = ctx.model
    account = model.legacy_account(ctx.request.headers.get("user"), ctx.request.headers.get("token"))
    order, tracking = model.tracking_by_legacy(account, ctx.request.args)
    value, valid_until = model.security_hash(order)
    return json_response(
        {
            "_id": tracking.data["tracking_id"],
            "_context": [t.data["tracking_id"] for t in order.trackings if t is not tracking],
            "securityHash": value,
            "validUntil": outputs.timestamp(valid_until),
        }
    )


def _authenticate(ctx: RequestContext) -> str | None:
    """The v4 views' authentication: anonymous callers pass, a bad `Authorization` is a 401."""
    return ctx.model.account_of(inputs.credentials(ctx.request.headers.get("Authorization")), ctx.tokens)


WIDGET = "/v4/track/orders/info-widget/"


def build_routes() -> RouteTable:
    routes = router(
        DrfViews(_authenticate, prefix="/v4/", renders=("application/json",), renders_by_rule={WIDGET: ("image/png",)})
    )
    routes.add(["GET"], "/v4/track/orders/info/", order_info, "getOrderInfo")
    routes.add(["GET"], WIDGET, order_widget, "getOrderInfoWidget")
    routes.add(
        ["GET"], "/tracking-securityhash", security_hash, "getTrackingSecurityHash", dialect=StandardizedErrors()
    )  # the legacy API: no v4 token challenge
    return routes
