"""Parcel2Go over HTTP: `/auth` (IdentityServer) and `/api` (ASP.NET Web API, PascalCase JSON,
case-insensitive routes), as carriers.md section 4.2 lists them. Bodies bind from JSON or from
the PHP-style forms the official WooCommerce plugin posts."""

from __future__ import annotations

import base64
import math
from typing import Any, Mapping

from werkzeug.wrappers import Response

from mock_carriers.carriers.base import RequestContext
from mock_carriers.carriers.parcel2go import auth, labels, pages, pricing, request_models
from mock_carriers.carriers.parcel2go.model import Order, OrderLine, Parcel2GoModel
from mock_carriers.carriers.parcel2go.outputs import order_errors, payment_error
from mock_carriers.core import json_with_comments
from mock_carriers.core.binding import read_body
from mock_carriers.core.errors import BadRequest, Conflict, Forbidden, Invalid, NotFound, json_response
from mock_carriers.core.model_binding import bind_model
from mock_carriers.core.raster import text_png
from mock_carriers.core.routing import RouteTable

UNREADABLE = "An error has occurred."
EARTH_RADIUS_M = 6_371_000
MAX_DROPSHOPS = 20
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


def _account(ctx: RequestContext, scope: str = auth.API_SCOPE) -> str:
    """The account of the request's token, once its scopes allow the call."""
    token = auth.authorized(ctx, scope)
    return ctx.model.account_for(token.client_id)


def _body(ctx: RequestContext, model) -> dict:
    """The bound body. Json.NET reads `//` and `/* */` comments (the docs' own customs example has
    them); JSON that still does not parse is a ModelState error in Web API's words for a remote
    caller ("An error has occurred.")."""
    try:
        body = read_body(ctx.request)
    except BadRequest:
        try:
            body = json_with_comments.loads(ctx.request.get_data(cache=True))
        except ValueError:
            raise Invalid({"request": [UNREADABLE]}) from None
    return bind_model(body, model)


def _query(ctx: RequestContext, name: str, choices: tuple[str, ...] = (), default: str | None = None) -> str:
    """A query parameter bound like a C# argument: any case for names and enum values."""
    value = next((v for k, v in ctx.request.args.items() if k.lower() == name.lower()), None)
    if value is None or value == "":
        if default is None:
            raise Invalid({name: [f"The {name} field is required."]})
        return default
    if choices:
        match = next((c for c in choices if c.lower() == value.strip().lower()), None)
        if match is None:
            raise Invalid({name: [f"The value '{value[:100]}' is not valid for {name}."]})
        return match
    return value


# reference data


def countries(ctx: RequestContext) -> Response:
    _account(ctx)
    return json_response([_country(c) for c in ctx.model.countries])


def _country(country: Mapping[str, Any]) -> dict:
    return {
        "Id": country["id"],
        "Name": country["name"],
        "Iso2Code": country["iso2"],
        "Iso3Code": country["iso3"],
        "Subdivision": country.get("subdivision"),
        "RequiresCustoms": bool(country.get("requires_customs")),
        "PostcodeRegex": country.get("postcode_regex"),
        "PostcodeRequired": bool(country.get("postcode_regex")),
    }


def services(ctx: RequestContext) -> Response:
    _account(ctx)
    return json_response([_service(ctx, slug, service) for slug, service in ctx.model.services.items()])


def _service(ctx: RequestContext, slug: str, service: Mapping[str, Any]) -> dict:
    length, width, height = service["max_dimensions"]
    image = f"{ctx.base_url}/images/couriers/{service['courier_slug']}"
    return {
        "Slug": slug,
        "Name": service["name"],
        "CourierName": service["courier"],
        "CourierSlug": service["courier_slug"],
        "CollectionType": service["collection_type"],
        "DeliveryType": service["delivery_type"],
        "Classification": service["classification"],
        "DropOffProviderCode": service.get("drop_off_provider"),
        "IsPrinterRequired": service["printer_required"],
        "MaxWeight": service["max_weight"],
        "MaxLength": length,
        "MaxWidth": width,
        "MaxHeight": height,
        "Links": {"ImageSmall": f"{image}.png", "ImageSvg": f"{image}.svg"},
    }


