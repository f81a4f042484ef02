"""BEX over HTTP: every endpoint under both `/api/service/` and the older `/api/`, by GET or POST,
parameters from the query string or a JSON body, and business errors as HTTP 200 with `ex`.
The webhook registration host speaks Microsoft.AspNet.WebHooks instead (real statuses)."""

from __future__ import annotations

import hmac
from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlsplit

from werkzeug.wrappers import Response

from mock_carriers.carriers.base import RequestContext
from mock_carriers.carriers.bex.inputs import flag, read
from mock_carriers.carriers.bex.model import BexError, BexModel, Waybill, anonymous, sast
from mock_carriers.carriers.bex.places import Place
from mock_carriers.carriers.bex.webhooks import ACTIONS
from mock_carriers.core.binding import Params
from mock_carriers.core.durations import check_instant
from mock_carriers.core.errors import BadRequest, Invalid, Unauthorized, WebApi, json_response
from mock_carriers.core.pdf import A4, MM, text_pdf
from mock_carriers.core.routing import RouteTable
from mock_carriers.core.tokens import TokenState
from mock_carriers.core.url_check import EchoCheck

API_SCOPE, DOWNLOAD_SCOPE = "api", "alternate"
LABEL_SIZE = (100.8 * MM, 149.8 * MM)
ECHO_CHECK = EchoCheck(param="echo", deadline=10.0)  # Microsoft.AspNet.WebHooks' registration check
ECHO_FAILED = ("WebHook verification failed. Please ensure that the WebHook URI is valid and that the endpoint "
               "is accessible. Error encountered: the endpoint did not echo the value it was sent.")
MAX_WEIGHT_KG = 100_000.0  # beyond any parcel; keeps the arithmetic finite
MAX_DIM_MASS_CM3 = 1e10
TRACKING_HEADER = {"id": 0, "dataTypeId": 4, "groupingIndex": -1, "headerName": "Tracking", "col1": "Date",
                   "col2": "Waybill", "col3": "Senders Ref", "col4": "Tracking Description", "col5": "User",
                   "internalRef": "Internal Ref"}


def _dotnet_bool(value: bool) -> str:
    return "True" if value else "False"  # BEX sends booleans as .NET's bool.ToString()


def _user(ctx: RequestContext, operation: str, token: str | None, scope: str) -> str:
    """The username a valid token of `scope` belongs to, else the "anonymous access" `ex`."""
    state, found = ctx.tokens.check(token)
    if state is not TokenState.VALID or scope not in found.scopes:
        raise anonymous(operation)
    return found.client_id


def login(ctx: RequestContext) -> Response:
    params = read(ctx.request)
    model: BexModel = ctx.model
    scope = DOWNLOAD_SCOPE if flag(params, "preferAlternateToken") else API_SCOPE
    username = model.username(params.text("username"))
    user = model.user(username) if username else None
    if user is None or not hmac.compare_digest(params.text("password").encode(), user["password"].encode()):
        raise BexError("Invalid username or password.")
    return json_response({"id": user["id"], "value": model.login_token(ctx.tokens, username, scope),
                          "isStrongPassword": "True", "isEmailVerified": "True", "email": user["email"],
                          "signalREnabled": "False", "allowApiLogin": "False"})


def track(ctx: RequestContext) -> Response:
    model: BexModel = ctx.model
    rows = [TRACKING_HEADER]
    for group, waybill in enumerate(model.search(read(ctx.request).text("searchItems"))):
        events = [e for e in model.events(waybill) if "note" not in e.data]
        for position, event in enumerate(reversed(events)):  # every row of a waybill carries its id, as documented
            rows.append({"id": waybill.internal_id, "dataTypeId": 2, "headerName": "Tracking",
                         "col1": sast(event.at).strftime("%d-%m-%Y %H:%M"),
                         "col2": waybill.number if position == 0 else "", "col3": waybill.senders_ref,
                         "col4": event.data.get("description", ""), "col5": event.data["user"],
                         "internalRef": str(waybill.internal_id), "groupingIndex": group})
    return json_response({"id": 0, "items": rows})


