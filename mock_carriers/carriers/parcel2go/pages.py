"""The web pages the `Links` send a customer to (`payment`, `help`, `tracking-page`), and the API
docs and Swagger pages the docs' "Endpoints" table lists: on the real site they are Parcel2Go's
booking flow, help centre, tracking page and API documentation. The mock answers each with a small
page of its own that says it is the stand-in, so a client that follows a link (or opens it in a
browser) lands on the mock instead of a 404."""

from __future__ import annotations

from html import escape

from werkzeug.wrappers import Response

from mock_carriers.carriers.base import RequestContext
from mock_carriers.carriers.parcel2go.model import Parcel2GoModel
from mock_carriers.carriers.parcel2go.pricing import pounds


def payment(ctx: RequestContext) -> Response:
    """The `payment` deep link: the order's id and hash are the key, as for the public documents."""
    model: Parcel2GoModel = ctx.model
    order = model.order_with_hash(ctx.request.args.get("id", ""), ctx.request.args.get("hash", ""))
    state = "paid" if order.paid_at else "not paid yet"
    return _page(
        "Payment",
        f"Order {escape(order.id)}: {pounds(order.charge.total):.2f} GBP, {state}.",
        "The real link opens Parcel2Go's booking flow, where the customer pays. The mock takes "
        "payment through the API only: POST the order's PayWithPrePay link.",
    )


def help_centre(ctx: RequestContext) -> Response:
    return _page("Help centre", "The real link opens Parcel2Go's help centre.")


def tracking(ctx: RequestContext, tracking_number: str) -> Response:
    return _page(
        "Tracking",
        f"Parcel {escape(tracking_number[:100])}.",
        "The real link opens Parcel2Go's tracking page. In the mock, read the parcel's events from "
        "GET /api/tracking/{OrderLineId}.",
    )


def api_docs(ctx: RequestContext) -> Response:
    return _page("API docs", "The real link opens Parcel2Go's API documentation.", _CONTRACT)


def swagger(ctx: RequestContext) -> Response:
    return _page("Swagger", "The real link opens Parcel2Go's Swagger description of its API.", _CONTRACT)


_CONTRACT = (
    "What the mock serves is described by its OpenAPI contract, contracts/parcel2go.openapi.yaml "
    "(<code>mock-carriers contracts show parcel2go</code>)."
)


def _page(title: str, *paragraphs: str) -> Response:
    body = "".join(f"<p>{text}</p>" for text in paragraphs)
    return Response(
        f'<!doctype html><html><head><meta charset="utf-8"><title>Parcel2Go {title} (mock-carriers)'
        f"</title></head><body><h1>Parcel2Go {title}</h1><p>This is mock-carriers' stand-in for "
        f"Parcel2Go's page.</p>{body}</body></html>",
        content_type="text/html; charset=utf-8",
    )
