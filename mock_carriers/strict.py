"""Strict mode: every request a client sends is checked against its carrier's contract before the
carrier sees it, so a client that works here works against the real API.

Every violation is recorded (in the journal entry, and in the namespace's list of violations the
pytest plugin reads). The request is then refused the way the carrier refuses invalid input, and
before anything changes, when the contract documents that refusal for the operation; where it
does not, the carrier answers as it would. A body too large or too deep to check is always refused.
"""

from __future__ import annotations

import logging

from flask import Request

from mock_carriers.carriers.base import Carrier
from mock_carriers.core.contracts.checking import MAX_CHECKED_BODY
from mock_carriers.core.contracts.violations import Violation
from mock_carriers.core.errors import CarrierError, ErrorDialect, Invalid, PayloadTooLarge
from mock_carriers.state import AppState

log = logging.getLogger("mock_carriers.strict")


def check(state: AppState, carrier: Carrier, operation: str | None, request: Request, body: bytes) -> list[Violation]:
    if operation is None:  # the framework's own answer (DRF's OPTIONS): the real API takes it, nothing to check
        return []
    violations = state.contracts.contract(carrier.name).check_request(
        operation, request.args.to_dict(flat=False), request.headers.keys(), body, request.mimetype or None
    )
    for violation in violations:
        log_violation(request, violation)
    return violations


def log_violation(request: Request, violation: Violation) -> None:
    """A line on the server's console, where a developer running `serve --strict` looks."""
    log.warning(
        "strict mode: %s %s: %s %s: %s [rule: %s; %s]",
        request.method,
        request.full_path.rstrip("?")[:300],
        violation.location,
        violation.json_path,
        violation.message,
        violation.rule,
        violation.operation,
    )


def unknown_operation(carrier: Carrier, request: Request, path: str) -> Violation:
    """A request no operation of the contract describes (a wrong path or method)."""
    where = f"{request.method} {path[:200]}"
    violation = Violation(
        carrier.name,
        "request",
        "operation",
        where,
        "operation",
        f"{where} is not an operation of contracts/{carrier.name}.openapi.yaml",
    )
    log_violation(request, violation)
    return violation


def refusal(
    state: AppState, carrier: Carrier, dialect: ErrorDialect, operation: str, violations: list[Violation]
) -> CarrierError | None:
    """The carrier's own refusal of an invalid request, if its contract documents one for this
    operation; None lets the carrier answer."""
    if any(violation.rule == "size" for violation in violations):
        return PayloadTooLarge(f"request body larger than {MAX_CHECKED_BODY} bytes")
    error = Invalid(dialect.field_errors(violations))
    if any(violation.rule == "depth" for violation in violations):
        return error
    rendered = dialect.render(error, "")
    documented = not state.contracts.contract(carrier.name).check_response(operation, rendered, "GET")
    return error if documented else None
