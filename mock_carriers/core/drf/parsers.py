"""A request body as Django REST Framework's default parsers read it, and a form read the way DRF's
serializers read HTML input.

`JSONParser` takes `application/json` only (a `+json` type is not it), `FormParser`
`application/x-www-form-urlencoded`, `MultiPartParser` `multipart/form-data` (a file is a value like the
others, and no text field takes it). Any other type, or none, with a body is 415 in DRF's words; an empty body
is empty data whatever its type. A form has no nesting of its own: a serializer reads a nested
object from `address.city` keys and a list of objects from `items[0]sku` keys, and a plain field
from its last value (Django's QueryDict).
"""

from __future__ import annotations

import json
import re
from typing import Any, Mapping

from flask import Request
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from mock_carriers.core.drf.negotiation import MediaType
from mock_carriers.core.drf.serializers import Field, Many, Nested
from mock_carriers.core.errors import BadRequest, HttpError, PayloadTooLarge

PARSES = ("application/json", "application/x-www-form-urlencoded", "multipart/form-data")


class Form(MultiDict[str, Any]):
    """A parsed form (urlencoded or multipart): DRF's serializers read it as HTML input."""


def parse_body(request: Request, parses: tuple[str, ...] = PARSES) -> Any:
    """The body: JSON data, a Form, or None when empty; BadRequest (DRF's ParseError texts) when
    it does not parse, HttpError 415 for a media type no parser takes."""
    raw = request.get_data(cache=True)
    if not raw:
        return None
    content_type = request.headers.get("Content-Type", "")
    media = MediaType.parse(content_type)
    parser = next((name for name in parses if MediaType.parse(name).satisfies(media)), None)
    if parser is None:
        raise HttpError(415, "unsupported_media_type", f'Unsupported media type "{content_type[:200]}" in request.')
    if parser == "application/json":
        try:
            return json.loads(raw, parse_constant=_strict_constant)
        except (ValueError, RecursionError) as error:  # RecursionError: DRF's would be a 500
            raise BadRequest(f"JSON parse error - {str(error)[:200] or 'too deeply nested'}") from None
    if parser == "multipart/form-data" and not media.param("boundary"):
        raise BadRequest("Multipart form parse error - Invalid boundary in multipart: None")
    try:
        if request.mimetype != parser:  # `*/*` or `application/*`: a parser took it, Werkzeug would not
            return Form()
        return Form(list(request.form.items(multi=True)) + list(request.files.items(multi=True)))
    except RequestEntityTooLarge:
        raise PayloadTooLarge("request form too large") from None
    except (HTTPException, ValueError) as error:
        raise BadRequest(f"Multipart form parse error - {error}"[:300]) from None


def _strict_constant(name: str) -> float:
    """DRF's JSONParser is strict: NaN and Infinity are not JSON."""
    raise ValueError(f"Out of range float values are not JSON compliant: '{name}'")


def html_input(serializer: Nested, form: Mapping[str, list[str]] | MultiDict[str, Any]) -> dict[str, Any]:
    """A form as `serializer` reads HTML input: each field's value (the last one sent), nested
    objects from `name.field` keys, lists from `name[0]` / `name[0]field` keys (in index order)."""
    values = form.to_dict(flat=False) if isinstance(form, MultiDict) else dict(form)
    read = {}
    for name, spec in serializer.fields.items():
        value = _field(spec, name, values)
        if value is not _ABSENT:
            read[name] = value
    return read


_ABSENT = object()


def _field(spec: Field, name: str, values: Mapping[str, list[str]]) -> Any:
    if isinstance(spec, Nested):
        prefix = name + "."
        inner = {key[len(prefix) :]: value for key, value in values.items() if key.startswith(prefix) and key != prefix}
        return html_input(spec, inner) if inner else _ABSENT
    if isinstance(spec, Many):
        if not isinstance(spec.child, Nested) and values.get(name):
            return list(values[name])
        return _list(spec, name, values)
    if name not in values:
        return _ABSENT
    value = values[name][-1]
    if value == "" and spec.allow_null:
        return "" if getattr(spec, "allow_blank", False) else None
    if value == "" and not spec.required:
        return "" if getattr(spec, "allow_blank", False) else _ABSENT
    return value


def _list(spec: Many, name: str, values: Mapping[str, list[str]]) -> Any:
    pattern = re.compile(re.escape(name) + r"\[([0-9]{1,18})\](.*)\Z", re.DOTALL)  # longer: no index of any list
    items: dict[int, Any] = {}
    for key, sent in values.items():
        found = pattern.match(key)
        if found is None:
            continue
        index, rest = int(found.group(1)), found.group(2)
        if not rest:
            items[index] = sent[-1]
        elif isinstance(items.get(index), dict):
            items[index][rest] = [sent[-1]]
        else:
            items[index] = {rest: [sent[-1]]}
    if not items:
        return _ABSENT
    return [
        html_input(spec.child, item) if isinstance(item, dict) and isinstance(spec.child, Nested) else item
        for _, item in sorted(items.items())
    ]