def quote(ctx: RequestContext) -> Response:
    operation = "getquoteservicedeliverypricingv2"
    params = read(ctx.request)
    model: BexModel = ctx.model
    username = _user(ctx, operation, ctx.request.headers.get("token"), API_SCOPE)
    account = model.account(username, params.text("accountNumber"))
    weight, dim_mass = params.number("totalWeight"), params.number("dimMass")
    if weight is None or not 0 < weight <= MAX_WEIGHT_KG:
        raise BexError("totalWeight must be a number greater than 0.")
    if dim_mass is None or not 0 <= dim_mass <= MAX_DIM_MASS_CM3:
        raise BexError("dimMass must be a number of cubic centimetres (0 or more).")
    origin, destination = _place(model, params, "origin"), _place(model, params, "destination")
    categories = (origin.rate_category, destination.rate_category)
    dispatch = _dispatch_date(ctx, params.text("dispatchDate"))
    items = []
    for code, service in sorted(model.services.items(), key=lambda item: item[1]["id"]):
        price = model.price(code, weight, dim_mass, categories)
        days = model.transit_days(code, categories)
        collect = dispatch.replace(hour=16)
        delivered = (dispatch + timedelta(days=days)).replace(hour=17)
        items.append({
            "id": 0, "customerName": model.account_name(account), "serviceId": service["id"], "serviceCodeStr": code,
            "serviceNameStr": service["name"], **_side(model, "origin", origin),
            **_side(model, "destination", destination), "estimatedTransitDays": days, "scheduledTransitDays": days,
            "estimatedHolidays": 0, "scheduledHolidays": 0, "scheduleBy": _stamp(collect),
            "estimatedCollectionDateAndTime": _stamp(collect),
            "latestCollectionDateAndTime": _stamp(dispatch.replace(hour=17)),
            "estimatedDeliveryDateAndTime": _stamp(delivered), "scheduledDeliveryDateAndTime": _stamp(delivered),
            "isDeliveryGuaranteed": _dotnet_bool(service.get("guaranteed", False)),
            "surchargeAddons": "SURSAT" if dispatch.weekday() == 5 else "",
            "customerChargeableWeight": price["chargeable_weight"], "baseRateTotal": price["base"],
            "fuel": price["fuel"], "insuranceRequired": 0.0, "otherSurcharges": price["other"],
            "surchargeTotal": price["surcharges"], "subTotal": price["sub_total"], "vat": price["vat"],
            "totalCharges": price["total"]})
    return json_response({"id": 0, "items": items})


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def _side(model: BexModel, side: str, place: Place) -> dict:
    """A place as the quote names it: upper case, the branch by name and by code, the town's code."""
    return {f"{side}Suburb": place.suburb.upper(), f"{side}City": place.town.upper(),
            f"{side}RateCategory": place.rate_category, f"{side}BranchStr": model.branch_name(place.hub),
            f"{side}Hub": place.hub, f"{side}LocationCode": place.town_code}


def _place(model: BexModel, params: Params, side: str) -> Place:
    lat = params.number(f"{side}LatCoord")
    lon = params.number(f"{side}LonCoord")
    if lon is None:
        lon = params.number(f"{side}LongCoord")  # the typo in BEX's own sample body
    return model.place(params.text(f"{side}Suburb"), params.text(f"{side}PostCode"), "", lat, lon, side)


def _dispatch_date(ctx: RequestContext, text: str) -> datetime:
    today = sast(ctx.clock.now()).replace(hour=0, minute=0, second=0, microsecond=0)
    if not text:
        return today
    try:
        return check_instant(datetime.strptime(text[:10], "%Y-%m-%d").replace(tzinfo=today.tzinfo))
    except ValueError:
        raise BexError(f"dispatchDate '{text[:40]}' is not a date (yyyy-MM-dd).") from None


def _party_fields(side: str, suburb: str, contact: str) -> tuple[str, dict]:
    """A party's parameter names: `<side>Company`, ..., the suburb's own name, the contact's prefix."""
    names = {"company": "Company", "street": "Street", "suburb": suburb, "city": "City", "postcode": "PostCode",
             "lat": "Lat", "lon": "Lon"}
    return side, {**{key: side + name for key, name in names.items()}, "contact": f"{contact}ContactName"}


V4_PARTIES = (_party_fields("sender", "Suburb", "sender"), _party_fields("receiver", "Suburb", "receiver"))
# The older field set: parties are origin and destination, the suburb a LocationName, contacts sender/receiver.
WIA_PARTIES = (_party_fields("origin", "LocationName", "sender"),
               _party_fields("destination", "LocationName", "receiver"))
