"""What Parcel2Go's API reads from a request (carriers.md section 4.2): the bodies it binds, as
model-binding specs, and its query parameters, bound like C# arguments.

Field names are the documented PascalCase ones; clients may send any case, and forms too.
Limits are the mock's (marked as guesses in the contract): generous for real parcels, small
enough that no request can make the mock do unbounded work.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Mapping

from flask import Request

from mock_carriers.core.aspnet import json_with_comments
from mock_carriers.core.aspnet.model_validation import (
    Errors,
    Field,
    Guid,
    Instant,
    ListOf,
    Number,
    Obj,
    Text,
    bind_model,
)
from mock_carriers.core.aspnet.request_values import read_body
from mock_carriers.core.errors import BadRequest, Invalid

UNREADABLE = "An error has occurred."

EXTRA_TYPES = ("Sms", "Signature", "Cover", "DeliveryGuarantee", "ExtendedBaseCover", "PrintInStore")
EXPORT_REASONS = ("Sale", "Gift", "Sample", "Repair", "Documents", "IntraCompanyTransfer", "TemporaryExport")
VAT_STATUSES = ("Individual", "NotRegistered", "Registered")
MAX_PARCELS, MAX_ITEMS = 20, 50

WEIGHT_KG = Number(required=True, minimum=0.01, maximum=1000)
SIDE_CM = Number(required=True, minimum=0.1, maximum=1000)
VALUE = Number(minimum=0, maximum=1_000_000)
EXTRA_TYPE = Text(required=True, choices=EXTRA_TYPES)


@dataclass(frozen=True)
class Extra(Field):
    """An extra: `{"Type": "Sms"}` as the docs send it, or the bare name `Sms`, as Parcel2Go's own
    WooCommerce plugin posts it (`Items[0][Upsells][0]=Cover`)."""

    def convert(self, value: Any, path: str, errors: Errors) -> Any:
        if isinstance(value, Mapping):
            return Obj(fields={"Type": EXTRA_TYPE}).convert(value, path, errors)
        return {"Type": EXTRA_TYPE.convert(value, path, errors)}


EXTRAS = ListOf(Extra(), max_items=len(EXTRA_TYPES))

QUOTE_ADDRESS = Obj(
    required=True,
    fields={
        "Country": Text(required=True, max_length=3),
        "Postcode": Text(max_length=20),
        "Property": Text(),
        "Street": Text(),
        "Town": Text(),
        "VatStatus": Text(choices=VAT_STATUSES),
        "Subdivision": Text(max_length=20),
    },
)

QUOTE = Obj(
    fields={
        "CollectionAddress": QUOTE_ADDRESS,
        "DeliveryAddress": QUOTE_ADDRESS,
        "Parcels": ListOf(
            Obj(fields={"Value": VALUE, "Weight": WEIGHT_KG, "Length": SIDE_CM, "Width": SIDE_CM, "Height": SIDE_CM}),
            required=True,
            min_items=1,
            max_items=MAX_PARCELS,
        ),
        "Extras": EXTRAS,
    }
)

ADDRESS = Obj(
    required=True,
    fields={
        "ContactName": Text(max_length=100),
        "Organisation": Text(max_length=100),
        "Email": Text(max_length=200),
        "Phone": Text(max_length=50),
        "Property": Text(max_length=100),
        "Street": Text(max_length=200),
        "Locality": Text(max_length=100),
        "Town": Text(max_length=100),
        "County": Text(max_length=100),
        "Postcode": Text(max_length=20),
        "CountryIsoCode": Text(required=True, max_length=3),
        "CountryId": Number(integer=True),
        "SpecialInstructions": Text(max_length=500),
        "Subdivision": Text(max_length=20),
        "ShopId": Number(integer=True),
    },
)

CONTENTS = ListOf(
    Obj(
        fields={
            "Description": Text(required=True, max_length=200),
            "Quantity": Number(integer=True, minimum=1, maximum=100_000),
            "EstimatedValue": VALUE,
            "TariffCode": Text(max_length=20),
            "OriginCountry": Text(max_length=3),
        }
    ),
    max_items=100,
)

ORDER_PARCEL = Obj(
    fields={
        "Id": Guid(),
        "Weight": WEIGHT_KG,
        "Length": SIDE_CM,
        "Width": SIDE_CM,
        "Height": SIDE_CM,
        "EstimatedValue": VALUE,
        "DeliveryAddress": ADDRESS,
        "ContentsSummary": Text(max_length=200),
        "Contents": CONTENTS,
    }
)

ORDER_ITEM = Obj(
    fields={
        "Id": Guid(required=True),
        "CollectionDate": Instant(),
        "Service": Text(required=True, max_length=100),
        "Upsells": EXTRAS,
        "Reference": Text(max_length=100),
        "CustomerReference": Text(max_length=100),
        "OriginCountry": Text(max_length=3),
        "ExportReason": Text(choices=EXPORT_REASONS),
        "VatStatus": Text(choices=VAT_STATUSES),
        "VatNumber": Text(max_length=50),
        "EoriNumber": Text(max_length=50),
        "NifNumber": Text(max_length=50),
        "IOSSCode": Text(max_length=50),
        "Parcels": ListOf(ORDER_PARCEL, required=True, min_items=1, max_items=MAX_PARCELS),
        "CollectionAddress": ADDRESS,
    }
)

ORDER = Obj(
    fields={
        "Items": ListOf(ORDER_ITEM, required=True, min_items=1, max_items=MAX_ITEMS),
        "CustomerDetails": Obj(
            required=True,
            fields={
                "Email": Text(required=True, max_length=200),
                "Forename": Text(required=True, max_length=100),
                "Surname": Text(required=True, max_length=100),
                "Reference": Text(max_length=100),
            },
        ),
    }
)

COLLECTION_DATES = Obj(
    fields={
        "ServiceSlug": Text(required=True, max_length=100),
        "Postcode": Text(max_length=20),
        "CountryIso3Code": Text(max_length=3),
        "Address": Text(),
        "City": Text(),
    }
)

CUSTOMS_ADDRESS = Obj(fields={"CountryIsoCode": Text(max_length=3), "Subdivision": Text(max_length=20)})
CUSTOMS = Obj(
    fields={
        "Items": ListOf(
            Obj(
                fields={
                    "Id": Text(required=True, max_length=100),
                    "CollectionAddress": CUSTOMS_ADDRESS,
                    "Parcels": ListOf(Obj(fields={"DeliveryAddress": CUSTOMS_ADDRESS}), max_items=MAX_PARCELS),
                }
            ),
            required=True,
            min_items=1,
            max_items=MAX_ITEMS,
        )
    }
)


def body(request: Request, model: Obj) -> dict:
    """The bound body. Json.NET reads `//` and `/* */` comments (the docs' own customs example has
    them); JSON that still does not parse is a ModelState error in Web API's words for a remote
    caller ("An error has occurred.")."""
    try:
        sent = read_body(request)
    except BadRequest:
        try:
            sent = json_with_comments.loads(request.get_data(cache=True))
        except ValueError:
            raise Invalid({"request": [UNREADABLE]}) from None
    return bind_model(sent, model)


def query(request: Request, name: str, choices: tuple[str, ...] = (), default: str | None = None) -> str:
    """A query parameter bound like a C# argument: any case for names and enum values."""
    value = next((v for k, v in request.args.items() if k.lower() == name.lower()), None)
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


def order_hash(request: Request) -> str:
    """The `hash` parameter (optional): a query string turns the hash's `+` into a space, and the
    real API still accepts it, so spaces count as `+`."""
    return query(request, "hash", default="").replace(" ", "+")


def position(request: Request) -> tuple[float, float]:
    """`latitude` and `longitude`, each a number within its range."""
    found = []
    for name, limit in (("latitude", 90), ("longitude", 180)):
        text = query(request, name)
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not -limit <= value <= limit:
            raise Invalid({name: [f"The value '{text[:100]}' is not valid for {name}."]})
        found.append(value)
    return found[0], found[1]
