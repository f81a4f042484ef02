"""Semantic errors raised by carrier models, and the base of the dialects that render them on the wire.

A model says *what* went wrong (NotFound, Unauthorized, Invalid, ...); the carrier's dialect says
how its real API shows it (ASP.NET ProblemDetails, a DRF `detail`, ...). So no model knows a wire
format, and one renderer per framework serves every carrier built on it: the frameworks' dialects
live in `core/aspnet/dialects.py` and `core/drf/dialects.py`, on the `ErrorDialect` base below.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping

from werkzeug.wrappers import Response

from mock_carriers.core import compact_json
from mock_carriers.core.limits import MAX_ECHO, clip

if TYPE_CHECKING:
    from mock_carriers.core.contracts.violations import Violation

JSON_TYPE = "application/json; charset=utf-8"


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


class TooManyRequests(CarrierError):
    """A rate limit was hit; `retry_after` is in seconds."""

    status = 429
    code = "throttled"

    def __init__(self, retry_after: int, message: str | None = None) -> None:
        super().__init__(message, headers={"Retry-After": str(retry_after)})
        self.retry_after = retry_after


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

    def field_errors(self, violations: list[Violation]) -> dict[str, Any]:
        """The fields of a request its contract refuses, keyed and worded as this framework names
        invalid fields (strict mode's `Invalid`): by default nested as the JSON is."""
        from mock_carriers.core.contracts.fields import nested_fields  # deferred: contracts load late

        return nested_fields()(violations)


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
