"""Border Express's query parameters as ASP.NET binds them."""

from __future__ import annotations

from werkzeug.datastructures import MultiDict

from mock_carriers.core.errors import Invalid


def bool_query(args: MultiDict, name: str) -> bool:
    """ASP.NET model binding of a bool query parameter: its name in any case (the first value if it
    is repeated), true/false in any case, else a 400 naming it as declared (`name`, lower case)."""
    raw = next((value for key, value in args.items(multi=True) if key.lower() == name), None)
    if raw is None or raw == "":
        return False
    if raw.lower() in ("true", "false"):
        return raw.lower() == "true"
    raise Invalid({name: [f"The value '{raw[:100]}' is not valid."]})
