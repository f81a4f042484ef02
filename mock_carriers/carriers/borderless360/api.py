"""Borderless360 over HTTP: Django REST Framework under `/api/v1/public_api/`, snake_case,
trailing slashes (a path without one answers 301 to it), `Authorization: Token <key>`,
LimitOffset pagination, `expand=` and `?format=json`."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Callable

from werkzeug.wrappers import Response

from mock_carriers.carriers.base import RequestContext
from mock_carriers.carriers.borderless360 import inputs, outputs
from mock_carriers.carriers.borderless360.model import Borderless360Model
from mock_carriers.core.drf.pagination import LimitOffset
from mock_carriers.core.drf.parsers import Form, html_input, parse_body
from mock_carriers.core.drf.routers import router
from mock_carriers.core.drf.serializers import Nested, parse_datetime, validate
from mock_carriers.core.drf.token_auth import keyword_token
from mock_carriers.core.drf.views import DrfViews, query_params
from mock_carriers.core.errors import Invalid, NotFound, json_response
from mock_carriers.core.pdf import MM, text_pdf
from mock_carriers.core.routing import RouteTable

API = "/api/v1/public_api"
PAGES = LimitOffset(default_limit=20)
LABEL_SIZE = (101.6 * MM, 152.4 * MM)


def _client(ctx: RequestContext) -> tuple[str, Borderless360Model]:
    """The caller's client id, once its token checks out and the world is settled to now."""
    token = keyword_token(ctx.tokens, ctx.request.headers.get("Authorization"))
    model: Borderless360Model = ctx.model
    ctx.namespace.timelines.settle()
    return token.client_id, model


def _body(ctx: RequestContext, serializer: Nested, partial: bool = False) -> dict:
    """The parsed and validated body, as DRF's parsers and serializers read it."""
    data = parse_body(ctx.request)
    if isinstance(data, Form):
        data = html_input(serializer, data)
    return validate(data, serializer, partial)


def _arg(ctx: RequestContext, name: str) -> str | None:
    """A query parameter as a view reads it: the last of a repeated one."""
    return query_params(ctx.request).get(name)


def _expand(ctx: RequestContext) -> set[str]:
    return {name.strip() for value in ctx.request.args.getlist("expand") for name in value.split(",")}


def _page(ctx: RequestContext, items: list, render: Callable[[Any], Any]) -> Response:
    query = list(ctx.request.args.items(multi=True))
    return json_response(PAGES.page(items, ctx.url, query, render))


def _number_filter(ctx: RequestContext, name: str, message: str) -> int | None:
    text = _arg(ctx, name)
    if text is None or text == "":
        return None
    if not (text.isascii() and text.isdigit()) or len(text) > 18:
        raise Invalid({name: [message]})
    return int(text)


def _time_filter(ctx: RequestContext, name: str):
    text = _arg(ctx, name)
    if not text:
        return None
    moment = parse_datetime(text)
    if moment is None:
        raise Invalid({name: ["Enter a valid date/time."]})
    return moment


CHOICE = "Select a valid choice. That choice is not one of the available choices."


# orders


def list_orders(ctx: RequestContext) -> Response:
    client, model = _client(ctx)
    found = model.orders_of(client)
    for name in ("customer_reference", "state", "order_type"):
        wanted = _arg(ctx, name)
        if wanted:
            found = [o for o in found if getattr(o, name) == wanted]
    expand = _expand(ctx)
    return _page(ctx, found, lambda order: outputs.order(model, order, expand))


def create_order(ctx: RequestContext) -> Response:
    client, model = _client(ctx)
    order = model.create_order(client, _body(ctx, inputs.ORDER))
    return json_response(outputs.order(model, order), 201)


def get_order(ctx: RequestContext, order_id: str) -> Response:
    client, model = _client(ctx)
    return json_response(outputs.order(model, model.order(client, order_id), _expand(ctx)))


def replace_order(ctx: RequestContext, order_id: str) -> Response:
    return _update(ctx, order_id, partial=False)


def patch_order(ctx: RequestContext, order_id: str) -> Response:
    return _update(ctx, order_id, partial=True)


def _update(ctx: RequestContext, order_id: str, partial: bool) -> Response:
    client, model = _client(ctx)
    order = model.order(client, order_id)
    data = _body(ctx, inputs.ORDER, partial)
    return json_response(outputs.order(model, model.update_order(client, order, data, partial)))


def cancel_order(ctx: RequestContext, order_id: str) -> Response:
    client, model = _client(ctx)
    return json_response(outputs.order(model, model.cancel(model.order(client, order_id))))


