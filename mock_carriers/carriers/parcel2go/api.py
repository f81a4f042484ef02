"""Parcel2Go over HTTP: `/auth` (IdentityServer) and `/api` (ASP.NET Web API, PascalCase JSON,
case-insensitive routes), as carriers.md section 4.2 lists them. Bodies bind from JSON or from
the PHP-style forms the official WooCommerce plugin posts. Each route parses (`inputs`), calls the
model and renders (`outputs`)."""

from __future__ import annotations

from werkzeug.wrappers import Response

from mock_carriers.carriers.base import RequestContext
from mock_carriers.carriers.parcel2go import auth, inputs, labels, outputs, pages, pricing
from mock_carriers.carriers.parcel2go.model import OrderRejected, Parcel2GoModel, PaymentRefused
from mock_carriers.core.errors import Invalid, NotFound, json_response
from mock_carriers.core.routing import RouteTable


def _account(ctx: RequestContext, scope: str = auth.API_SCOPE) -> str:
    """The account of the request's token, once its scopes allow the call."""
    token = auth.authorized(ctx, scope)
    return ctx.model.account_for(token.client_id)


# reference data


def countries(ctx: RequestContext) -> Response:
    _account(ctx)
    return json_response([outputs.country(c) for c in ctx.model.countries])


def services(ctx: RequestContext) -> Response:
    _account(ctx)
    return json_response([outputs.service(ctx.base_url, slug, terms) for slug, terms in ctx.model.services.items()])


def courier_image(ctx: RequestContext, name: str) -> Response:
    """The courier logos the services' Links point at."""
    stem, _, kind = name.rpartition(".")
    courier = next((s["courier"] for s in ctx.model.services.values() if s["courier_slug"] == stem.lower()), None)
    if courier is None or kind.lower() not in ("png", "svg"):
        raise NotFound(f"No image '{name[:50]}'.")
    data, media_type = outputs.courier_logo(courier, kind.lower())
    return Response(data, content_type=media_type)


def quotes(ctx: RequestContext) -> Response:
    _account(ctx)
    request = inputs.body(ctx.request, inputs.QUOTE)
    model: Parcel2GoModel = ctx.model
    return json_response(outputs.quotes(ctx.base_url, model.extras, model.quotes(request)))


def collection_dates(ctx: RequestContext) -> Response:
    _account(ctx)
    request = inputs.body(ctx.request, inputs.COLLECTION_DATES)
    service = ctx.model.service(request["ServiceSlug"])
    if service is None:
        raise Invalid({"request.ServiceSlug": [f"The service '{request['ServiceSlug'][:100]}' could not be found."]})
    return json_response(outputs.collection_dates(pricing.collection_dates(service, ctx.clock.now())))


def dropshops_near_postcode(ctx: RequestContext, provider: str) -> Response:
    _account(ctx)
    shops = ctx.model.dropshops(provider)
    position = ctx.model.locate(inputs.query(ctx.request, "location"))
    return json_response(outputs.dropshops(ctx.model.nearest(shops, position) if position else []))


def dropshops_near_point(ctx: RequestContext, provider: str) -> Response:
    _account(ctx)
    shops = ctx.model.dropshops(provider)
    return json_response(outputs.dropshops(ctx.model.nearest(shops, inputs.position(ctx.request))))


def customs(ctx: RequestContext) -> Response:
    _account(ctx)
    request = inputs.body(ctx.request, inputs.CUSTOMS)
    model: Parcel2GoModel = ctx.model
    needed = {
        item["Id"]: model.customs_needed(p["DeliveryAddress"] or {} for p in item["Parcels"] or [])
        for item in request["Items"]
    }
    return json_response(outputs.customs(needed))


# orders


def verify_order(ctx: RequestContext) -> Response:
    _account(ctx)
    request = inputs.body(ctx.request, inputs.ORDER)
    try:
        priced = ctx.model.price_order(request)
    except OrderRejected as error:
        raise outputs.order_rejected(error) from None
    return json_response(outputs.verified_order(priced))


def create_order(ctx: RequestContext) -> Response:
    account = _account(ctx)
    request = inputs.body(ctx.request, inputs.ORDER)
    try:
        order = ctx.model.create_order(account, request)
    except OrderRejected as error:
        raise outputs.order_rejected(error) from None
    return json_response(outputs.created_order(ctx.base_url, order))


def get_order(ctx: RequestContext) -> Response:
    _account(ctx)
    order = ctx.model.order_with_hash(inputs.query(ctx.request, "orderId"), inputs.query(ctx.request, "hash"))
    return json_response(outputs.order_details(ctx.base_url, ctx.model, order))


def pay_with_prepay(ctx: RequestContext, order_id: str) -> Response:
    return _pay(ctx, order_id, with_prepay=True)


def pay_with_stored_card(ctx: RequestContext, order_id: str) -> Response:
    return _pay(ctx, order_id, with_prepay=False)


def _pay(ctx: RequestContext, order_id: str, with_prepay: bool) -> Response:
    account = _account(ctx, "payment")
    model: Parcel2GoModel = ctx.model
    order = model.order(order_id)
    card = None if with_prepay else inputs.query(ctx.request, "storedCardId", default="")
    try:
        model.pay(order, account, inputs.order_hash(ctx.request), card)
    except PaymentRefused as error:
        raise outputs.payment_refused(error) from None
    return json_response(outputs.paid(ctx.base_url, model, order))


def prepay_balance(ctx: RequestContext) -> Response:
    account = _account(ctx, "payment")
    return json_response(pricing.pounds(ctx.model.balance(account)))


def stored_cards(ctx: RequestContext) -> Response:
    account = _account(ctx, "payment")
    return json_response(ctx.model.account(account)["stored_cards"])


def parcel_numbers(ctx: RequestContext, order_id: str) -> Response:
    account = _account(ctx)
    order = ctx.model.owned_order(account, order_id, inputs.order_hash(ctx.request))
    return json_response(outputs.parcel_numbers(order))


def get_labels(ctx: RequestContext, reference: str) -> Response:
    account = _account(ctx)
    model: Parcel2GoModel = ctx.model
    kind = inputs.query(ctx.request, "referenceType", ("OrderId", "OrderLineId"), "OrderId")
    detail = inputs.query(ctx.request, "detailLevel", labels.DETAIL_LEVELS, "Labels")
    media = inputs.query(ctx.request, "labelMedia", labels.MEDIA, "A4")
    file_format = inputs.query(ctx.request, "labelFormat", labels.FORMATS, "PNG")
    if kind == "OrderId":
        order = model.owned_order(account, reference, inputs.order_hash(ctx.request))
        lines = order.lines
    else:
        order, line = model.owned_line(account, reference, inputs.order_hash(ctx.request))
        lines = [line]
    found = labels.documents(model, order, lines, detail)
    files = labels.render(found.pages, media, file_format, f"Parcel2Go order {order.id}")
    return json_response(outputs.label_files(found, files))


def document(ctx: RequestContext, order_id: str, kind: str) -> Response:
    """The Links' public documents: no token, the order's hash is the key."""
    order = ctx.model.order_with_hash(order_id, inputs.query(ctx.request, "hash", default=""))
    data, media_type = labels.public_document(ctx.model, order, kind)
    return Response(data, content_type=media_type)


# tracking


def tracking(ctx: RequestContext, line_id: str) -> Response:
    account = _account(ctx)
    _, line = ctx.model.owned_line(account, line_id, inputs.order_hash(ctx.request))
    return json_response(outputs.tracking(ctx.model.tracking(line)))


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