def courier_image(ctx: RequestContext, name: str) -> Response:
    """The courier logos the services' Links point at: the courier's name, drawn."""
    stem, _, kind = name.rpartition(".")
    courier = next((s["courier"] for s in ctx.model.services.values() if s["courier_slug"] == stem.lower()), None)
    if courier is None or kind.lower() not in ("png", "svg"):
        raise NotFound(f"No image '{name[:50]}'.")
    if kind.lower() == "png":
        return Response(text_png([courier], (160, 40), scale=2, margin=8), content_type="image/png")
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="160" height="40"><text x="8" y="26" '
        f'font-family="sans-serif" font-size="18">{courier}</text></svg>'
    )
    return Response(svg, content_type="image/svg+xml")


def quotes(ctx: RequestContext) -> Response:
    _account(ctx)
    request = _body(ctx, request_models.QUOTE)
    model: Parcel2GoModel = ctx.model
    return json_response({"Quotes": [_quote(ctx, q) for q in model.quotes(request)]})


def _quote(ctx: RequestContext, quote: dict) -> dict:
    service = quote["service"]
    price = pricing.total([quote["carriage"], *(charge for _, charge in quote["extras"])])
    collection = quote["collection"]
    return {
        "Service": _service(ctx, quote["slug"], service),
        **price.fields(),
        "EstimatedDeliveryDate": pricing.dotnet_date(pricing.add_working_days(collection, service["transit_days"])),
        "CutOff": pricing.dotnet_offset(pricing.cutoff_at(service, collection)),
        "Collection": pricing.dotnet_date(collection),
        "AvailableExtras": [_available_extra(ctx.model, kind, charge) for kind, charge in quote["available"]],
        "Extras": _chosen_extras(quote["extras"]),
        "Discount": 0,
    }


def _chosen_extras(extras: list[tuple[str, pricing.Charge]]) -> list[dict]:
    """`Amount` ex VAT, as the docs' example shows Sms: 0.3, the £0.30 an order adds before VAT."""
    return [{"Type": kind, "Amount": pricing.pounds(charge.ex_vat)} for kind, charge in extras]


def _available_extra(model: Parcel2GoModel, kind: str, charge: pricing.Charge) -> dict:
    terms = model.extras[kind]
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


def collection_dates(ctx: RequestContext) -> Response:
    _account(ctx)
    request = _body(ctx, request_models.COLLECTION_DATES)
    service = ctx.model.service(request["ServiceSlug"])
    if service is None:
        raise Invalid({"request.ServiceSlug": [f"The service '{request['ServiceSlug'][:100]}' could not be found."]})
    days = pricing.collection_dates(service, ctx.clock.now())
    return json_response({"CollectionDates": [{"CollectionDate": pricing.dotnet_date(day)} for day in days]})


def dropshops_near_postcode(ctx: RequestContext, provider: str) -> Response:
    _account(ctx)
    shops = ctx.model.dropshops(provider)
    position = ctx.model.locate(_query(ctx, "location"))
    return json_response({"Results": _nearest(shops, position) if position else []})


def dropshops_near_point(ctx: RequestContext, provider: str) -> Response:
    _account(ctx)
    shops = ctx.model.dropshops(provider)
    position = []
    for name, limit in (("latitude", 90), ("longitude", 180)):
        text = _query(ctx, name)
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not -limit <= value <= limit:
            raise Invalid({name: [f"The value '{text[:100]}' is not valid for {name}."]})
        position.append(value)
    return json_response({"Results": _nearest(shops, (position[0], position[1]))})


def _nearest(shops: list[Mapping[str, Any]], position: tuple[float, float]) -> list[dict]:
    found = sorted(((_distance(position, (s["Latitude"], s["Longitude"])), s) for s in shops), key=lambda p: p[0])
    return [
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
        for metres, shop in found[:MAX_DROPSHOPS]
    ]


