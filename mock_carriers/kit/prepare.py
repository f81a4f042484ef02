"""Preparing a check's namespace before its driver runs: the fixtures overlay, the fault rules
aimed at the task's operations, a rate limit already used up, the references the driver gets. All
of it goes through the admin API and the carrier's own HTTP API, so it works as well against a
server in a container (`--url`) as against the one the kit starts."""

from __future__ import annotations

import random
from typing import Any

import requests

from mock_carriers.carriers import CARRIERS
from mock_carriers.client import Sandbox
from mock_carriers.kit.catalogue import Check, TaskSpec
from mock_carriers.kit.evidence import family


def _numbered(value: Any, n: int) -> Any:
    if isinstance(value, str):
        return value.format(n=n) if "{n" in value else value
    if isinstance(value, dict):
        return {key: _numbered(item, n) for key, item in value.items()}
    if isinstance(value, list):
        return [_numbered(item, n) for item in value]
    return value


def overlay(spec: TaskSpec) -> dict | None:
    """Fixtures the task needs beyond the shipped ones: enough items that a list has many pages."""
    extra = (spec.pages or {}).get("extra")
    if not extra:
        return None
    items = {extra["key"].format(n=n): _numbered(extra["item"], n) for n in range(1, extra["count"] + 1)}
    return {spec.carrier: {extra["section"]: items}}


def scaled(value: Any, request_timeout: float) -> Any:
    """`{request_timeouts: 4, plus: 2}` is four request timeouts and two seconds, in seconds."""
    if isinstance(value, dict) and set(value) <= {"request_timeouts", "plus"} and "request_timeouts" in value:
        return value["request_timeouts"] * request_timeout + value.get("plus", 0)
    return value


def fault_rules(check: Check, spec: TaskSpec) -> list[dict]:
    """The check's faults as admin API rules: `at: target` (or `commit`) becomes one rule per
    operation of the task's, each variant of it included (BEX's ...Legacy and ...ViaGet)."""
    known = [route.operation_id for route in CARRIERS.load(spec.carrier).routes]
    rules = []
    for fault in check.setup.get("faults", ()):
        aimed = {"target": spec.target, "commit": spec.commit}[fault["at"]]
        params = {key: value for key, value in fault.items() if key != "at"}
        for operation in dict.fromkeys(op for op in known if family(op) in aimed):
            rules.append({"carrier": spec.carrier, "operation": operation, **params})
    return rules


def resolver(spec: TaskSpec, sandbox: Sandbox, seed: int, check_id: str):
    """Resolves `{ref: NAME}`, `{credential: NAME}` and `{generated: waybill_number}` anywhere in a
    value (generated values are drawn from the seed: the same for the same seed and check)."""
    named, credentials = sandbox.references(spec.carrier), sandbox.credentials(spec.carrier)
    draws = random.Random(f"{seed}:{check_id}:{spec.carrier}:{spec.task}")

    def resolve(value: Any) -> Any:
        if isinstance(value, dict) and set(value) == {"ref"}:
            return named[value["ref"]]
        if isinstance(value, dict) and set(value) == {"credential"}:
            return credentials[value["credential"]]
        if isinstance(value, dict) and value == {"generated": "waybill_number"}:
            return f"KIT{draws.randrange(10**9):09d}"
        if isinstance(value, dict):
            return {key: resolve(item) for key, item in value.items()}
        if isinstance(value, list):
            return [resolve(item) for item in value]
        return value

    return resolve


def _session() -> requests.Session:
    """A session for the kit's own requests to the carrier: kept alive across them (the rate limit
    is used up with a hundred), straight to the mock whatever proxy the shell names."""
    session = requests.Session()
    session.trust_env = False
    return session


def _call(
    session: requests.Session, sandbox: Sandbox, spec: TaskSpec, request: dict, resolve, params: dict | None = None
) -> requests.Response:
    """One request of the kit's own to the carrier, with the driver's credential."""
    credentials = sandbox.credentials(spec.carrier)
    headers = {name: value.format(**credentials) for name, value in request["headers"].items()}
    return session.get(
        sandbox.url(spec.carrier) + request["path"],
        params={**resolve(request.get("query", {})), **(params or {})},
        headers=headers,
        timeout=10,
    )


def fill_rate_limit(spec: TaskSpec, sandbox: Sandbox, resolve) -> str:
    """Use up the carrier's rate limit for the driver's credential, then move the namespace clock
    to three seconds before the window frees it, so the driver's first request meets the carrier's
    own 429 with a short Retry-After. Answers what it did, for the report."""
    limit = spec.rate_limit or {}
    sandbox.clock.freeze()
    with _session() as session:
        statuses = [_call(session, sandbox, spec, limit, resolve).status_code for _ in range(limit["limit"])]
    sandbox.clock.advance(limit["window"] - 3)
    sandbox.clock.resume()
    return f"the kit used {statuses.count(200)} of the credential's {limit['limit']} requests a minute first"


def list_size(spec: TaskSpec, sandbox: Sandbox, resolve) -> int:
    """How many items the task's paged list holds for the driver's credential."""
    with _session() as session:
        answer = _call(session, sandbox, spec, spec.pages or {}, resolve, {"limit": 1})
    answer.raise_for_status()
    return answer.json()["count"]


def last_entry(sandbox: Sandbox) -> int:
    """The journal index the driver's requests will come after."""
    entries = sandbox.journal(limit=1)
    return entries[-1]["id"] if entries else 0
