"""Check traffic against the carriers' contracts: exchanges you recorded from a real carrier, or
the requests your own client sends. Each call answers a list of Violations (each with `json_path`,
`rule` and `message`; `str()` reads as one line), empty when it fits.

    from mock_carriers import conformance
    conformance.validate_request("parcel2go", "POST", "/api/quotes", body=b'{...}', content_type="application/json")
    conformance.validate_response("parcel2go", "POST", "/api/quotes", 200, body=recorded_bytes)

Paths are the carrier's own (`/api/quotes`, not the mock's `/parcel2go/api/quotes`); the
operation is found the way the mock routes requests.
"""

from __future__ import annotations

from typing import Mapping
from urllib.parse import parse_qsl

from mock_carriers.carriers import CARRIERS
from mock_carriers.core.contracts.loading import ContractBook, contract_book
from mock_carriers.core.contracts.violations import Violation
from mock_carriers.core.errors import CarrierError
from mock_carriers.resources import data_dir

__all__ = ["Violation", "carriers", "operation_for", "validate_request", "validate_response"]


def _book() -> ContractBook:
    return contract_book(data_dir("contracts"))  # loaded once per process, each contract on first use


def carriers() -> tuple[str, ...]:
    return CARRIERS.names


def operation_for(carrier: str, method: str, path: str) -> str | None:
    """The operationId a request goes to; None for the framework's own answer (DRF's OPTIONS), which
    the real API gives too; ValueError for an unknown carrier, path or method."""
    if carrier not in CARRIERS.names:
        raise ValueError(f"unknown carrier {carrier!r}; carriers: {', '.join(CARRIERS.names)}")
    path, _, query = path.partition("?")
    try:
        route, _ = CARRIERS.load(carrier).routes.match(method.upper(), path, query)
    except CarrierError:
        raise ValueError(f"{carrier} has no operation for {method.upper()} {path[:200]}") from None
    return route.operation_id


def validate_request(
    carrier: str,
    method: str,
    path: str,
    *,
    query: Mapping[str, str | list[str]] | None = None,
    headers: Mapping[str, str] | None = None,
    body: bytes | str = b"",
    content_type: str | None = None,
) -> list[Violation]:
    """A request as strict mode checks it; a query string left in `path` counts as `query`."""
    operation = operation_for(carrier, method, path)
    if operation is None:
        return []
    raw = body.encode("utf-8") if isinstance(body, str) else body
    media = content_type.split(";")[0].strip().lower() if content_type else None
    values: dict[str, list[str]] = {}
    for name, value in parse_qsl(path.partition("?")[2], keep_blank_values=True):
        values.setdefault(name, []).append(value)
    for name, given in (query or {}).items():
        values[name] = given if isinstance(given, list) else [given]
    return _book().contract(carrier).check_request(operation, values, list(headers or {}), raw, media)


def validate_response(
    carrier: str,
    method: str,
    path: str,
    status: int,
    *,
    body: bytes | str = b"",
    content_type: str | None = "application/json",
    headers: Mapping[str, str] | None = None,
) -> list[Violation]:
    from werkzeug.wrappers import Response

    operation = operation_for(carrier, method, path)
    if operation is None:
        return []
    response = Response(body, status=status, headers=dict(headers or {}))
    if content_type:
        response.headers["Content-Type"] = content_type
    else:
        response.headers.remove("Content-Type")
    return _book().contract(carrier).check_response(operation, response, method.upper())
