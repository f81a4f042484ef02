"""How ASP.NET renders an error on the wire: ASP.NET Core's problem details (and the empty answers
of its routing and bearer middleware), Web API 2's `Message`/`ModelState` bodies, and the `ex`
field of an API that answers 200 to every request that reaches it. Carriers built on ASP.NET pick
one as their `dialect`; the errors themselves are core's (`core/errors.py`)."""

from __future__ import annotations

from typing import Any

from werkzeug.wrappers import Response

from mock_carriers.core.aspnet import model_validation
from mock_carriers.core.contracts.violations import Violation
from mock_carriers.core.errors import (
    CarrierError,
    ErrorDialect,
    Forbidden,
    Internal,
    Invalid,
    MethodNotAllowed,
    RouteNotFound,
    TooManyRequests,
    Unauthorized,
    Unavailable,
    empty_response,
    json_response,
)

_PROBLEM_TYPES = {
    400: ("https://tools.ietf.org/html/rfc7231#section-6.5.1", "Bad Request"),
    403: ("https://tools.ietf.org/html/rfc7231#section-6.5.3", "Forbidden"),
    404: ("https://tools.ietf.org/html/rfc7231#section-6.5.4", "Not Found"),
    409: ("https://tools.ietf.org/html/rfc7231#section-6.5.8", "Conflict"),
    413: ("https://tools.ietf.org/html/rfc7231#section-6.5.11", "Payload Too Large"),
    429: ("https://tools.ietf.org/html/rfc6585#section-4", "Too Many Requests"),
    500: ("https://tools.ietf.org/html/rfc7231#section-6.6.1", "An error occurred while processing your request."),
    502: ("https://tools.ietf.org/html/rfc7231#section-6.6.3", "Bad Gateway"),
    503: ("https://tools.ietf.org/html/rfc7231#section-6.6.4", "Service Unavailable"),
    504: ("https://tools.ietf.org/html/rfc7231#section-6.6.5", "Gateway Timeout"),
}
PROBLEM_TYPE = "application/problem+json; charset=utf-8"


def bearer_challenge(error: Unauthorized | Forbidden) -> Response:
    """The empty 401/403 of bearer-token middleware (RFC 6750 section 3): `WWW-Authenticate: Bearer`,
    with `error="invalid_token"` once a token was sent, `insufficient_scope` for a 403."""
    if isinstance(error, Forbidden):
        return empty_response(403, {"WWW-Authenticate": 'Bearer error="insufficient_scope"'})
    challenge = "Bearer" if error.reason == "missing" else 'Bearer error="invalid_token"'
    if error.reason == "expired":
        challenge += ', error_description="The token expired"'
    return empty_response(401, {"WWW-Authenticate": challenge})


class AspNetDialect(ErrorDialect):
    """An ASP.NET error shape; invalid fields are ModelState keys in model binding's words, prefixed
    (Web API 2) by the name of the action parameter the body binds to."""

    body_parameter = ""

    def field_errors(self, violations: list[Violation]) -> dict[str, Any]:
        prefix = f"{self.body_parameter}." if self.body_parameter else ""
        return model_validation.field_errors(prefix)(violations)


class ProblemDetails(AspNetDialect):
    """ASP.NET Core: RFC 7807 bodies from controllers, empty bodies from the framework itself.

    401 is the bearer challenge; an unmatched route or a wrong method is an empty 404/405, as
    ASP.NET Core's routing answers.
    """

    def render_error(self, error: CarrierError, trace_id: str) -> Response:
        if isinstance(error, Unauthorized):
            return bearer_challenge(error)
        if isinstance(error, (RouteNotFound, MethodNotAllowed, Forbidden)):
            return empty_response(error.status)
        status = error.status if error.status in _PROBLEM_TYPES else 500
        problem_type, title = _PROBLEM_TYPES[status]
        body: dict[str, Any] = {"type": problem_type, "title": title, "status": status}
        if isinstance(error, Invalid):
            body["title"] = "One or more validation errors occurred."
            body["errors"] = error.fields
        elif isinstance(error, (Internal, Unavailable)) and error.message:
            body["detail"] = error.message
        body["traceId"] = trace_id
        return json_response(body, status, content_type=PROBLEM_TYPE)


class WebApi(AspNetDialect):
    """ASP.NET Web API 2: `{"Message": ...}` bodies, `ModelState` for invalid input (its body's
    fields under `body_parameter`, the action's parameter name).

    With `bearer_middleware`, 401 and 403 come from the OAuth middleware in front of Web API
    (IdentityServer's token validation) as empty bearer challenges instead.
    """

    def __init__(self, bearer_middleware: bool = False, body_parameter: str = "") -> None:
        self._bearer_middleware = bearer_middleware
        self.body_parameter = body_parameter

    def render_error(self, error: CarrierError, trace_id: str) -> Response:
        if self._bearer_middleware and isinstance(error, (Unauthorized, Forbidden)):
            return bearer_challenge(error)
        if isinstance(error, RouteNotFound):
            message = f"No HTTP resource was found that matches the request URI '{error.url}'."
        elif isinstance(error, MethodNotAllowed):
            message = "The requested resource does not support http method '{}'.".format(error.message or "")
        elif isinstance(error, Unauthorized):
            message = error.message or "Authorization has been denied for this request."
        elif isinstance(error, (Internal, Unavailable)):
            message = error.message or "An error has occurred."
        elif isinstance(error, TooManyRequests):
            message = error.message or "Too many requests."
        else:
            message = error.message or error.code
        body: dict[str, Any] = {"Message": message}
        if isinstance(error, Invalid):
            body = {"Message": "The request is invalid.", "ModelState": error.fields}
        return json_response(body, error.status)


class ExField(AspNetDialect):
    """HTTP 200 with `{"id": 0, "ex": "<reason>"}` for every request that reaches a route;
    only transport-level failures (no such route, a crash) get a real status, in Web API's shape."""

    def __init__(self) -> None:
        self._transport = WebApi()

    def render_error(self, error: CarrierError, trace_id: str) -> Response:
        if isinstance(error, (RouteNotFound, MethodNotAllowed, Internal, Unavailable, TooManyRequests)):
            return self._transport.render_error(error, trace_id)
        return json_response({"id": 0, "ex": error.message or error.code})