SUBMIT_FLAGS = ("autoGenerateWaybillNumber", "insuranceRequired", "returnParcelPrintingText", "printParcels",
                "printParcelsPrintNode")


def submit_v4(ctx: RequestContext) -> Response:
    return _submit(ctx, "submitwaybillv4", V4_PARTIES)


def submit_wia(ctx: RequestContext) -> Response:
    return _submit(ctx, "submitwaybillwia", WIA_PARTIES)


def submit_collection(ctx: RequestContext) -> Response:
    """The 2022 docs' example URL for the same (older) field set."""
    return _submit(ctx, "submitbexcollection", WIA_PARTIES)


def _submit(ctx: RequestContext, operation: str, sides: tuple[tuple[str, dict], ...]) -> Response:
    params = read(ctx.request)
    model: BexModel = ctx.model
    username = _user(ctx, operation, ctx.request.headers.get("token"), API_SCOPE)
    flags = {name: flag(params, name) for name in SUBMIT_FLAGS}
    account = params.text("accountNumber")
    model.check_account(username, account)
    service = params.text("serviceCode").upper()
    if service not in model.services:
        raise BexError(f"Invalid service code '{service[:20]}'. Use one of {', '.join(model.services)}.")
    (sender, origin), (receiver, destination) = (_party(model, params, side, fields) for side, fields in sides)
    parcels = _parcels(params.get("dimensions"))
    number = "" if flags["autoGenerateWaybillNumber"] else params.text("waybillNumber").upper()
    if number and not number.isalnum():
        raise BexError("waybillNumber may only contain letters and digits.")
    waybill = model.submit(account, service, number[:30], params.text("sendersRef"), sender, receiver, parcels,
                           (origin.rate_category, destination.rate_category))
    charges = waybill.charges
    return json_response({"id": waybill.internal_id, "items": [{
        "waybillNumber": waybill.number, "baseRateTotal": charges["base"], "surchargesTotal": charges["surcharges"],
        "subTotal": charges["sub_total"], "vat": charges["vat"], "totalCharges": charges["total"],
        "volRatio": charges["vol_ratio"]}]})


def _party(model: BexModel, params: Params, side: str, fields: dict) -> tuple[dict, Place]:
    values = {key: params.text(name) for key, name in fields.items()}
    place = model.place(values["suburb"], values["postcode"], values["city"], params.number(fields["lat"]),
                        params.number(fields["lon"]), side)
    return {"company": values["company"], "contact": values["contact"], "street": values["street"],
            "suburb": place.suburb, "postcode": place.postcode, "city": place.town, "branch": place.hub}, place


def _parcels(raw: object) -> list[dict]:
    if not isinstance(raw, list) or not raw:
        raise BexError("At least one parcel is required in dimensions.")
    parcels = []
    for index, item in enumerate(raw[:999]):
        item = Params(item) if isinstance(item, dict) else Params({})
        sizes = [item.number(f"dimension{n}") for n in (1, 2, 3)]
        weight = item.number("weight")
        if weight is None or weight <= 0 or weight > 10_000:
            raise BexError(f"dimensions[{index}].weight must be a number of kilograms greater than 0.")
        if any(size is None or size < 0 or size > 10_000 for size in sizes):
            raise BexError(f"dimensions[{index}] needs dimension1, dimension2 and dimension3 in centimetres.")
        parcels.append({"dimension1": int(sizes[0]), "dimension2": int(sizes[1]), "dimension3": int(sizes[2]),
                        "weight": weight, "reference": item.text("reference")})
    return parcels


def download_waybill(ctx: RequestContext) -> Response:
    params = read(ctx.request)
    model: BexModel = ctx.model
    username = _user(ctx, "downloadewaybill", params.text("token"), DOWNLOAD_SCOPE)
    waybill = _own_waybill(model, username, params.text("waybillNumber"))
    sender, receiver, charges = waybill.sender, waybill.receiver, waybill.charges
    lines = ["BEX EXPRESS - WAYBILL", f"Waybill: {waybill.number}", f"Account: {waybill.account}",
             f"Service: {waybill.service}", f"Senders ref: {waybill.senders_ref}", "",
             f"From: {sender['company']}, {sender['street']}, {sender['suburb']} {sender['postcode']}",
             f"To: {receiver['company']}, {receiver['street']}, {receiver['suburb']} {receiver['postcode']}", "",
             *[f"Parcel {number}: {p['dimension1']}x{p['dimension2']}x{p['dimension3']} cm, {p['weight']} kg"
               for number, p in zip(waybill.parcel_numbers(), waybill.parcels)], "",
             f"Chargeable weight: {charges['chargeable_weight']} kg", f"Total charges: R {charges['total']:.2f}"]
    return _download(text_pdf([lines], A4, title=f"Waybill {waybill.number}"), f"{waybill.number}.pdf")