def _distance(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in metres (haversine)."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(h))


def customs(ctx: RequestContext) -> Response:
    _account(ctx)
    request = _body(ctx, request_models.CUSTOMS)
    model: Parcel2GoModel = ctx.model
    answer = {}
    for item in request["Items"]:
        destinations = [(p["DeliveryAddress"] or {}) for p in item["Parcels"] or []]
        needed = any(
            model.requires_customs(model.country(d.get("CountryIsoCode"), d.get("Subdivision"))) for d in destinations
        )
        answer[item["Id"]] = {
            "RequiresCustomsDetails": needed,
            "VatStatus": VAT_LABELS,
            "ReasonsForExport": EXPORT_LABELS,
        }
    return json_response(answer)


# orders


def verify_order(ctx: RequestContext) -> Response:
    _account(ctx)
    request = _body(ctx, request_models.ORDER)
    try:
        priced = ctx.model.price_order(request)
    except Invalid as error:
        raise order_errors(error.fields["Items"]) from None
    items = [
        {
            "ItemId": entry["item"]["Id"],
            "Service": entry["service"],
            **entry["charge"].fields(),
            "Extras": _chosen_extras(entry["extras"]),
        }
        for entry in priced
    ]
    return json_response(
        {"Items": items, **pricing.total(entry["charge"] for entry in priced).fields(), "TotalDiscount": 0}
    )


def create_order(ctx: RequestContext) -> Response:
    account = _account(ctx)
    request = _body(ctx, request_models.ORDER)
    try:
        order = ctx.model.create_order(account, request)
    except Invalid as error:
        raise order_errors(error.fields["Items"]) from None
    return json_response(
        {
            "OrderId": order.id,
            "Links": _payment_links(ctx, order),
            **order.charge.fields(),
            "Hash": order.hash,
            "OrderlineIdMap": [
                {"Hash": line.hash, "OrderLineId": str(line.id), "ItemId": line.item_id} for line in order.lines
            ],
            "TotalDiscount": 0,
        }
    )


def _payment_links(ctx: RequestContext, order: Order) -> dict:
    return {
        "PayWithPrePay": f"{ctx.base_url}/api/orders/{order.id}/paywithprepay?hash={order.hash}",
        "payment": f"{ctx.base_url}/order/payment?id={order.id}&hash={order.hash}",
        "help": f"{ctx.base_url}/help-centre",
    }


def _document_links(ctx: RequestContext, order: Order) -> list[dict]:
    """After payment: the API labels link first (an A4 PNG of every label), then the documents."""
    model: Parcel2GoModel = ctx.model
    links = [
        {
            "Name": "Labels",
            "Link": f"{ctx.base_url}/api/labels/{order.id}?referenceType=OrderId"
            f"&detailLevel=Labels&labelMedia=A4&labelFormat=PNG&hash={order.hash}",
        }
    ]
    drop_off = any(model.drop_off(line) for line in order.lines)
    links += [
        {"Name": kind, "Link": f"{ctx.base_url}/documents/{order.id}/{kind}?hash={order.hash}"}
        for kind in labels.PUBLIC
        if drop_off or kind not in labels.DROP_OFF_ONLY
    ]
    links.append({"Name": "help", "Link": f"{ctx.base_url}/help-centre"})
    return links


def get_order(ctx: RequestContext) -> Response:
    _account(ctx)
    order = ctx.model.order_with_hash(_query(ctx, "orderId"), _query(ctx, "hash"))
    links = (
        {link["Name"]: link["Link"] for link in _document_links(ctx, order)}
        if order.paid_at
        else _payment_links(ctx, order)
    )
    return json_response(
        {
            "OrderId": order.id,
            "Hash": order.hash,
            "Created": pricing.dotnet_offset(order.created_at),
            "PaidDate": pricing.dotnet_offset(order.paid_at) if order.paid_at else None,
            **order.charge.fields(),
            "TotalDiscount": 0,
            "Links": links,
            "CustomerDetails": order.customer,
            "Items": [_order_item(ctx, order, line) for line in order.lines],
        }
    )


def _order_item(ctx: RequestContext, order: Order, line: OrderLine) -> dict:
    model: Parcel2GoModel = ctx.model
    service = model.services[line.service]
    return {
        "ItemId": line.item_id,
        "OrderLineId": line.id,
        "Hash": line.hash,
        "Service": line.service,
        "ServiceName": service["name"],
        "CourierName": service["courier"],
        "CollectionDate": pricing.dotnet_offset(line.collection_date),
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
                "Links": {"tracking-page": f"{ctx.base_url}/tracking/{p.tracking_number}"} if p.tracking_number else {},
            }
            for p in line.parcels
        ],
    }


