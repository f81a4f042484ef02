"""BEX's parameters as its ASP.NET Web API reads them: the query string and a JSON (or form) body,
merged. Two refusals come from the framework, not from BEX's code: a body in a media type no
formatter reads is a 415 before the action runs (so not BEX's 200 + `ex`), and a bool is only
what .NET parses as one (`true`/`false` in any case, or a JSON number), never the text "1"."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Collection
from urllib.parse import urlsplit

from flask import Request

from mock_carriers.carriers.bex.model import BexError
from mock_carriers.carriers.bex.webhooks import ACTIONS
from mock_carriers.core.aspnet.request_values import FORM_TYPE, Params, bind
from mock_carriers.core.durations import check_instant
from mock_carriers.core.errors import CarrierError, Invalid, ShapedError

# Web API's default formatters: JSON, XML and forms. The mock parses JSON and forms; XML passes
# the framework, as on the real host, and then fails as a body that is not JSON.
READABLE = frozenset({"application/json", "text/json", "application/xml", "text/xml", FORM_TYPE})


def read(request: Request) -> Params:
    """The request's parameters; a non-empty body of another media type (none at all counts as
    application/octet-stream) is refused as Web API refuses it."""
    if request.get_data(cache=True) and request.mimetype not in READABLE:
        media = request.mimetype or "application/octet-stream"
        raise ShapedError(
            {"Message": f"The request entity's media type '{media}' is not supported for this resource."}, 415
        )
    return bind(request)


def credentials(request: Request) -> list[str]:
    """The tokens a request presents, where BEX's routes read them: API calls send theirs in a
    `token` header, downloads their alternate token as a `token` parameter (query or body, any
    case). A body the routes would refuse presents none; the query still does."""
    try:
        params = read(request)
    except CarrierError:
        params = Params(dict(request.args.items()))
    values = [request.headers.get("token", ""), params.text("token")]
    return [value for value in dict.fromkeys(values) if value]


def flag(params: Params, name: str) -> bool:
    """A bool as Web API binds one: JSON true/false, a JSON number (non-zero is true, as Json.NET
    converts it), or the text true/false in any case; absent, empty or blank is false (the value
    provider reads blank text as no value). Anything else is refused with the framework's
    model-binding message, as BEX's `ex`."""
    value = params.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return value != 0
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    shown = value if isinstance(value, str) else json.dumps(value)
    raise BexError(f"The value '{shown[:40]}' is not valid for {name}.")


MAX_WEIGHT_KG = 100_000.0  # beyond any parcel; keeps the arithmetic finite
MAX_DIM_MASS_CM3 = 1e10


def quote_measures(params: Params) -> tuple[float, float]:
    """A quote's total weight (kg) and volumetric mass (cm³), each within bounds BEX would price."""
    weight, dim_mass = params.number("totalWeight"), params.number("dimMass")
    if weight is None or not 0 < weight <= MAX_WEIGHT_KG:
        raise BexError("totalWeight must be a number greater than 0.")
    if dim_mass is None or not 0 <= dim_mass <= MAX_DIM_MASS_CM3:
        raise BexError("dimMass must be a number of cubic centimetres (0 or more).")
    return weight, dim_mass


def quote_place(params: Params, side: str) -> tuple[str, str, str, float | None, float | None]:
    """A quote's origin or destination as the model's `place` takes it: suburb, postcode, town, lat, lon."""
    lat = params.number(f"{side}LatCoord")
    lon = params.number(f"{side}LonCoord")
    if lon is None:
        lon = params.number(f"{side}LongCoord")  # the typo in BEX's own sample body
    return params.text(f"{side}Suburb"), params.text(f"{side}PostCode"), "", lat, lon


def dispatch_date(text: str, today: datetime) -> datetime:
    """The quote's `dispatchDate` (yyyy-MM-dd, anything after the date ignored) in `today`'s zone; absent is today."""
    if not text:
        return today
    try:
        return check_instant(datetime.strptime(text[:10], "%Y-%m-%d").replace(tzinfo=today.tzinfo))
    except ValueError:
        raise BexError(f"dispatchDate '{text[:40]}' is not a date (yyyy-MM-dd).") from None


