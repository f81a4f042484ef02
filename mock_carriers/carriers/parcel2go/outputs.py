"""Parcel2Go's business-error bodies: an order's problems as `{"Errors": [{"Type", "Error",
"ItemId"}]}`, a payment's as `{"Errors": [{"Name", "Description"}]}`, both with HTTP 400. The
model says what went wrong (core's semantic errors); this module says how Parcel2Go shows it."""

from __future__ import annotations

from typing import Iterable

from mock_carriers.carriers.parcel2go.model import NO_PRICE
from mock_carriers.core.errors import ShapedError


def order_errors(problems: Iterable[tuple[str | None, str, str]]) -> ShapedError:
    """(item id, type, text) for each problem, in the order Parcel2Go lists them."""
    return ShapedError(
        {"Errors": [{"Type": kind, "Error": text, "ItemId": item_id} for item_id, kind, text in problems]}
    )


def business_error(message: str | None) -> ShapedError:
    """A scripted business failure: the service could not be priced."""
    return order_errors([(None, "Service", message or NO_PRICE)])


def payment_error(name: str, description: str | None) -> ShapedError:
    return ShapedError({"Errors": [{"Name": name, "Description": description}]})
