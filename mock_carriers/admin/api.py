"""The /__admin blueprint. Every view's name is its operationId in contracts/admin.openapi.yaml."""

from __future__ import annotations

import hmac
import json
import re
from typing import Callable
from urllib.parse import urlsplit

from flask import Blueprint, Response, current_app, request

from mock_carriers import __version__
from mock_carriers.admin import journal_query, origin
from mock_carriers.admin import scenario as scenarios
from mock_carriers.core.clock import VirtualClock
from mock_carriers.core.durations import format_instant, parse_duration, parse_instant
from mock_carriers.core.errors import (
    BadRequest,
    HttpError,
    Invalid,
    NotFound,
    Unauthorized,
    empty_response,
    json_response,
)
from mock_carriers.core.faults import parse_rule
from mock_carriers.core.fixtures import FixtureError, deep_merge, located, validate
from mock_carriers.core.limits import MAX_DEPTH, TooLarge, check_document
from mock_carriers.core.links import external_url
from mock_carriers.core.namespaces import Namespace
from mock_carriers.core.nesting import nests_deeper
from mock_carriers.core.routing import DEFAULT_NAMESPACE, check_namespace_name
from mock_carriers.state import AppState

admin = Blueprint("admin", __name__)


def _state() -> AppState:
    return current_app.extensions["mock_carriers"]


@admin.before_request
def refuse_cross_site_changes():
    """A change a browser sends for a page of another origin is refused (see origin.py)."""
    reason = origin.cross_site(request.method, request.headers, request.host_url)
    if reason is not None:
        raise HttpError(403, "cross_origin", reason)


@admin.before_request
def require_admin_token():
    expected = _state().settings.admin_token
    if expected and request.endpoint != "admin.livez":
        given = request.headers.get("Authorization", "")
        if not hmac.compare_digest(given.encode(), f"Bearer {expected}".encode()):
            raise AdminUnauthorized()


class AdminUnauthorized(Unauthorized):
    def __init__(self) -> None:
        super().__init__("missing", "this server has an admin token: send Authorization: Bearer <admin token>")
        self.headers["WWW-Authenticate"] = "Bearer"


@admin.after_request
def check_contract(response):
    state = _state()
    if state.settings.check_responses and request.endpoint:
        state.check_contract("admin", request.endpoint.removeprefix("admin."), response, request.method)
    return response


def _json_body() -> dict:
    raw = request.get_data(cache=True)
    if not raw.strip():
        return {}
    if nests_deeper(raw):
        raise BadRequest(f"the body nests deeper than {MAX_DEPTH} levels")
    try:
        body = json.loads(raw)
    except RecursionError:  # the parser's own bound, far past ours
        raise BadRequest(f"the body is nested deeper than {MAX_DEPTH} levels") from None
    except ValueError:
        raise BadRequest("the body is not valid JSON") from None
    if not isinstance(body, dict):
        raise BadRequest("the body must be a JSON object")
    try:
        check_document(body)
    except TooLarge as exc:
        raise BadRequest(f"the body is {exc}") from None
    return body


def _namespace(name: str) -> Namespace:
    """A live namespace; `default` always exists. Others exist once used or created with PUT."""
    check_namespace_name(name)
    namespace = _state().namespaces.get(name, create=name == DEFAULT_NAMESPACE)
    if namespace is None:
        raise NotFound(f"no live namespace {name!r}: create it with PUT /__admin/namespaces/{name}")
    return namespace


def _carrier_name(body: dict) -> str:
    name = body.get("carrier")
    if name not in _state().carriers.names:
        raise Invalid({"carrier": [f"must be one of {', '.join(_state().carriers.names)}"]})
    return name


def _carrier_query() -> str | None:
    """The optional `?carrier=` filter of the list endpoints."""
    carrier = request.args.get("carrier") or None
    if carrier is not None and carrier not in _state().carriers.names:
        raise Invalid({"carrier": [f"must be one of {', '.join(_state().carriers.names)}"]})
    return carrier