def pay_with_prepay(ctx: RequestContext, order_id: str) -> Response:
    return _pay(ctx, order_id, with_prepay=True)


def pay_with_stored_card(ctx: RequestContext, order_id: str) -> Response:
    return _pay(ctx, order_id, with_prepay=False)


def _pay(ctx: RequestContext, order_id: str, with_prepay: bool) -> Response:
    account = _account(ctx, "payment")
    model: Parcel2GoModel = ctx.model
    order = model.order(order_id)
    if _query(ctx, "hash", default="").replace(" ", "+") != order.hash:
        raise payment_error("InvalidHash", "The hash supplied is not valid for this order.")
    if not with_prepay:
        card = _query(ctx, "storedCardId", default="")
        cards = model.account(account)["stored_cards"]
        if not any(str(c["Id"]) == card.strip() for c in cards):
            raise payment_error("StoredCardNotFound", "The stored card could not be found.")
    try:
        model.pay(order, account, with_prepay)
    except Conflict as error:
        raise payment_error("OrderAlreadyPaid", error.message) from None
    except Forbidden as error:
        raise payment_error("InsufficientFunds", error.message) from None
    return json_response({"Links": _document_links(ctx, order)})


def prepay_balance(ctx: RequestContext) -> Response:
    account = _account(ctx, "payment")
    return json_response(pricing.pounds(ctx.model.balance(account)))


def stored_cards(ctx: RequestContext) -> Response:
    account = _account(ctx, "payment")
    return json_response(ctx.model.account(account)["stored_cards"])


def _owned_order(ctx: RequestContext, account: str, order: Order, hashes: tuple[str, ...]) -> None:
    """An order is the caller's when its account made it, or when the caller knows its hash."""
    given = _query(ctx, "hash", default="").replace(" ", "+")
    if order.account != account and (not given or given not in hashes):
        raise NotFound(f"The order '{order.id}' could not be found.")


def parcel_numbers(ctx: RequestContext, order_id: str) -> Response:
    account = _account(ctx)
    order = ctx.model.order(order_id)
    _owned_order(ctx, account, order, (order.hash,))
    return json_response(
        {
            "TrackingNumbers": [
                {"ParcelId": parcel.number, "TrackingNumber": parcel.tracking_number}
                for line in order.lines
                for parcel in line.parcels
                if parcel.tracking_number
            ]
        }
    )


def get_labels(ctx: RequestContext, reference: str) -> Response:
    account = _account(ctx)
    model: Parcel2GoModel = ctx.model
    kind = _query(ctx, "referenceType", ("OrderId", "OrderLineId"), "OrderId")
    detail = _query(ctx, "detailLevel", labels.DETAIL_LEVELS, "Labels")
    media = _query(ctx, "labelMedia", labels.MEDIA, "A4")
    file_format = _query(ctx, "labelFormat", labels.FORMATS, "PNG")
    hashes: tuple[str, ...]  # the order's, and the line's when one is named
    if kind == "OrderId":
        order = model.order(reference)
        lines, hashes = order.lines, (order.hash,)
    else:
        order, line = model.line(reference)
        lines, hashes = [line], (order.hash, line.hash)
    _owned_order(ctx, account, order, hashes)
    found = labels.documents(model, order, lines, detail)
    files = labels.render(found.pages, media, file_format, f"Parcel2Go order {order.id}")
    return json_response(
        {
            "SuccessfulLabels": found.labels,
            "FailedLabels": found.failed,
            "Base64EncodedLabels": [base64.b64encode(data).decode("ascii") for data in files],
        }
    )


def document(ctx: RequestContext, order_id: str, kind: str) -> Response:
    """The Links' public documents: no token, the order's hash is the key."""
    order = ctx.model.order_with_hash(order_id, _query(ctx, "hash", default=""))
    data, media_type = labels.public_document(ctx.model, order, kind)
    return Response(data, content_type=media_type)


# tracking