def _party_fields(side: str, suburb: str, contact: str) -> tuple[str, dict]:
    """A party's parameter names: `<side>Company`, ..., the suburb's own name, the contact's prefix."""
    names = {
        "company": "Company",
        "street": "Street",
        "suburb": suburb,
        "city": "City",
        "postcode": "PostCode",
        "lat": "Lat",
        "lon": "Lon",
    }
    return side, {**{key: side + name for key, name in names.items()}, "contact": f"{contact}ContactName"}


V4_PARTIES = (_party_fields("sender", "Suburb", "sender"), _party_fields("receiver", "Suburb", "receiver"))
# The older field set: parties are origin and destination, the suburb a LocationName, contacts sender/receiver.
WIA_PARTIES = (
    _party_fields("origin", "LocationName", "sender"),
    _party_fields("destination", "LocationName", "receiver"),
)
SUBMIT_FLAGS = (
    "autoGenerateWaybillNumber",
    "insuranceRequired",
    "returnParcelPrintingText",
    "printParcels",
    "printParcelsPrintNode",
)


def party(params: Params, fields: dict) -> dict:
    """A party's values by the field set's names; `lat` and `lon` as numbers (or None)."""
    values = {key: params.text(name) for key, name in fields.items() if key not in ("lat", "lon")}
    return {**values, "lat": params.number(fields["lat"]), "lon": params.number(fields["lon"])}


def service_code(params: Params, services: Collection[str]) -> str:
    service = params.text("serviceCode").upper()
    if service not in services:
        raise BexError(f"Invalid service code '{service[:20]}'. Use one of {', '.join(services)}.")
    return service


def waybill_number(params: Params, auto: bool) -> str:
    """The caller's own waybill number (upper case, at most 30 characters), or "" when BEX makes one."""
    number = "" if auto else params.text("waybillNumber").upper()
    if number and not number.isalnum():
        raise BexError("waybillNumber may only contain letters and digits.")
    return number[:30]


def parcels(raw: object) -> list[dict]:
    """The `dimensions` list: at most 999 parcels, each with its sizes (whole cm) and weight (kg)."""
    if not isinstance(raw, list) or not raw:
        raise BexError("At least one parcel is required in dimensions.")
    found = []
    for index, item in enumerate(raw[:999]):
        item = Params(item) if isinstance(item, dict) else Params({})
        sizes = [item.number(f"dimension{n}") for n in (1, 2, 3)]
        weight = item.number("weight")
        if weight is None or weight <= 0 or weight > 10_000:
            raise BexError(f"dimensions[{index}].weight must be a number of kilograms greater than 0.")
        if any(size is None or size < 0 or size > 10_000 for size in sizes):
            raise BexError(f"dimensions[{index}] needs dimension1, dimension2 and dimension3 in centimetres.")
        whole = [int(size) for size in sizes if size is not None]  # all three: checked just above
        found.append(
            {
                "dimension1": whole[0],
                "dimension2": whole[1],
                "dimension3": whole[2],
                "weight": weight,
                "reference": item.text("reference"),
            }
        )
    return found


def waybill_numbers(params: Params) -> list[str]:
    """`waybillNumbers`: comma-separated waybill or parcel numbers, at most 100 used."""
    wanted = [n.strip().upper() for n in params.text("waybillNumbers").split(",") if n.strip()]
    if not wanted:
        raise BexError("Please supply at least one waybill or parcel number in waybillNumbers.")
    return wanted[:100]


def registration(params: Params) -> tuple[str, str, tuple[str, ...]]:
    """A webhook registration's URI, secret and filters ("*" dropped), refused as the
    Microsoft.AspNet.WebHooks controller refuses them (model state keyed `webHook.<field>`)."""
    uri, secret = params.text("WebHookUri"), params.text("Secret")
    parts = urlsplit(uri)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Invalid({"webHook.WebHookUri": ["The WebHookUri field must be an absolute http or https URI."]})
    if not 32 <= len(secret) <= 64:
        raise Invalid(
            {"webHook.Secret": ["The WebHook secret key parameter must be between 32 and 64 characters long."]}
        )
    filters = params.get("Filters") or []
    if not isinstance(filters, list) or not all(isinstance(f, str) for f in filters):
        raise Invalid({"webHook.Filters": ["Filters must be a list of filter names."]})
    invalid = [f for f in filters if f not in ACTIONS and f != "*"]
    if invalid:
        raise Invalid({"webHook.Filters": [f"The following filters are not valid: '{', '.join(invalid)}'."]})
    return uri, secret, tuple(f for f in filters if f != "*")