@admin.get("/livez")
def livez():
    """Liveness for Docker's HEALTHCHECK, Kubernetes probes and Testcontainers' waits, which hold
    no admin token: so it needs none, and tells nothing but that the server answers."""
    return json_response({"status": "ok"})


@admin.get("/health")
def health():
    return json_response({"status": "ok", "version": __version__, "carriers": list(_state().carriers.names)})


@admin.get("/tls/ca.pem")
def ca_certificate():
    """The local CA's certificate (never its key), so a client on another machine (or outside a
    container) can trust the HTTPS the mock terminates."""
    from mock_carriers.tls import CertificateAuthority

    pem = CertificateAuthority.load_or_create(_state().settings.ca_dir).cert_path.read_bytes()
    return Response(pem, 200, mimetype="application/x-pem-file")


@admin.get("/namespaces")
def list_namespaces():
    """Each live namespace with its clock, strict mode and how much it holds, for an overview
    (the dashboard's) without a call per namespace. Reading them does not count as using them."""
    state = _state()
    return json_response(
        {
            "namespaces": [
                {
                    "namespace": ns.name,
                    "seed": ns.seed,
                    "created": format_instant(ns.created_at),
                    "strict": state.is_strict(ns),
                    "clock": _clock_document(ns),
                    "counts": {
                        "requests": ns.journal.recorded,
                        "faults": len(ns.faults),
                        "deliveries": len(ns.webhooks.deliveries()) + ns.webhooks.trimmed,
                        "violations": ns.journal.violation_count(),
                    },
                }
                for ns in state.namespaces.live()
            ]
        }
    )


@admin.get("/scenarios")
def list_scenarios():
    """The scenarios shipped with the package: name, namespace and what each sets up."""
    return json_response({"scenarios": [scenarios.summary(name, path) for name, path in scenarios.shipped().items()]})


@admin.get("/scenarios/<scenario>")
def get_scenario(scenario: str):
    """A shipped scenario's file, to apply with POST .../scenario (as it is, or changed)."""
    path = scenarios.shipped().get(scenario)
    if path is None:
        raise NotFound(f"no shipped scenario {scenario[:80]!r}; GET /__admin/scenarios lists them")
    return Response(path.read_bytes(), 200, mimetype="application/yaml")


@admin.put("/namespaces/<name>")
def put_namespace(name: str):
    check_namespace_name(name)
    body = _json_body()
    unknown = set(body) - {"seed", "fixtures", "strict"}
    if unknown:
        raise Invalid({key: ["unknown field"] for key in sorted(unknown)})
    seed, strict = body.get("seed"), body.get("strict")
    if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool)):
        raise Invalid({"seed": ["must be a whole number"]})
    if strict is not None and not isinstance(strict, bool):
        raise Invalid({"strict": ["must be true or false"]})
    overlays = _checked_overlays({} if body.get("fixtures") is None else body["fixtures"])
    namespace = _state().namespaces.replace(name, seed, overlays, strict)
    return json_response(_document(namespace), 201)


def _checked_overlays(fixtures: object, line_of: Callable[[list], int] | None = None) -> dict:
    """Each carrier's overlay merged onto its shipped fixtures and checked against its schema;
    Invalid lists every mistake of every carrier (each with its line, given a scenario's `line_of`)."""
    state = _state()
    if not isinstance(fixtures, dict):
        raise Invalid({"fixtures": ["must be an object keyed by carrier name"]})
    at = (lambda parts: f"line {line_of(parts)}: ") if line_of else (lambda parts: "")
    merged, errors = {}, {}
    for name, overlay in fixtures.items():
        if name not in state.carriers.names:
            errors[f"fixtures.{name}"] = [
                f"{at(['fixtures', name])}unknown carrier; use one of {', '.join(state.carriers.names)}"
            ]
            continue
        try:
            merged[name] = _merged_and_checked(state, name, overlay)
        except FixtureError as exc:
            errors[f"fixtures.{name}"] = [
                at(["fixtures", name, *path]) + located(path, message) for _, path, message in exc.problems
            ]
    if errors:
        raise Invalid(errors)
    return merged


