"""The one request pipeline every carrier request goes through: routing -> namespace -> (a CORS
preflight, answered here) -> (strict mode's contract check) -> faults -> carrier route -> error
dialect -> CORS headers -> journal (-> the response's contract check, in the test suite)."""

from __future__ import annotations

import logging
import time
from contextlib import nullcontext

from flask import Request
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge
from werkzeug.http import http_date
from werkzeug.wrappers import Response

from mock_carriers import fault_effects
from mock_carriers import strict as strict_mode
from mock_carriers.carriers.base import RequestContext
from mock_carriers.connection_faults import ENVIRON_KEY
from mock_carriers.core.errors import (
    AdminDialect,
    Answered,
    BadRequest,
    CarrierError,
    Internal,
    MethodNotAllowed,
    NotFound,
    PayloadTooLarge,
    Redirect,
    RouteNotFound,
)
from mock_carriers.core.faults import AFTER, CONNECTION
from mock_carriers.core.journal import JournalEntry, request_headers
from mock_carriers.core.namespaces import NamespacesFull
from mock_carriers.core.routing import resolve_target
from mock_carriers.state import AppState

log = logging.getLogger("mock_carriers.pipeline")
ADMIN_DIALECT = AdminDialect()
DATED = "mock_carriers.dated"  # the response carries its own Date: the server must not add another
PROXY_NAMESPACE = "mock_carriers.proxy_namespace"  # the namespace a proxy client named (its proxy user name)


def handle(state: AppState, request: Request) -> Response:
    try:
        namespace_name = request.headers.get("X-Mock-Namespace") or request.environ.get(PROXY_NAMESPACE)
        target = resolve_target(request.path, request.host, namespace_name, state.carriers.names, state.hosts)
    except CarrierError as error:
        return ADMIN_DIALECT.render(error, "")
    if target is None:
        mounts = ", ".join(f"/{name}/" for name in state.carriers.names)
        return ADMIN_DIALECT.render(
            NotFound(f"no carrier at {request.path[:200]!r}; carriers are at {mounts} (or /ns/<namespace>/<carrier>/)"),
            "",
        )

    carrier = state.carriers.load(target.carrier)
    try:
        namespace = state.namespaces.get(target.namespace)
    except NamespacesFull as error:  # no world to answer from or to journal in: the carrier's 503
        return carrier.dialect.render(error, "")
    started, operation, body, dialect, faults, breaking = time.perf_counter(), None, b"", carrier.dialect, [], None
    query, strict, violations = request.query_string.decode("latin-1"), state.is_strict(namespace), []
    try:
        body = _read_body(request)
        preflight = carrier.cors.preflight(request.headers, request.method) if carrier.cors else None
        if preflight is not None:  # the CORS layer answers it before routing, strict mode, faults and authentication
            raise Answered(preflight)
        try:
            route, params = carrier.routes.match(request.method, target.path, query)
        except (RouteNotFound, MethodNotAllowed):
            if strict:
                violations.append(strict_mode.unknown_operation(carrier, request, target.path))
            raise
        operation, dialect = route.operation_id, route.dialect or carrier.dialect
        if strict:
            violations = strict_mode.check(state, carrier, operation, request, body)
        for rule in namespace.faults.candidates(carrier.name, operation, request.method, target.path):
            if rule.effect in AFTER or rule.effect in CONNECTION:
                breaking = rule  # it breaks whatever answer comes, so no later rule is reached
                break
            faults.append(rule)
            if not fault_effects.before(rule, request, carrier, namespace):
                faults.pop()  # a quota with room left: nothing happened
        refusal = (
            violations and operation is not None and strict_mode.refusal(state, carrier, dialect, operation, violations)
        )
        if refusal:
            raise refusal
        context = RequestContext(request, carrier, namespace, target)
        with namespace.lock if route.locked else nullcontext():
            response = route.handler(context, **params)
    except CarrierError as error:
        error.url = request.url
        if isinstance(error, Redirect):  # the carrier's path, under the prefix this client used
            error.headers["Location"] = target.prefix + error.headers["Location"]
        response = dialect.render(error, namespace.trace_id())
    except Exception:  # a bug of ours: log it, answer as the carrier's own 500 would
        log.exception("unhandled error on %s %s", request.method, request.path)
        response = dialect.render(Internal(), namespace.trace_id())
    if breaking is not None and namespace.faults.claim(breaking):  # whatever the answer was, error or not
        faults.append(breaking)
        if breaking.effect in AFTER:
            response = fault_effects.after(breaking, response)
        else:  # the server breaks the connection once the carrier has answered
            request.environ[ENVIRON_KEY] = (breaking.effect, breaking.params)

    if carrier.cors is not None:  # on every answer, errors and faults included: a browser hides one without them
        carrier.cors.decorate(request.headers, request.method, response)
    response.headers["Date"] = http_date(namespace.clock.now())  # the world's now, as Retry-After dates are
    request.environ[DATED] = True
    entry = JournalEntry(
        carrier.name,
        operation,
        request.method,
        request.path,
        query,
        request_headers(request.environ),
        body,
        response.status_code,
        list(response.headers.items()),
        response.get_data(),
        namespace.clock.timestamp(),
        (time.perf_counter() - started) * 1000,
        faults=[{"id": rule.id, "effect": rule.effect} for rule in faults],
        contract_violations=violations,
    )
    if state.settings.check_responses and not faults:  # a fault breaks the contract on purpose
        entry.contract_violations += state.check_contract(carrier.name, operation, response, request.method)
    namespace.journal.record(entry)
    if state.settings.on_request is not None:  # `serve` prints a line
        state.settings.on_request(namespace.name, entry)
    return response


def _read_body(request: Request) -> bytes:
    """The raw body, cached so form and JSON parsing still work after it; a body too large or cut
    off becomes the carrier's own error instead of Werkzeug's HTML page."""
    try:
        return request.get_data(cache=True)
    except RequestEntityTooLarge:
        raise PayloadTooLarge("request body too large") from None
    except HTTPException as exc:
        raise BadRequest(exc.description) from None
