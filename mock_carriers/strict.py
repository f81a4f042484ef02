"""Strict mode: every request a client sends is checked against its carrier's contract before the
carrier sees it, so a client that works here works against the real API.

Every violation is recorded (in the journal entry, and in the namespace's list of violations the
pytest plugin reads). The request is then refused the way the carrier refuses invalid input, and
before anything changes, when the contract documents that refusal for the operation; where it
does not, the carrier answers as it would. A body too large or too deep to check is always refused.
"""

from __future__ import annotations

from flask import Request

from mock_carriers.carriers.base import Carrier
from mock_carriers.core.contracts import MAX_CHECKED_BODY, Violation
from mock_carriers.core.errors import CarrierError, ErrorDialect, Invalid, PayloadTooLarge
from mock_carriers.state import AppState


def check(state: AppState, carrier: Carrier, operation: str, request: Request, body: bytes) -> list[Violation]:
    return state.contracts.contract(carrier.name).check_request(
        operation, request.args.to_dict(flat=False), request.headers.keys(), body, request.mimetype or None)


def unknown_operation(carrier: Carrier, method: str, path: str) -> Violation:
    """A request no operation of the contract describes (a wrong path or method)."""
    return Violation(carrier.name, "request", "operation", f"{method} {path[:200]}", "operation",
                     f"{method} {path[:200]} is not an operation of contracts/{carrier.name}.openapi.yaml")


def refusal(state: AppState, carrier: Carrier, dialect: ErrorDialect, operation: str,
            violations: list[Violation]) -> CarrierError | None:
    """The carrier's own refusal of an invalid request, if its contract documents one for this
    operation; None lets the carrier answer."""
    if any(violation.rule == "size" for violation in violations):
        return PayloadTooLarge(f"request body larger than {MAX_CHECKED_BODY} bytes")
    error = Invalid(carrier.violation_fields(violations))
    if any(violation.rule == "depth" for violation in violations):
        return error
    rendered = dialect.render(error, "")
    documented = not state.contracts.contract(carrier.name).check_response(operation, rendered, "GET")
    return error if documented else None