def _merged_and_checked(state: AppState, name: str, overlay: object) -> object:
    """The carrier's fixtures with `overlay` merged, checked against its schema (FixtureError if not),
    once per overlay (see CheckedOverlays)."""

    def check() -> object:
        carrier = state.carriers.load(name)
        data = deep_merge(state.store.get(carrier), overlay)
        validate(data, carrier)
        return data

    return state.checked_overlays.get(name, overlay, check)


@admin.get("/namespaces/<name>")
def get_namespace(name: str):
    return json_response(_document(_namespace(name)))


def _document(namespace: Namespace) -> dict:
    state = _state()
    prefix = "" if namespace.name == DEFAULT_NAMESPACE else f"/ns/{namespace.name}"
    carriers = {}
    for name in state.carriers.names:
        carrier = state.carriers.load(name)
        carriers[name] = {
            "base_url": external_url(request, f"{prefix}/{name}"),
            **carrier.describe(namespace.fixtures(carrier)),
        }
    return {
        "namespace": namespace.name,
        "seed": namespace.seed,
        "strict": state.is_strict(namespace),
        "carriers": carriers,
    }


@admin.delete("/namespaces/<name>")
def delete_namespace(name: str):
    check_namespace_name(name)
    if not _state().namespaces.drop(name):
        raise NotFound(f"no live namespace {name!r}")
    return empty_response(204)


@admin.post("/reset")
def reset_all():
    return json_response({"reset": _state().namespaces.clear()})


@admin.get("/namespaces/<name>/clock")
def get_clock(name: str):
    return json_response(_clock_document(_namespace(name)))


def _clock_document(namespace: Namespace) -> dict:
    return {"now": format_instant(namespace.clock.now()), "frozen": namespace.clock.frozen}


@admin.post("/namespaces/<name>/clock")
def change_clock(name: str):
    namespace = _namespace(name)
    _change_clock(namespace.clock, _json_body())
    return json_response(_clock_document(namespace))


def _change_clock(clock: VirtualClock, body: dict) -> None:
    action = body.get("action")
    try:
        if action == "freeze":
            clock.freeze()
        elif action == "resume":
            clock.resume()
        elif action == "advance":
            clock.advance(parse_duration(body.get("by")))
        elif action == "set":
            to = body.get("to")
            if not isinstance(to, str):
                raise ValueError("`to` must be an ISO-8601 time such as 2026-01-01T00:00:00Z")
            clock.set(parse_instant(to))
        else:
            raise Invalid({"action": ["must be one of freeze, resume, advance, set"]})
    except (ValueError, OverflowError) as exc:
        field = "by" if action == "advance" else "to"
        raise Invalid({field: [str(exc)]}) from None


@admin.post("/namespaces/<name>/tokens/expire")
def expire_tokens(name: str):
    return _change_tokens(name, "expire")


@admin.post("/namespaces/<name>/tokens/revoke")
def revoke_tokens(name: str):
    return _change_tokens(name, "revoke")


def _change_tokens(name: str, action: str):
    namespace = _namespace(name)
    body = _json_body()
    carrier = _state().carriers.load(_carrier_name(body))
    selectors = {key: body.get(key) for key in ("token", "client_id")}
    for key, value in selectors.items():
        if value is not None and not isinstance(value, str):
            raise Invalid({key: ["must be a string"]})
    authority = namespace.tokens(carrier)
    with namespace.lock:
        affected = getattr(authority, action)(**selectors)
    return json_response({"carrier": carrier.name, "action": action, "affected": affected})


@admin.get("/namespaces/<name>/webhooks")
def get_webhooks(name: str):
    namespace = _namespace(name)
    carrier = _carrier_query()
    hub = namespace.webhooks
    return json_response(
        {
            "namespace": namespace.name,
            "subscriptions": [s.to_dict() for s in hub.subscriptions(carrier)],
            "deliveries": [d.to_dict() for d in hub.deliveries(carrier)],
            "trimmed": hub.trimmed,
        }
    )