def tracking(ctx: RequestContext, line_id: str) -> Response:
    account = _account(ctx)
    order, line = ctx.model.line(line_id)
    _owned_order(ctx, account, order, (order.hash, line.hash))
    return json_response(
        {
            "Results": [  # newest first: Parcel2Go's own plugin shows Results[0] as the latest
                {
                    "Timestamp": pricing.dotnet_offset(event.at),
                    "StatusCode": event.data["code"],
                    "Description": event.data["description"],
                    "TrackingStage": event.data["stage"],
                }
                for event in reversed(ctx.model.tracking(line))
            ]
        }
    )


# me


def me_detail(ctx: RequestContext) -> Response:
    return json_response(ctx.model.account(_account(ctx, "my-profile"))["detail"])


def me_delivery_addresses(ctx: RequestContext) -> Response:
    return json_response(ctx.model.account(_account(ctx, "my-profile"))["delivery_addresses"])


def me_collection_addresses(ctx: RequestContext) -> Response:
    return json_response(ctx.model.account(_account(ctx, "my-profile"))["collection_addresses"])


def build_routes() -> RouteTable:
    """ASP.NET routes, matched case-insensitively; `/auth` is IdentityServer's own."""
    routes = RouteTable(case_insensitive=True)
    routes.add(["POST"], "/auth/connect/token", auth.issue_token, "issueToken")
    routes.add(["GET"], "/auth/connect/authorize", auth.authorize, "authorize")
    routes.add(["POST"], "/auth/connect/revocation", auth.revoke_token, "revokeToken")
    routes.add(["GET"], "/auth/.well-known/openid-configuration", auth.discovery, "getOpenIdConfiguration")
    routes.add(["GET"], "/auth/.well-known/openid-configuration/jwks", auth.jwks, "getJsonWebKeys")
    routes.add(["POST"], "/api/quotes", quotes, "getQuotes")
    routes.add(["GET"], "/api/countries", countries, "getCountries")
    routes.add(["GET"], "/api/services", services, "getServices")
    routes.add(["POST"], "/api/collectiondates", collection_dates, "getCollectionDates")
    routes.add(["GET"], "/api/dropshops/<provider>/location", dropshops_near_postcode, "getDropShopsByLocation")
    routes.add(["GET"], "/api/dropshops/<provider>/geolocation", dropshops_near_point, "getDropShopsByGeolocation")
    routes.add(["POST"], "/api/customs", customs, "getCustomsRequirements")
    routes.add(["POST"], "/api/orders/verify", verify_order, "verifyOrder")
    routes.add(["POST"], "/api/orders", create_order, "createOrder")
    routes.add(["GET"], "/api/orders", get_order, "getOrder")
    routes.add(["POST"], "/api/orders/<order_id>/paywithprepay", pay_with_prepay, "payWithPrePay")
    routes.add(["POST"], "/api/orders/<order_id>/paywithstoredcard", pay_with_stored_card, "payWithStoredCard")
    routes.add(["POST"], "/api/orders/<order_id>/parcelnumbers", parcel_numbers, "getParcelNumbers")
    routes.add(["GET"], "/api/prepay", prepay_balance, "getPrePayBalance")
    routes.add(["GET"], "/api/storedcards", stored_cards, "getStoredCards")
    routes.add(["GET"], "/api/labels/<reference>", get_labels, "getLabels")
    routes.add(["GET"], "/api/tracking/<line_id>", tracking, "getTracking")
    for path, handler, name in (
        ("detail", me_detail, "Detail"),
        ("deliveryAddresses", me_delivery_addresses, "DeliveryAddresses"),
        ("collectionAddresses", me_collection_addresses, "CollectionAddresses"),
    ):
        routes.add(["GET"], f"/api/me/{path}", handler, f"getMe{name}")
        routes.add(["POST"], f"/api/me/{path}", handler, f"postMe{name}")
    routes.add(["GET"], "/documents/<order_id>/<kind>", document, "getDocument")
    routes.add(["GET"], "/images/couriers/<name>", courier_image, "getCourierImage")
    routes.add(["GET"], "/order/payment", pages.payment, "getPaymentPage")
    routes.add(["GET"], "/help-centre", pages.help_centre, "getHelpCentre")
    routes.add(["GET"], "/tracking/<tracking_number>", pages.tracking, "getTrackingPage")
    routes.add(["GET"], "/api/docs", pages.api_docs, "getApiDocsPage")
    routes.add(["GET"], "/api/swagger", pages.swagger, "getSwaggerPage")
    return routes
