"""BEX over HTTP: every endpoint under both `/api/service/` and the older `/api/`, by GET or POST,
parameters from the query string or a JSON body, and business errors as HTTP 200 with `ex`.
The webhook registration host speaks Microsoft.AspNet.WebHooks instead (real statuses).
Each route parses (`inputs`), calls the model and renders (`outputs`)."""

from __future__ import annotations

import hmac
from urllib.parse import parse_qs, urlsplit

from werkzeug.wrappers import Response

from mock_carriers.carriers.base import RequestContext
from mock_carriers.carriers.bex import inputs, outputs
from mock_carriers.carriers.bex.inputs import flag, read
from mock_carriers.carriers.bex.model import BexError, BexModel, Waybill, anonymous, sast
from mock_carriers.carriers.bex.places import Place
from mock_carriers.core.aspnet.dialects import WebApi
from mock_carriers.core.errors import BadRequest, Unauthorized, json_response
from mock_carriers.core.routing import RouteTable
from mock_carriers.core.tokens import TokenState
from mock_carriers.core.url_check import EchoCheck

API_SCOPE, DOWNLOAD_SCOPE = "api", "alternate"
ECHO_CHECK = EchoCheck(param="echo", deadline=10.0)  # Microsoft.AspNet.WebHooks' registration check
ECHO_FAILED = (
    "WebHook verification failed. Please ensure that the WebHook URI is valid and that the endpoint "
    "is accessible. Error encountered: the endpoint did not echo the value it was sent."
)


def _user(ctx: RequestContext, operation: str, token: str | None, scope: str) -> str:
    """The username a valid token of `scope` belongs to, else the "anonymous access" `ex`."""
    state, found = ctx.tokens.check(token)
    if state is not TokenState.VALID or found is None or scope not in found.scopes:
        raise anonymous(operation)
    return found.client_id


def login(ctx: RequestContext) -> Response:
    params = read(ctx.request)
    model: BexModel = ctx.model
    scope = DOWNLOAD_SCOPE if flag(params, "preferAlternateToken") else API_SCOPE
    username = model.username(params.text("username"))
    user = model.user(username) if username else None
    if (
        username is None
        or user is None
        or not hmac.compare_digest(params.text("password").encode(), user["password"].encode())
    ):
        raise BexError("Invalid username or password.")
    return json_response(outputs.login(user, model.login_token(ctx.tokens, username, scope)))


def track(ctx: RequestContext) -> Response:
    model: BexModel = ctx.model
    found = model.search(read(ctx.request).text("searchItems"))
    return json_response(outputs.tracking((waybill, model.events(waybill)) for waybill in found))


def quote(ctx: RequestContext) -> Response:
    operation = "getquoteservicedeliverypricingv2"
    params = read(ctx.request)
    model: BexModel = ctx.model
    username = _user(ctx, operation, ctx.request.headers.get("token"), API_SCOPE)
    account = model.account(username, params.text("accountNumber"))
    weight, dim_mass = inputs.quote_measures(params)
    origin, destination = (model.place(*inputs.quote_place(params, side), side) for side in ("origin", "destination"))
    places = (origin, destination)
    categories = (places[0].rate_category, places[1].rate_category)
    today = sast(ctx.clock.now()).replace(hour=0, minute=0, second=0, microsecond=0)
    dispatch = inputs.dispatch_date(params.text("dispatchDate"), today)
    items = [
        outputs.quote_item(
            model,
            account,
            code,
            places,
            dispatch,
            model.price(code, weight, dim_mass, categories),
            model.transit_days(code, categories),
        )
        for code, _ in sorted(model.services.items(), key=lambda item: item[1]["id"])
    ]
    return json_response({"id": 0, "items": items})


def submit_v4(ctx: RequestContext) -> Response:
    return _submit(ctx, "submitwaybillv4", inputs.V4_PARTIES)


def submit_wia(ctx: RequestContext) -> Response:
    return _submit(ctx, "submitwaybillwia", inputs.WIA_PARTIES)


def submit_collection(ctx: RequestContext) -> Response:
    """The 2022 docs' example URL for the same (older) field set."""
    return _submit(ctx, "submitbexcollection", inputs.WIA_PARTIES)


def _submit(ctx: RequestContext, operation: str, sides: tuple[tuple[str, dict], ...]) -> Response:
    params = read(ctx.request)
    model: BexModel = ctx.model
    username = _user(ctx, operation, ctx.request.headers.get("token"), API_SCOPE)
    flags = {name: flag(params, name) for name in inputs.SUBMIT_FLAGS}
    account = params.text("accountNumber")
    model.check_account(username, account)
    service = inputs.service_code(params, model.services)
    (sender, origin), (receiver, destination) = (
        _party(model, inputs.party(params, fields), side) for side, fields in sides
    )
    parcels = inputs.parcels(params.get("dimensions"))
    number = inputs.waybill_number(params, flags["autoGenerateWaybillNumber"])
    waybill = model.submit(
        account,
        service,
        number,
        params.text("sendersRef"),
        sender,
        receiver,
        parcels,
        (origin.rate_category, destination.rate_category),
    )
    return json_response(outputs.submitted(waybill))


