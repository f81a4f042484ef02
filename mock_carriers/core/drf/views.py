"""What every Django REST Framework `APIView` does around its handler, as clients see it.

In DRF's order: content negotiation (a renderer from `Accept` and `?format=`, else 406 or 404),
then the handler (which authenticates, throttles, parses and answers), then the response: in the
negotiated media type (`application/json`, no charset; `indent=N` asked for is honoured) and, on
every answer of the view (errors included), `Allow` listing the view's methods in DRF's order.
A plain `OPTIONS` is answered by the view itself with its metadata. A carrier configures one
DrfViews for the paths under `prefix`; the route table applies it (paths elsewhere, such as media
files, are not DRF views).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Callable, Iterable, Mapping

from flask import Request
from werkzeug.wrappers import Response

from mock_carriers.core.drf.metadata import metadata
from mock_carriers.core.drf.negotiation import MediaType, json_indent, select_renderer
from mock_carriers.core.drf.parsers import PARSES
from mock_carriers.core.errors import CarrierError, json_response

METHOD_ORDER = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE")  # APIView.http_method_names
JSON = "application/json"


def query_params(request: Request) -> dict[str, str]:
    """`request.query_params` as a view reads it (Django's QueryDict): the last value of a name."""
    return {name: values[-1] for name, values in request.args.lists()}


@dataclass(frozen=True)
class DrfViews:
    """The DRF views under `prefix`. `authenticate(ctx)` raises as the views' authentication and
    permissions do (for OPTIONS); `renders` are the views' renderers' media types, in order
    (`renders_by_rule` for a view with others), `parses` its parsers' (shown by OPTIONS)."""

    authenticate: Callable[[Any], object]
    prefix: str = "/"
    renders: tuple[str, ...] = (JSON,)
    parses: tuple[str, ...] = PARSES
    renders_by_rule: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def covers(self, rule: str) -> bool:
        return rule.startswith(self.prefix)

    def allowed(self, methods: Iterable[str]) -> list[str]:
        """A view's methods as DRF lists them in `Allow`: OPTIONS included, in DRF's order."""
        methods = set(methods) | {"OPTIONS"}
        return [method for method in METHOD_ORDER if method in methods] + sorted(methods - set(METHOD_ORDER))

    def dispatch(
        self, ctx: Any, *, view: Callable[..., Response], rule: str, methods: Iterable[str], **params: str
    ) -> Response:
        """Run `view` as DRF's `APIView.dispatch` runs a handler."""
        allow = ", ".join(self.allowed(methods))
        try:
            render, accepted = self._negotiate(ctx.request, rule)
            response = view(ctx, **params)
        except CarrierError as error:
            error.headers.setdefault("Allow", allow)
            raise
        response.headers["Allow"] = allow
        if render == JSON and response.mimetype == JSON:
            _render_json(response, accepted)
        return response

    def answer(self, ctx: Any, rule: str, methods: Iterable[str]) -> Response:
        """OPTIONS: the view's metadata, once negotiation and authentication pass."""
        return self.dispatch(ctx, view=partial(self._metadata, rule=rule), rule=rule, methods=methods)

    def _metadata(self, ctx: Any, rule: str) -> Response:
        self.authenticate(ctx)
        return json_response(metadata(rule, self.renders_by_rule.get(rule, self.renders), self.parses))

    def _negotiate(self, request: Request, rule: str) -> tuple[str, MediaType]:
        return select_renderer(
            self.renders_by_rule.get(rule, self.renders),
            request.headers.get("Accept"),
            query_params(request).get("format"),
        )


def _render_json(response: Response, accepted: MediaType) -> None:
    """The JSON body in the accepted media type, indented when it asks (`application/json; indent=4`)."""
    indent = json_indent(accepted)
    if indent is not None:
        body = json.loads(response.get_data())
        response.set_data(json.dumps(body, ensure_ascii=False, indent=indent, separators=(",", ": ")).encode())
    response.headers["Content-Type"] = accepted.text