def create_return(ctx: RequestContext) -> Response:
    client, model = _client(ctx)
    order = model.create_return(
        client, _body(ctx, inputs.RETURN), lambda reference: f"{ctx.base_url}/media/return_labels/{reference}.pdf"
    )
    return json_response(outputs.return_order(model, order), 201)


def return_label(ctx: RequestContext, name: str) -> Response:
    """The return order's shipping label, where `shipping_label` points (a public file URL)."""
    model: Borderless360Model = ctx.model
    reference = name.removesuffix(".pdf")
    found = next((o for o in model.orders.values() if o.is_return and o.reference == reference), None)
    if found is None or not name.endswith(".pdf"):
        raise NotFound()
    option = model.shipping_option(found.shipping_option) or {}
    address = found.data["source_address"] or {}
    destination = found.data["destination_address"]
    return Response(
        text_pdf(
            [
                [
                    f"{option.get('courier', '')} - {option.get('service_name', '')}",
                    f"RETURN {found.reference}",
                    f"Tracking: {found.tracking_number}",
                    f"From: {address.get('full_name', '')}, {address.get('city', '')}",
                    f"To: {destination['address_1']}, {destination['city']}",
                ]
            ],
            LABEL_SIZE,
            title=f"Return label {found.reference}",
        ),
        content_type="application/pdf",
    )


def order_serial_numbers(ctx: RequestContext, order_id: str) -> Response:
    client, model = _client(ctx)
    order = model.order(client, order_id)
    return json_response([outputs.serial(s) for s in model.serials_of(client) if s["order"] == order.id])


def search_serial_numbers(ctx: RequestContext) -> Response:
    client, model = _client(ctx)
    bounds = {name: _time_filter(ctx, name) for name in ("created_from", "created_to", "modified_from", "modified_to")}
    search = (_arg(ctx, "search") or "").strip().lower()
    found = []
    for row in model.serials_of(client):
        if (
            bounds["created_from"]
            and row["created"] < bounds["created_from"]
            or bounds["created_to"]
            and row["created"] > bounds["created_to"]
            or bounds["modified_from"]
            and row["modified"] < bounds["modified_from"]
            or bounds["modified_to"]
            and row["modified"] > bounds["modified_to"]
        ):
            continue
        texts = (model.orders[row["order"]].reference, row["product_sku"], row["serial_number"])
        if search and not any(search in text.lower() for text in texts):
            continue
        found.append(outputs.serial(row))
    return json_response(found)


# products, 3PLs and stock


def list_products(ctx: RequestContext) -> Response:
    client, model = _client(ctx)
    found = sorted(model.stock.of_client(client), key=lambda p: p.id)
    sku, search = _arg(ctx, "sku"), (_arg(ctx, "search") or "").lower()
    if sku:
        found = [p for p in found if p.data["sku"] == sku]
    if search:
        found = [p for p in found if search in p.data["sku"].lower() or search in p.data["title"].lower()]
    return _page(ctx, found, outputs.product)


def create_product(ctx: RequestContext) -> Response:
    client, model = _client(ctx)
    data = _body(ctx, inputs.PRODUCT)
    if model.stock.by_sku(client, data["sku"]) is not None:
        raise Invalid({"sku": ["product with this sku already exists."]})
    zero_price, zero_size = Decimal("0.00"), Decimal("0.000")
    for name in ("declared_price", "wholesale_price", "retail_price"):
        data.setdefault(name, zero_price)
    for name in ("width", "length", "height", "weight"):
        data.setdefault(name, zero_size)
    data.pop("inventory_levels", None)
    return json_response(outputs.product(model.stock.add_product(client, data, model.now())), 201)


def get_product(ctx: RequestContext, product_id: str) -> Response:
    client, model = _client(ctx)
    found = (
        model.stock.product(client, int(product_id))
        if product_id.isascii() and product_id.isdigit() and len(product_id) < 12
        else None
    )
    if found is None:
        raise NotFound()
    return json_response(outputs.product(found))


def list_three_pls(ctx: RequestContext) -> Response:
    _, model = _client(ctx)
    return _page(ctx, model.three_pls, outputs.three_pl)


def list_inventory_levels(ctx: RequestContext) -> Response:
    client, model = _client(ctx)
    found = model.stock.levels_of(client)
    for name in ("three_pl", "three_pl_id"):  # the docs' workflow names `three_pl_id`, their example `three_pl`
        three_pl = _number_filter(ctx, name, CHOICE)
        if three_pl is not None:
            if model.three_pl(three_pl) is None:
                raise Invalid({name: [CHOICE]})
            found = [level for level in found if level.three_pl == three_pl]
    product = _number_filter(ctx, "product", CHOICE)
    if product is not None:
        if model.stock.product(client, product) is None:
            raise Invalid({"product": [CHOICE]})
        found = [level for level in found if level.product == product]
    expand = _expand(ctx)
    return _page(ctx, found, lambda level: outputs.level(model, level, expand))


