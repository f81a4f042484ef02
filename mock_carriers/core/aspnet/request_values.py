"""Where ASP.NET's model binding finds a request's values (its value providers), as far as clients
notice it: a request's parameters come from the query string and from a JSON (or form) body alike,
names match case-insensitively, and a form's `Items[0][Weight]` (PHP's http_build_query) or
`Items[0].Weight` keys build the same nested body as JSON would. Checking those values against a
typed model is `model_validation.py`'s job."""

from __future__ import annotations

import json
import math
import re
from typing import Any, Iterator, Mapping

from flask import Request
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import RequestEntityTooLarge

from mock_carriers.core.errors import BadRequest, PayloadTooLarge


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
    body = read_body(request)
    if isinstance(body, dict):
        values.update(body)
    return Params(values)


FORM_TYPE = "application/x-www-form-urlencoded"
MAX_FORM_DEPTH = 32
_KEY_PART = re.compile(r"\[([^\[\]]*)\]|\.([^.\[\]]+)")
_INDEX = re.compile(r"[0-9]{1,9}\Z")


def is_index(key: object) -> bool:
    """A list position as a form key: ASCII digits only (`str.isdigit` also takes "²")."""
    return isinstance(key, str) and _INDEX.match(key) is not None


def form_of(request: Request) -> MultiDict[str, str]:
    """The request's form fields (empty unless the body is a form); a form too large to parse is
    the carrier's 413, not Werkzeug's HTML page."""
    if request.mimetype != FORM_TYPE:
        return MultiDict()
    try:
        return request.form
    except RequestEntityTooLarge:
        raise PayloadTooLarge("request form too large") from None


def form_tree(pairs: list[tuple[str, str]]) -> dict[str, Any] | list[Any]:
    """Nested dicts and lists from form keys such as `Parcels[0][Weight]` or `Parcels[0].Weight`.

    Numeric parts make lists, in index order (gaps closed, so a huge index costs nothing); where
    a later key contradicts an earlier one (`a=1&a[b]=2`) the later wins, as in PHP.
    """
    root: dict[str, Any] = {}
    for key, value in pairs:
        parts = _key_parts(key)
        if parts is None:
            continue
        node = root
        for part in parts[:-1]:
            part = part or str(len(node))  # `x[]`: the next index, as PHP appends
            child = node.get(part)
            if not isinstance(child, dict):
                child = node[part] = {}
            node = child
        node[parts[-1] or str(len(node))] = value
    tree: dict[str, Any] | list[Any] = _lists(root)  # a list when every top-level key is an index
    return tree


def _key_parts(key: str) -> list[str] | None:
    head = re.split(r"[\[.]", key, maxsplit=1)[0]  # the name before any bracket or dot
    if not head:
        return None
    parts, position = [head], len(head)
    for found in _KEY_PART.finditer(key, position):
        if found.start() != position:
            break
        parts.append(found.group(1) if found.group(1) is not None else found.group(2))
        position = found.end()
    if position != len(key):  # trailing text after the brackets: keep the key as one name
        return [key]
    if len(parts) > MAX_FORM_DEPTH:
        raise BadRequest(f"form key nested deeper than {MAX_FORM_DEPTH} levels: {key[:80]!r}")
    return parts


def _lists(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    converted = {key: _lists(value) for key, value in node.items()}
    if converted and all(is_index(key) for key in converted):
        return [converted[key] for key in sorted(converted, key=int)]
    return converted


def read_body(request: Request) -> Any:
    """The body as JSON or as a form tree; None when empty; BadRequest when JSON does not parse."""
    if request.mimetype == FORM_TYPE:
        return form_tree(list(form_of(request).items(multi=True)))
    raw = request.get_data(cache=True)
    if not raw.strip():
        return None
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):
        raise BadRequest("The request body is not valid JSON.") from None