@admin.post("/namespaces/<name>/webhooks/subscriptions")
def add_subscription(name: str):
    """Subscribe a URL as the carrier's portal (or support desk) would, bypassing its API."""
    namespace = _namespace(name)
    return json_response(_subscribe(namespace, _subscription_request(_json_body())).to_dict(), 201)


def _subscription_request(body: dict) -> dict:
    """A checked subscription: the arguments of WebhookHub.subscribe; Invalid names the field."""
    carrier = _state().carriers.load(_carrier_name(body))
    if not carrier.webhook_events:
        raise Invalid({"carrier": [f"{carrier.name} sends no webhooks"]})
    url = body.get("url")
    if not isinstance(url, str) or urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname:
        raise Invalid({"url": ["must be an http(s) URL"]})
    filters = body.get("filters", [])
    if not isinstance(filters, list) or any(f not in carrier.webhook_events for f in filters):
        raise Invalid({"filters": [f"must be a list of: {', '.join(carrier.webhook_events)}"]})
    headers = body.get("headers", {})
    if not isinstance(headers, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and k.strip() and "\n" not in k + v and "\r" not in k + v
        for k, v in headers.items()
    ):
        raise Invalid({"headers": ["must be an object of header names to string values"]})
    for key in ("secret", "description"):
        if body.get(key) is not None and not isinstance(body[key], str):
            raise Invalid({key: ["must be a string"]})
    return {
        "carrier": carrier.name,
        "url": url,
        "secret": body.get("secret"),
        "filters": tuple(filters),
        "headers": headers,
        "description": body.get("description") or "",
    }


def _subscribe(namespace: Namespace, request_: dict):
    subscription = namespace.webhooks.subscribe(**request_)
    namespace.model(_state().carriers.load(request_["carrier"]))  # the carrier's world starts: its events are sent
    return subscription


@admin.post("/namespaces/<name>/webhooks/deliveries/<delivery_id>/redeliver")
def redeliver(name: str, delivery_id: str):
    """Send a delivery's event again to its subscription, as a new delivery (its `redelivery_of`
    names the first): for a receiver fixed after the retries ran out."""
    delivery = _namespace(name).webhooks.redeliver(delivery_id)
    if delivery is None:
        raise NotFound(f"no delivery {delivery_id[:80]!r} in the outbox")
    return json_response(delivery.to_dict(), 201)


@admin.get("/namespaces/<name>/journal")
def get_journal(name: str):
    namespace = _namespace(name)
    carrier = _carrier_query()
    limit_text = request.args.get("limit")
    limit = None
    if limit_text is not None:
        if not re.fullmatch(r"[0-9]{1,9}", limit_text) or int(limit_text) < 1:
            raise Invalid({"limit": ["must be a whole number of at least 1"]})
        limit = int(limit_text)
    query = journal_query.parse(request.args)
    if query == journal_query.JournalQuery():
        entries = namespace.journal.entries(carrier, limit)
    else:
        entries = [entry for entry in namespace.journal.entries(carrier) if query.matches(entry)]
        entries = entries[-limit:] if limit else entries
    return json_response(
        {
            "namespace": namespace.name,
            "entries": [entry.to_dict() for entry in entries],
            "last_id": namespace.journal.recorded,
        }
    )


@admin.get("/namespaces/<name>/journal/<entry_id>")
def get_journal_entry(name: str, entry_id: str):
    """One journal entry by its id, while the journal still keeps it."""
    namespace = _namespace(name)
    if not re.fullmatch(r"[0-9]{1,9}", entry_id):
        raise Invalid({"entry_id": ["must be a whole number (a journal entry id)"]})
    wanted = int(entry_id)
    entry = next((entry for entry in namespace.journal.entries() if entry.id == wanted), None)
    if entry is None:
        raise NotFound(f"no journal entry {wanted} in {namespace.name!r} (the journal keeps the newest entries only)")
    return json_response(entry.to_dict())


