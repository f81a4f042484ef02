"""How Django REST Framework renders an error on the wire: DRF's own `{"detail": ...}` bodies and
a serializer's field errors as they are, or the standardized `{"type", "errors"}` shape. Carriers
built on DRF pick one as their `dialect`; the errors themselves are core's (`core/errors.py`)."""

from __future__ import annotations

from typing import Any, Mapping

from werkzeug.wrappers import Response

from mock_carriers.core.contracts.violations import Violation
from mock_carriers.core.drf import serializers
from mock_carriers.core.errors import (
    CarrierError,
    ErrorDialect,
    Forbidden,
    Internal,
    Invalid,
    MethodNotAllowed,
    NotFound,
    RouteNotFound,
    TooManyRequests,
    Unauthorized,
    Unavailable,
    json_response,
)

DRF_JSON = "application/json"  # DRF's JSONRenderer has no charset


class DrfDialect(ErrorDialect):
    """A DRF error shape; invalid fields nest as a serializer's errors do, in DRF's words."""

    def field_errors(self, violations: list[Violation]) -> dict[str, Any]:
        return serializers.field_errors(violations)


class RestFramework(DrfDialect):
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


def throttled_detail(wait: int) -> str:
    """DRF's `Throttled` text, "second" in the singular."""
    return f"Request was throttled. Expected available in {wait} second{'' if wait == 1 else 's'}."


class StandardizedErrors(DrfDialect):
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