def list_stock_adjustments(ctx: RequestContext) -> Response:
    client, model = _client(ctx)
    since, until = _time_filter(ctx, "date_from"), _time_filter(ctx, "date_to")
    found = [
        a
        for a in sorted(model.stock.adjustments.values(), key=lambda a: -a.id)
        if a.client == client and (since is None or a.created >= since) and (until is None or a.created <= until)
    ]
    return _page(ctx, found, outputs.adjustment)


def create_stock_adjustment(ctx: RequestContext) -> Response:
    client, model = _client(ctx)
    data = _body(ctx, inputs.ADJUSTMENT)
    errors: dict = {}
    if model.three_pl(data["three_pl"]) is None:
        errors["three_pl"] = [f'Invalid pk "{data["three_pl"]}" - object does not exist.']
    lines = [
        {}
        if model.stock.product(client, line["product"])
        else {"product": [f'Invalid pk "{line["product"]}" - object does not exist.']}
        for line in data["lines"]
    ]
    if any(lines):
        errors["lines"] = lines
    if errors:
        raise Invalid(errors)
    adjustment = model.stock.adjust(
        client, data["three_pl"], data.get("reference", ""), data.get("comment", ""), data["lines"], model.now()
    )
    return json_response(outputs.adjustment(adjustment), 201)


def get_stock_adjustment(ctx: RequestContext, adjustment_id: str) -> Response:
    client, model = _client(ctx)
    found = (
        model.stock.adjustments.get(int(adjustment_id))
        if adjustment_id.isascii() and adjustment_id.isdigit() and len(adjustment_id) < 12
        else None
    )
    if found is None or found.client != client:
        raise NotFound()
    return json_response(outputs.adjustment(found))


def list_stock_transactions(ctx: RequestContext) -> Response:
    client, model = _client(ctx)
    found = sorted(model.stock.transactions_of(client), key=lambda t: -t.id)
    adjustment = _number_filter(ctx, "stock_adjustment_id", "Enter a number.")
    if adjustment is not None:
        found = [t for t in found if t.content_type == "stockadjustment" and t.object_id == adjustment]
    return _page(ctx, found, outputs.transaction)


def build_routes() -> RouteTable:
    routes = router(DrfViews(_client, prefix=API, renders=("application/json",)))  # JSON only: `format=api` is a 404
    routes.add(["GET"], f"{API}/orders/", list_orders, "listOrders")
    routes.add(["POST"], f"{API}/orders/", create_order, "createOrder")
    routes.add(["GET"], f"{API}/orders/orders_serial_numbers/", search_serial_numbers, "searchSerialNumbers")
    routes.add(["GET"], f"{API}/orders/<order_id>/", get_order, "getOrder")
    routes.add(["PUT"], f"{API}/orders/<order_id>/", replace_order, "replaceOrder")
    routes.add(["PATCH"], f"{API}/orders/<order_id>/", patch_order, "updateOrder")
    routes.add(["POST"], f"{API}/orders/<order_id>/cancel/", cancel_order, "cancelOrder")
    routes.add(["GET"], f"{API}/orders/<order_id>/serial_numbers/", order_serial_numbers, "getOrderSerialNumbers")
    routes.add(["POST"], f"{API}/order/return/", create_return, "createReturn")
    routes.add(["GET"], f"{API}/products/", list_products, "listProducts")
    routes.add(["POST"], f"{API}/products/", create_product, "createProduct")
    routes.add(["GET"], f"{API}/products/<product_id>/", get_product, "getProduct")
    routes.add(["GET"], f"{API}/three_pl/three_pls/", list_three_pls, "listThreePls")
    routes.add(["GET"], f"{API}/inventory/inventory_levels/", list_inventory_levels, "listInventoryLevels")
    routes.add(["GET"], f"{API}/inventory/stock_adjustments/", list_stock_adjustments, "listStockAdjustments")
    routes.add(["POST"], f"{API}/inventory/stock_adjustments/", create_stock_adjustment, "createStockAdjustment")
    routes.add(
        ["GET"], f"{API}/inventory/stock_adjustments/<adjustment_id>/", get_stock_adjustment, "getStockAdjustment"
    )
    routes.add(["GET"], f"{API}/inventory/stock_transactions/", list_stock_transactions, "listStockTransactions")
    routes.add(["GET"], "/media/return_labels/<name>", return_label, "getReturnLabel")
    return routes