@admin.get("/namespaces/<name>/violations")
def get_violations(name: str):
    """The contract violations of the namespace's requests (strict mode), oldest first."""
    return json_response({"violations": _namespace(name).journal.violations()})


@admin.delete("/namespaces/<name>/violations")
def take_violations(name: str):
    """The violations, forgotten as they are read: a test that broke the contract on purpose
    takes them, so only the ones it did not expect fail it."""
    return json_response({"violations": _namespace(name).journal.violations(clear=True)})


@admin.get("/namespaces/<name>/faults")
def list_faults(name: str):
    return json_response({"faults": [rule.to_dict() for rule in _namespace(name).faults.rules()]})


@admin.post("/namespaces/<name>/faults")
def add_fault(name: str):
    """Add one rule; a mistake is a 400 naming the field, and the rules in place stay as they were."""
    namespace = _namespace(name)
    return json_response(namespace.faults.add(_json_body(), *_fault_catalogue()).to_dict(), 201)


def _fault_catalogue() -> tuple[dict, dict]:
    """What fault rules may name: each carrier's operations and webhook events."""
    state = _state()
    carriers = [state.carriers.load(name) for name in state.carriers.names]
    return (
        {carrier.name: [route.operation_id for route in carrier.routes] for carrier in carriers},
        {carrier.name: carrier.webhook_events for carrier in carriers},
    )


@admin.delete("/namespaces/<name>/faults")
def clear_faults(name: str):
    return json_response({"removed": _namespace(name).faults.clear()})


@admin.delete("/namespaces/<name>/faults/<fault_id>")
def remove_fault(name: str, fault_id: str):
    if not _namespace(name).faults.remove(fault_id):
        raise NotFound(f"no fault rule {fault_id[:80]!r}")
    return empty_response(204)


@admin.post("/namespaces/<name>/scenario")
def apply_scenario(name: str):
    """Replace the namespace with a scenario's world: everything is checked first, so a mistake
    (a 400 naming, for every mistake, the line and the field) leaves the namespace as it was."""
    check_namespace_name(name)
    scenario = scenarios.read(request.get_data(cache=True))
    catalogue = _fault_catalogue()
    problems: dict[str, list[str]] = {}
    overlays = _gathered(problems, lambda: _checked_overlays(scenario.fixtures, scenario.line_of))
    for index, spec in enumerate(scenario.faults):
        _gathered(problems, lambda spec=spec: parse_rule(spec, *catalogue), scenario, ["faults", index])
    subscriptions = [
        _gathered(problems, lambda body=body: _subscription_request(body), scenario, ["webhooks", index])
        for index, body in enumerate(scenario.webhooks)
    ]
    scratch = VirtualClock()  # the clock steps, tried where nothing happens
    for index, step in enumerate(scenario.clock):
        _gathered(problems, lambda step=step: _change_clock(scratch, step), scenario, ["clock", index])
    if problems:
        raise Invalid(problems)
    namespace = _state().namespaces.replace(name, scenario.seed, overlays, scenario.strict)
    for spec in scenario.faults:
        namespace.faults.add(spec, *catalogue)
    for subscription in subscriptions:
        _subscribe(namespace, subscription)
    for step in scenario.clock:
        _change_clock(namespace.clock, step)
    return json_response(
        {
            **_document(namespace),
            "faults": [rule.to_dict() for rule in namespace.faults.rules()],
            "subscriptions": [s.to_dict() for s in namespace.webhooks.subscriptions()],
            "clock": _clock_document(namespace),
        },
        201,
    )


def _gathered(problems: dict[str, list[str]], check, scenario=None, parts: list | None = None):
    """Run one part's check; its Invalid fields join `problems` (renamed to where they are in the
    document), so one answer lists every mistake of the scenario."""
    try:
        return check()
    except Invalid as error:
        renamed = scenario.renamed(error, parts) if scenario is not None else error
        for key, messages in renamed.fields.items():
            problems.setdefault(key, []).extend(messages)
        return None
