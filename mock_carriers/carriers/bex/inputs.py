"""BEX's parameters as its ASP.NET Web API reads them: the query string and a JSON (or form) body,
merged. Two refusals come from the framework, not from BEX's code: a body in a media type no
formatter reads is a 415 before the action runs (so not BEX's 200 + `ex`), and a bool is only
what .NET parses as one (`true`/`false` in any case, or a JSON number), never the text "1"."""

from __future__ import annotations

import json

from flask import Request

from mock_carriers.carriers.bex.model import BexError
from mock_carriers.core.binding import FORM_TYPE, Params, bind
from mock_carriers.core.errors import CarrierError, ShapedError

# Web API's default formatters: JSON, XML and forms. The mock parses JSON and forms; XML passes
# the framework, as on the real host, and then fails as a body that is not JSON.
READABLE = frozenset({"application/json", "text/json", "application/xml", "text/xml", FORM_TYPE})


def read(request: Request) -> Params:
    """The request's parameters; a non-empty body of another media type (none at all counts as
    application/octet-stream) is refused as Web API refuses it."""
    if request.get_data(cache=True) and request.mimetype not in READABLE:
        media = request.mimetype or "application/octet-stream"
        raise ShapedError({"Message": f"The request entity's media type '{media}' is not supported "
                                      "for this resource."}, 415)
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
