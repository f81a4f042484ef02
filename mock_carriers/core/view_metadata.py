"""Django REST Framework's own answer to a plain `OPTIONS` (no preflight): every DRF view takes it,
after its authentication and permission checks, and answers its metadata (`SimpleMetadata`):
`{"name", "description", "renders", "parses"}` with an `Allow` header in DRF's order of methods.

The view's name comes from its class, which the mock cannot know: it is made the way DRF names a
router's views (`<Resource> List`, `<Resource> Instance`, an action's own name), from the path.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, Iterable

from werkzeug.wrappers import Response

from mock_carriers.core.errors import json_response

METHOD_ORDER = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE")  # APIView.http_method_names
RENDERS = ("application/json", "text/html")  # DRF's default renderers: JSON and the browsable API
PARSES = ("application/json", "application/x-www-form-urlencoded", "multipart/form-data")
_PLACEHOLDER = re.compile(r"<[^>]+>\Z")


@dataclass(frozen=True)
class ViewMetadata:
    """DRF's OPTIONS for the routes under `prefix` (other paths are not DRF views: OPTIONS stays
    a 405 there). `authenticate(ctx)` raises as the views' authentication and permissions do."""

    authenticate: Callable[[Any], object]
    prefix: str = "/"
    renders: tuple[str, ...] = RENDERS
    parses: tuple[str, ...] = PARSES

    def covers(self, rule: str) -> bool:
        return rule.startswith(self.prefix)

    def allowed(self, methods: Iterable[str]) -> list[str]:
        """A view's methods as DRF lists them in `Allow`: OPTIONS included, in DRF's order."""
        methods = set(methods) | {"OPTIONS"}
        return [method for method in METHOD_ORDER if method in methods] + sorted(methods - set(METHOD_ORDER))

    def answer(self, ctx: Any, rule: str, methods: Iterable[str]) -> Response:
        self.authenticate(ctx)
        body = {"name": view_name(rule), "description": "", "renders": list(self.renders),
                "parses": list(self.parses)}
        return json_response(body, headers={"Allow": ", ".join(self.allowed(methods))})


def view_name(rule: str) -> str:
    """`/orders/` -> "Orders List", `/orders/<id>/` -> "Orders Instance", `/orders/<id>/cancel/` ->
    "Cancel" (an action: DRF's `pretty_name` of it)."""
    segments = [segment for segment in rule.split("/") if segment]
    if not segments:
        return "Api Root"
    if _PLACEHOLDER.match(segments[-1]):
        literal = next((s for s in reversed(segments) if not _PLACEHOLDER.match(s)), "")
        return f"{_words(literal).title()} Instance".lstrip()
    if len(segments) > 1 and _PLACEHOLDER.match(segments[-2]):
        return _words(segments[-1]).capitalize()
    return f"{_words(segments[-1]).title()} List"


def _words(segment: str) -> str:
    return segment.replace("_", " ").replace("-", " ")