def _party(model: BexModel, values: dict, side: str) -> tuple[dict, Place]:
    """A party as the waybill keeps it, its suburb, postcode and town as the model resolved them."""
    place = model.place(values["suburb"], values["postcode"], values["city"], values["lat"], values["lon"], side)
    return {
        "company": values["company"],
        "contact": values["contact"],
        "street": values["street"],
        "suburb": place.suburb,
        "postcode": place.postcode,
        "city": place.town,
        "branch": place.hub,
    }, place


def download_waybill(ctx: RequestContext) -> Response:
    params = read(ctx.request)
    model: BexModel = ctx.model
    username = _user(ctx, "downloadewaybill", params.text("token"), DOWNLOAD_SCOPE)
    return outputs.waybill_pdf(_own_waybill(model, username, params.text("waybillNumber")))


def download_labels(ctx: RequestContext) -> Response:
    params = read(ctx.request)
    model: BexModel = ctx.model
    username = _user(ctx, "downloadparcellabels", params.text("token"), DOWNLOAD_SCOPE)
    chosen = []
    for number in inputs.waybill_numbers(params):
        waybill = _own_waybill(model, username, number, by_parcel=True)
        parcels = waybill.parcel_numbers()
        chosen.append((waybill, [number] if number in parcels else parcels))
    return outputs.labels_pdf(chosen)


def _own_waybill(model: BexModel, username: str, number: str, by_parcel: bool = False) -> Waybill:
    if not number:
        raise BexError("waybillNumber is required.")
    waybill = model.waybill_of_parcel(number) if by_parcel else model.waybill(number)
    user = model.user(username)
    assert user is not None  # a valid token's username is a user's
    if waybill is None or waybill.account not in user["accounts"]:
        raise BexError(f"Waybill '{number[:40]}' was not found.")
    return waybill


# The webhook registration host: Microsoft.AspNet.WebHooks' controller and BEX's two additions.


def _webhook_key(ctx: RequestContext, key: str) -> tuple[str, dict]:
    found = ctx.model.webhook_key(key) if key else None
    if found is None:
        raise Unauthorized("invalid")
    return key, found


def register_webhook(ctx: RequestContext) -> Response:
    """Runs without the namespace's lock (its route says so): the echo check may wait 10 s on the
    receiver, and the rest reads fixtures or takes a lock of its own."""
    key, owner = _webhook_key(ctx, ctx.request.headers.get("X-InsightWebHooks-Auth", ""))
    params = read(ctx.request)
    uri, secret, filters = inputs.registration(params)
    if "noecho" not in parse_qs(urlsplit(uri).query, keep_blank_values=True):
        _verify_echo(ctx, uri)
    subscription = ctx.namespace.webhooks.subscribe(
        "bex",
        uri,
        secret,
        filters,
        description=params.text("Description"),
        active=False,
        owner=key,
        scope=tuple(owner["accounts"]),
    )
    # the library says 201; BEX's docs "a 200 OK"
    return json_response(outputs.registration(subscription.id, uri, secret, subscription.description, filters))


def _verify_echo(ctx: RequestContext, uri: str) -> None:
    """GET <uri>?echo=<random>: the receiver must answer 2xx with the echo as its body."""
    with ctx.namespace.lock:
        echo = f"{ctx.namespace.rng.getrandbits(128):032x}"
    if not ECHO_CHECK.passes(ctx.namespace.outbound, uri, echo):
        raise BadRequest(ECHO_FAILED)


def activate_webhook(ctx: RequestContext) -> Response:
    return _set_active(ctx, True)


def unsubscribe_webhook(ctx: RequestContext) -> Response:
    return _set_active(ctx, False)


def _set_active(ctx: RequestContext, active: bool) -> Response:
    key, _ = _webhook_key(ctx, read(ctx.request).text("webHookKey"))
    count = ctx.namespace.webhooks.set_active("bex", key, active)
    verb = "activated" if active else "unsubscribed"
    return json_response({"Message": f"{count} WebHook registration(s) {verb}."})


ENDPOINTS = (  # (canonical name, handler): each under /api/service/ and /api/, by POST and GET
    ("login", login),
    ("waybillquicktrackingv3customtreeview", track),
    ("WaybillQuickTrackingV2CustomTreeview", track),
    ("getquoteservicedeliverypricingv2", quote),
    ("submitwaybillv4", submit_v4),
    ("submitwaybillwia", submit_wia),
    ("submitbexcollection", submit_collection),
    ("downloadewaybill", download_waybill),
    ("downloadparcellabels", download_labels),
)


def build_routes() -> RouteTable:
    routes = RouteTable(case_insensitive=True)
    webhook_dialect = WebApi()
    routes.add(
        ["POST"], "/api/webhooks/registrations", register_webhook, "registerWebHook", webhook_dialect, locked=False
    )
    routes.add(["POST"], "/api/ActivateWebHook", activate_webhook, "activateWebHook", webhook_dialect)
    routes.add(["POST"], "/api/UnsubscribeWebHook", unsubscribe_webhook, "unsubscribeWebHook", webhook_dialect)
    for prefix, suffix in (("/api/service", ""), ("/api", "Legacy")):
        for name, handler in ENDPOINTS:
            routes.add(["POST"], f"{prefix}/{name}", handler, f"{name}{suffix}")
            routes.add(["GET"], f"{prefix}/{name}", handler, f"{name}{suffix}ViaGet")
    return routes
