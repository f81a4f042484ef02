"""Semantic errors raised by carrier models, and the dialects that render them on the wire.

A model says *what* went wrong (NotFound, Unauthorized, Invalid, ...); the carrier's dialect says
how its real API shows it (ASP.NET ProblemDetails, a DRF `detail`, ...). So no model knows a wire
format, and one renderer per framework serves every carrier built on it.
"""

from __future__ import annotations

from typing import Any, Mapping

from werkzeug.wrappers import Response

from mock_carriers.core import compact_json
from mock_carriers.core.limits import MAX_ECHO, clip

JSON_TYPE = "application/json; charset=utf-8"
DRF_JSON = "application/json"  # DRF's JSONRenderer has no charset


class CarrierError(Exception):
    """Base of every error a request can end in; `status` is the HTTP status it maps to."""

    status = 500
    code = "error"

    def __init__(self, message: str | None = None, *, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(message or self.code)
        self.message = message
        self.headers = dict(headers or {})
        self.url: str | None = None  # the request URL, filled in by the pipeline (some dialects quote it)


class BadRequest(CarrierError):
    status = 400
    code = "bad_request"


class Invalid(BadRequest):
    """Request fields failed validation; `fields` maps each field to its messages (or, for
    frameworks that nest them, to a nested structure of messages)."""

    code = "invalid"

    def __init__(self, fields: Mapping[str, Any], message: str | None = None) -> None:
        super().__init__(message or "; ".join(f"{k}: {_text(v)}" for k, v in fields.items()))
        self.fields = {key: list(value) if isinstance(value, tuple) else value for key, value in fields.items()}


def _text(messages: Any) -> str:
    return " ".join(map(str, messages)) if isinstance(messages, list) else str(messages)


class Unauthorized(CarrierError):
    """No usable credentials. `reason` is "missing", "invalid", "expired" or "revoked"."""

    status = 401
    code = "unauthorized"

    def __init__(self, reason: str = "missing", message: str | None = None) -> None:
        super().__init__(message)
        self.reason = reason


class Forbidden(CarrierError):
    status = 403
    code = "forbidden"


class NotFound(CarrierError):
    """A resource the route names does not exist (the route itself does)."""

    status = 404
    code = "not_found"


class RouteNotFound(CarrierError):
    """No route of the carrier matches the path: the framework's own 404, not the app's."""

    status = 404
    code = "route_not_found"


class MethodNotAllowed(CarrierError):
    status = 405
    code = "method_not_allowed"

    def __init__(self, allowed: list[str], method: str = "") -> None:
        super().__init__(method, headers={"Allow": ", ".join(allowed)})
        self.allowed = allowed


class PayloadTooLarge(CarrierError):
    status = 413
    code = "payload_too_large"


class Conflict(CarrierError):
    status = 409
    code = "conflict"


class Redirect(CarrierError):
    """Not a failure: the framework answers with a redirect (Django's APPEND_SLASH, say)."""

    status = 301
    code = "redirect"

    def __init__(self, location: str, status: int = 301) -> None:
        super().__init__(headers={"Location": location})
        self.status = status


class Answered(CarrierError):
    """Not a failure: a layer in front of the carrier's routes answered the request itself (the
    CORS layer's answer to a preflight), so no route, fault or authentication sees it."""

    status = 200
    code = "answered"

    def __init__(self, response: Response) -> None:
        super().__init__()
        self.response = response


class HttpError(CarrierError):
    """A status raised by the HTTP framework itself (Werkzeug), carried into a dialect."""

    def __init__(self, status: int, code: str, message: str | None = None) -> None:
        super().__init__(message)
        self.status, self.code = status, code


class ShapedError(CarrierError):
    """A business error whose body the carrier's model composed (a list of `Errors`, say):
    every dialect sends `body` as it is, with `status`."""

    code = "rejected"

    def __init__(self, body: object, status: int = 400) -> None:
        super().__init__(str(body)[:200])
        self.body, self.status = body, status


class Internal(CarrierError):
    status = 500
    code = "internal"


class Unavailable(CarrierError):
    """The carrier's front end failed (a 500, 502, 503 or 504 before the application answered);
    a `message`, when the mock itself says why, is shown where the dialect has room for text."""

    code = "unavailable"

    def __init__(self, status: int = 503, message: str | None = None) -> None:
        super().__init__(message)
        self.status = status


class OAuthError(CarrierError):
    """An OAuth 2.0 token-endpoint error (RFC 6749 section 5.2): the same wire shape for every carrier."""

    status = 400

    def __init__(self, code: str, description: str | None = None, status: int = 400) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.status = status


def json_response(
    body: object, status: int = 200, headers: Mapping[str, str] | None = None, content_type: str = JSON_TYPE
) -> Response:
    """Compact JSON, UTF-8, as the ASP.NET and Django serializers emit it."""
    return Response(compact_json.encode(body), status=status, headers=dict(headers or {}), content_type=content_type)


def empty_response(status: int, headers: Mapping[str, str] | None = None) -> Response:
    response = Response(b"", status=status, headers=dict(headers or {}))
    response.headers.remove("Content-Type")
    return response


class ErrorDialect:
    """Turns a CarrierError into the wire response of one framework; subclasses do the carrier part."""

    def render(self, error: CarrierError, trace_id: str) -> Response:
        if isinstance(error, OAuthError):
            body = {"error": error.code}
            if error.description:
                body["error_description"] = error.description
            return json_response(body, error.status, {"Cache-Control": "no-cache", "Pragma": "no-cache"})
        if isinstance(error, Answered):
            return error.response
        if isinstance(error, Redirect):
            return empty_response(error.status, error.headers)
        if isinstance(error, ShapedError):
            return json_response(error.body, error.status)
        response = self.render_error(error, trace_id)
        for name, value in error.headers.items():
            response.headers[name] = value
        return response

    def render_error(self, error: CarrierError, trace_id: str) -> Response:
        raise NotImplementedError


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


class ProblemDetails(ErrorDialect):
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


class WebApi(ErrorDialect):
    """ASP.NET Web API 2: `{"Message": ...}` bodies, `ModelState` for invalid input.

    With `bearer_middleware`, 401 and 403 come from the OAuth middleware in front of Web API
    (IdentityServer's token validation) as empty bearer challenges instead.
    """

    def __init__(self, bearer_middleware: bool = False) -> None:
        self._bearer_middleware = bearer_middleware

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


class ExField(ErrorDialect):
    """HTTP 200 with `{"id": 0, "ex": "<reason>"}` for every request that reaches a route;
    only transport-level failures (no such route, a crash) get a real status, in Web API's shape."""

    def __init__(self) -> None:
        self._transport = WebApi()

    def render_error(self, error: CarrierError, trace_id: str) -> Response:
        if isinstance(error, (RouteNotFound, MethodNotAllowed, Internal, Unavailable, TooManyRequests)):
            return self._transport.render_error(error, trace_id)
        return json_response({"id": 0, "ex": error.message or error.code})


class RestFramework(ErrorDialect):
    """Django REST Framework: `{"detail": ...}`, a serializer's field errors as they are, and a
    `WWW-Authenticate: <keyword>` challenge on 401. Django's own HTML pages (an unknown URL, a
    crash) are given DRF's JSON instead: a client parses both the same way. JSON as DRF's
    JSONRenderer types it: `application/json`, no charset."""

    def __init__(self, auth_keyword: str = "Token") -> None:
        self._keyword = auth_keyword

    def render_error(self, error: CarrierError, trace_id: str) -> Response:
        if isinstance(error, Invalid):
            return json_response(error.fields, 400, content_type=DRF_JSON)
        if isinstance(error, Unauthorized):
            return json_response(
                {"detail": error.message or "Authentication credentials were not provided."},
                401,
                {"WWW-Authenticate": self._keyword},
                DRF_JSON,
            )
        if isinstance(error, (NotFound, RouteNotFound)):
            detail = "Not found."
        elif isinstance(error, MethodNotAllowed):
            detail = f'Method "{error.message}" not allowed.'
        elif isinstance(error, Forbidden):
            detail = error.message or "You do not have permission to perform this action."
        elif isinstance(error, (Internal, Unavailable)):
            detail = error.message or "A server error occurred."
        elif isinstance(error, TooManyRequests):
            detail = throttled_detail(error.retry_after)
        else:
            detail = error.message or error.code
        return json_response({"detail": detail}, error.status, content_type=DRF_JSON)


class TooManyRequests(CarrierError):
    """A rate limit was hit; `retry_after` is in seconds."""

    status = 429
    code = "throttled"

    def __init__(self, retry_after: int, message: str | None = None) -> None:
        super().__init__(message, headers={"Retry-After": str(retry_after)})
        self.retry_after = retry_after


def throttled_detail(wait: int) -> str:
    """DRF's `Throttled` text, "second" in the singular."""
    return f"Request was throttled. Expected available in {wait} second{'' if wait == 1 else 's'}."


class StandardizedErrors(ErrorDialect):
    """DRF with standardized errors (drf-standardized-errors style): `{"type": "client_error",
    "errors": [{"code", "detail", "attr"}]}`, one entry per field message (`attr` the field, nested
    fields joined by dots, None for the request as a whole) with code `validation_error`;
    `server_error` for 5xx; a 401 challenges with `WWW-Authenticate: <auth_keyword>` when there is one.
    JSON as DRF's JSONRenderer types it: `application/json`, no charset."""

    def __init__(self, auth_keyword: str | None = None) -> None:
        self._keyword = auth_keyword

    def render_error(self, error: CarrierError, trace_id: str) -> Response:
        if isinstance(error, Invalid):
            errors = [
                {"code": "validation_error", "detail": detail, "attr": attr} for attr, detail in _flatten(error.fields)
            ]
            return json_response({"type": "client_error", "errors": errors}, 400, content_type=DRF_JSON)
        if isinstance(error, Unauthorized):
            code = "not_authenticated" if error.reason == "missing" else "authentication_failed"
            detail = error.message or (
                "Authentication credentials were not provided."
                if code == "not_authenticated"
                else "Incorrect authentication credentials."
            )
        elif isinstance(error, (NotFound, RouteNotFound)):
            code, detail = "not_found", error.message or "Not found."
        elif isinstance(error, MethodNotAllowed):
            code, detail = "method_not_allowed", f'Method "{(error.message or "").lower()}" not allowed.'
        elif isinstance(error, Forbidden):
            code, detail = "permission_denied", error.message or "You do not have permission to perform this action."
        elif isinstance(error, TooManyRequests):
            code, detail = "throttled", throttled_detail(error.retry_after)
        elif isinstance(error, (Internal, Unavailable)):
            detail = error.message or "A server error occurred."
            return json_response(
                {"type": "server_error", "errors": [{"code": "error", "detail": detail, "attr": None}]},
                error.status,
                content_type=DRF_JSON,
            )
        else:
            code, detail = error.code, error.message or error.code
        headers = {"WWW-Authenticate": self._keyword} if isinstance(error, Unauthorized) and self._keyword else None
        return json_response(
            {"type": "client_error", "errors": [{"code": code, "detail": detail, "attr": None}]},
            error.status,
            headers,
            DRF_JSON,
        )


def _flatten(fields: Mapping[str, Any], prefix: str = "") -> list[tuple[str | None, str]]:
    """(attr, message) pairs: `{"a": {"b": ["x"]}}` -> ("a.b", "x"); `non_field_errors` -> attr None."""
    pairs: list[tuple[str | None, str]] = []
    for key, value in fields.items():
        attr = None if key == "non_field_errors" and not prefix else f"{prefix}{key}"
        if isinstance(value, Mapping):
            pairs += _flatten(value, f"{attr}.")
        elif isinstance(value, list) and value and isinstance(value[0], (dict, list)):
            for index, item in enumerate(value):
                pairs += _flatten(item, f"{attr}.{index}.") if isinstance(item, Mapping) else []
        else:
            pairs += [(attr, str(message)) for message in (value if isinstance(value, list) else [value])]
    return pairs


class AdminDialect(ErrorDialect):
    """The admin API's own errors: `{"error": code, "message": text}`."""

    def render_error(self, error: CarrierError, trace_id: str) -> Response:
        body: dict[str, Any] = {
            "error": error.code,
            "message": clip(error.message or error.code.replace("_", " "), 2 * MAX_ECHO),
        }
        if isinstance(error, Invalid):
            body["fields"] = _brief_fields(error.fields)
        return json_response(body, error.status)


def _brief_fields(fields: Mapping[str, Any]) -> dict[str, list[str]]:
    """The fields of an admin error, cut to about 2 * MAX_ECHO characters in all (the first always
    kept): an error quoting what it was sent never grows with what it was sent."""
    kept: dict[str, list[str]] = {}
    room = 2 * MAX_ECHO
    for key, messages in fields.items():
        name = clip(str(key))
        for message in messages if isinstance(messages, list) else [messages]:
            if room <= 0:
                return kept
            text = clip(str(message), 2 * MAX_ECHO)
            kept.setdefault(name, []).append(text)
            room -= len(name) + len(text)
    return kept