def download_labels(ctx: RequestContext) -> Response:
    params = read(ctx.request)
    model: BexModel = ctx.model
    username = _user(ctx, "downloadparcellabels", params.text("token"), DOWNLOAD_SCOPE)
    wanted = [n.strip().upper() for n in params.text("waybillNumbers").split(",") if n.strip()]
    if not wanted:
        raise BexError("Please supply at least one waybill or parcel number in waybillNumbers.")
    pages = []
    for number in wanted[:100]:
        waybill = _own_waybill(model, username, number, by_parcel=True)
        parcels = waybill.parcel_numbers()
        chosen = [number] if number in parcels else parcels
        for parcel in chosen:
            receiver = waybill.receiver
            pages.append(["BEX EXPRESS", f"Service: {waybill.service}", f"Waybill: {waybill.number}",
                          f"Parcel: {parcel}", f"Piece {parcels.index(parcel) + 1} of {len(parcels)}", "",
                          f"To: {receiver['company']}", receiver["street"],
                          f"{receiver['suburb']} {receiver['postcode']}"])
    return _download(text_pdf(pages, LABEL_SIZE, font_size=10, title="Parcel labels"), "ParcelLabels.pdf")


def _download(pdf: bytes, filename: str) -> Response:
    """A PDF as a download: "If you are accessing it through a browser, the download will happen
    automatically", which is what `Content-Disposition: attachment` does."""
    return Response(pdf, content_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _own_waybill(model: BexModel, username: str, number: str, by_parcel: bool = False) -> Waybill:
    if not number:
        raise BexError("waybillNumber is required.")
    waybill = model.waybill_of_parcel(number) if by_parcel else model.waybill(number)
    if waybill is None or waybill.account not in model.user(username)["accounts"]:
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
    uri, secret = params.text("WebHookUri"), params.text("Secret")
    parts = urlsplit(uri)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Invalid({"webHook.WebHookUri": ["The WebHookUri field must be an absolute http or https URI."]})
    if not 32 <= len(secret) <= 64:
        raise Invalid({"webHook.Secret": [
            "The WebHook secret key parameter must be between 32 and 64 characters long."]})
    filters = params.get("Filters") or []
    if not isinstance(filters, list) or not all(isinstance(f, str) for f in filters):
        raise Invalid({"webHook.Filters": ["Filters must be a list of filter names."]})
    invalid = [f for f in filters if f not in ACTIONS and f != "*"]
    if invalid:
        raise Invalid({"webHook.Filters": [f"The following filters are not valid: '{', '.join(invalid)}'."]})
    if "noecho" not in parse_qs(parts.query, keep_blank_values=True):
        _verify_echo(ctx, uri)
    filters = tuple(f for f in filters if f != "*")
    subscription = ctx.namespace.webhooks.subscribe("bex", uri, secret, filters, description=params.text("Description"),
                                                     active=False, owner=key, scope=tuple(owner["accounts"]))
    return json_response({"Id": subscription.id, "WebHookUri": uri, "Secret": secret,
                          "Description": subscription.description, "IsPaused": True, "Filters": list(filters),
                          "Headers": {}, "Properties": {}})  # the library says 201; BEX's docs "a 200 OK"


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
    routes.add(["POST"], "/api/webhooks/registrations", register_webhook, "registerWebHook", webhook_dialect,
               locked=False)
    routes.add(["POST"], "/api/ActivateWebHook", activate_webhook, "activateWebHook", webhook_dialect)
    routes.add(["POST"], "/api/UnsubscribeWebHook", unsubscribe_webhook, "unsubscribeWebHook", webhook_dialect)
    for prefix, suffix in (("/api/service", ""), ("/api", "Legacy")):
        for name, handler in ENDPOINTS:
            routes.add(["POST"], f"{prefix}/{name}", handler, f"{name}{suffix}")
            routes.add(["GET"], f"{prefix}/{name}", handler, f"{name}{suffix}ViaGet")
    return routes
