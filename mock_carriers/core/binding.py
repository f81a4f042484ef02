"""ASP.NET model binding, as far as clients notice it: a request's parameters come from the query
string and from a JSON (or form) body alike, and names match case-insensitively."""

from __future__ import annotations

import json
import math
from typing import Any, Iterator, Mapping

from flask import Request

from mock_carriers.core.errors import BadRequest


class Params(Mapping[str, Any]):
    """Parameters by case-insensitive name; the body wins over the query string."""

    def __init__(self, values: Mapping[str, Any]) -> None:
        self._values = {key.lower(): value for key, value in values.items()}

    def __getitem__(self, key: str) -> Any:
        return self._values[key.lower()]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def text(self, key: str) -> str:
        """The parameter as trimmed text ("" when absent or null); numbers and booleans as sent."""
        value = self._values.get(key.lower())
        if value is None:
            return ""
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value).strip() if isinstance(value, (str, int, float)) else ""

    def flag(self, key: str) -> bool:
        """A boolean sent as JSON true, or as "true"/"True"/"TRUE"/"1" text."""
        return self.text(key).lower() in ("true", "1")

    def number(self, key: str) -> float | None:
        """A number sent as a JSON number or as text ("12.5"); None when absent or not a number."""
        try:
            value = float(self.text(key))
        except ValueError:  # absent ("") or not a number
            return None
        return value if math.isfinite(value) else None


def bind(request: Request) -> Params:
    """Query string and body merged; BadRequest for a JSON body that does not parse."""
    values: dict[str, Any] = dict(request.args.items())
    raw = request.get_data(cache=True)
    if request.mimetype == "application/x-www-form-urlencoded":
        values.update(request.form.items())
    elif raw.strip():
        try:
            body = json.loads(raw)
        except (ValueError, RecursionError):
            raise BadRequest("The request body is not valid JSON.") from None
        if isinstance(body, dict):
            values.update(body)
    return Params(values)
