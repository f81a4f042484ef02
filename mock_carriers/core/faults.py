"""Fault rules: make a carrier misbehave on purpose, reproducibly, for one namespace.

A rule matches requests (carrier, operation, method, path glob), decides with the namespace's
seeded fault RNG (`probability`), skips its first `after` matches and retires after `times`
firings, a firing being counted only when its effect is really applied. Its effect is data; the
pipeline applies it in one place for every carrier. Rules are checked when added, so a mistake is
a 400 naming the field and the rules in place stay as they were.
"""

from __future__ import annotations

import fnmatch
import itertools
import math
import random
import re
import threading
from dataclasses import dataclass
from typing import Any, Iterable, Iterator, Mapping

from mock_carriers.core.durations import parse_duration
from mock_carriers.core.errors import Invalid
from mock_carriers.core.ratelimit import FixedWindow

MAX_LATENCY_MS = 30_000
MAX_HANG_MS = 120_000
SERVER_STATUSES = (500, 502, 503, 504)
# effects applied before the carrier handles the request, those applied to its response, and those
# the server applies to the connection (the carrier has handled the request; its answer is lost)
BEFORE = ("latency", "status", "rate_limit", "quota", "expire_token", "revoke_token", "carrier_error")
AFTER = ("malformed",)
CONNECTION = ("reset", "drop", "hang", "truncate", "dribble")
WEBHOOK = ("bad_signature", "duplicate", "out_of_order", "delay", "stale_timestamp")  # on deliveries, by event
EFFECTS = BEFORE + AFTER + CONNECTION + WEBHOOK
_MATCHERS = ("carrier", "operation", "method", "path", "event")
_DECISION = ("effect", "probability", "times", "after", "description")
PARAMETERS = {  # effect -> the parameters it takes (the CLI's help lists them)
    "latency": ("distribution", "ms", "min_ms", "max_ms", "median_ms", "sigma"),
    "status": ("status",),
    "rate_limit": ("retry_after", "retry_after_format"),
    "quota": ("limit", "window"),
    "carrier_error": ("message",),
    "hang": ("max_ms",),
    "truncate": ("missing_bytes",),
    "dribble": ("chunk_bytes", "interval_ms"),
    "delay": ("by",),
    "out_of_order": ("by",),
    "stale_timestamp": ("by",),
}
_BOUNDS = {  # parameter -> (default, lowest, highest)
    "max_ms": (30_000, 0, MAX_HANG_MS),
    "missing_bytes": (64, 1, 1_000_000),
    "chunk_bytes": (16, 1, 65_536),
    "interval_ms": (200, 0, 5_000),
}


@dataclass
class FaultRule:
    id: str
    effect: str
    params: dict[str, Any]
    carrier: str | None = None
    operation: str | None = None
    method: str | None = None
    path: str | None = None
    event: str | None = None
    probability: float = 1.0
    times: int | None = None
    after: int = 0
    description: str = ""
    matched: int = 0
    fired: int = 0
    quota: FixedWindow | None = None
    path_pattern: re.Pattern[str] | None = None  # `path` compiled once

    def matches(self, carrier: str, operation: str | None, method: str, path: str) -> bool:
        return (
            self.effect not in WEBHOOK
            and (self.carrier is None or self.carrier == carrier)
            and (self.operation is None or self.operation == operation)
            and (self.method is None or self.method == method)
            and (self.path_pattern is None or self.path_pattern.match(path) is not None)
        )

    @property
    def retired(self) -> bool:
        return self.times is not None and self.fired >= self.times

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "effect": self.effect,
            **self.params,
            "carrier": self.carrier,
            "operation": self.operation,
            "method": self.method,
            "path": self.path,
            "event": self.event,
            "probability": self.probability,
            "times": self.times,
            "after": self.after,
            "description": self.description,
            "matched": self.matched,
            "fired": self.fired,
            "retired": self.retired,
        }


class FaultBook:
    """The rules of one namespace, in the order they were added."""

    def __init__(self, seed: int) -> None:
        self._rules: list[FaultRule] = []
        self._by_carrier: dict[str | None, list[FaultRule]] = {}  # what a request of a carrier looks at
        self._ids = itertools.count(1)
        self._rng = random.Random(f"faults:{seed}")  # its own sequence: faults never shift model ids
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._rules)

    def rules(self) -> list[FaultRule]:
        with self._lock:
            return list(self._rules)

    def add(
        self,
        spec: Mapping[str, Any],
        operations: Mapping[str, Iterable[str]],
        events: Mapping[str, Iterable[str]] | None = None,
    ) -> FaultRule:
        """Check `spec` against the carriers' operations and webhook events (carrier -> names);
        Invalid names the field."""
        rule = parse_rule(spec, operations, events or {})
        with self._lock:
            rule.id = f"fault_{next(self._ids)}"
            self._rules.append(rule)
            self._index()
        return rule

    def remove(self, rule_id: str) -> bool:
        with self._lock:
            kept = [rule for rule in self._rules if rule.id != rule_id]
            removed, self._rules = len(kept) != len(self._rules), kept
            self._index()
            return removed

    def clear(self) -> int:
        with self._lock:
            count, self._rules = len(self._rules), []
            self._index()
            return count

    def _index(self) -> None:
        """Per carrier, its rules and the carrier-less ones, in the order they were added."""
        carriers = {rule.carrier for rule in self._rules if rule.carrier is not None}
        self._by_carrier = {
            carrier: [rule for rule in self._rules if rule.carrier in (carrier, None)] for carrier in carriers
        }
        self._by_carrier[None] = [rule for rule in self._rules if rule.carrier is None]

    def candidates(self, carrier: str, operation: str | None, method: str, path: str) -> Iterator[FaultRule]:
        """The rules that may fire for this request, in order: each matched, past its `after`, and
        drawn by its `probability`. Lazy, so a rule the caller never reaches (an earlier one answered
        instead) is not counted as matched and draws nothing. None is counted as fired here: the
        caller claims a rule when it applies its effect."""
        if not self._rules:
            return
        for rule in self._by_carrier.get(carrier, self._by_carrier.get(None, ())):
            with self._lock:
                if rule.retired or not rule.matches(carrier, operation, method, path):
                    continue
                rule.matched += 1
                if rule.matched <= rule.after or self._rng.random() >= rule.probability:
                    continue
            yield rule

    def claim(self, rule: FaultRule) -> bool:
        """Count one firing of `rule`, whose effect is being applied; False if its `times` ran out
        meanwhile (another request took the last one), and then it must not be applied."""
        with self._lock:
            if rule.retired:
                return False
            rule.fired += 1
            return True

    def decide_delivery(self, carrier: str, event: str) -> list[FaultRule]:
        """The webhook rules that fire for one delivery of `event`."""
        if not self._rules:
            return []
        fired = []
        with self._lock:
            for rule in self._rules:
                if (
                    rule.effect not in WEBHOOK
                    or rule.retired
                    or (rule.carrier or carrier) != carrier
                    or (rule.event or event) != event
                ):
                    continue
                rule.matched += 1
                if rule.matched > rule.after and self._rng.random() < rule.probability:
                    rule.fired += 1
                    fired.append(rule)
        return fired

    def latency_ms(self, rule: FaultRule) -> float:
        params = rule.params
        with self._lock:
            if params["distribution"] == "uniform":
                value = self._rng.uniform(params["min_ms"], params["max_ms"])
            elif params["distribution"] == "lognormal":
                value = self._rng.lognormvariate(math.log(params["median_ms"]), params["sigma"])
            else:
                value = params["ms"]
        return min(value, MAX_LATENCY_MS)


def parse_rule(
    spec: Any, operations: Mapping[str, Iterable[str]], events: Mapping[str, Iterable[str]] | None = None
) -> FaultRule:
    if not isinstance(spec, Mapping):
        raise Invalid({"rule": ["must be a JSON object"]})
    errors: dict[str, list[str]] = {}
    effect = spec.get("effect")
    if effect not in EFFECTS:
        raise Invalid({"effect": [f"must be one of {', '.join(EFFECTS)}"]})
    matcher_names = ("carrier", "event") if effect in WEBHOOK else ("carrier", "operation", "method", "path")
    allowed = set(_DECISION) | set(matcher_names) | set(PARAMETERS.get(effect, ()))
    for name in spec:
        if name not in allowed:
            errors[str(name)[:60]] = [f"not a field of a {effect} rule"]
    matchers = _matchers(spec, operations, events or {}, errors)
    probability = spec.get("probability", 1.0)
    if isinstance(probability, bool) or not isinstance(probability, (int, float)) or not 0 <= probability <= 1:
        errors["probability"] = ["must be a number from 0 to 1"]
    for name in ("times", "after"):
        value = spec.get(name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10**9):
            errors[name] = ["must be a whole number from 0 to 1000000000"]
    description = spec.get("description", "")
    if not isinstance(description, str) or len(description) > 500:
        errors["description"] = ["must be text of at most 500 characters"]
    params = _parameters(effect, spec, errors)
    if errors:
        raise Invalid(errors)
    rule = FaultRule(
        "",
        effect,
        params,
        probability=float(probability),
        times=spec.get("times"),
        after=spec.get("after") or 0,
        description=description,
        **matchers,
    )
    if effect == "quota":
        rule.quota = FixedWindow(params["limit"], parse_duration(params["window"]).total_seconds())
    if rule.path is not None:
        rule.path_pattern = re.compile(fnmatch.translate(rule.path))
    return rule


def _matchers(
    spec: Mapping[str, Any],
    operations: Mapping[str, Iterable[str]],
    events: Mapping[str, Iterable[str]],
    errors: dict[str, list[str]],
) -> dict[str, Any]:  # keyword arguments of FaultRule: text or None
    found: dict[str, Any] = {}
    for name in _MATCHERS:
        value = spec.get(name)
        if value is not None and (not isinstance(value, str) or not value or len(value) > 300):
            errors[name] = ["must be non-empty text of at most 300 characters"]
            continue
        found[name] = value
    carrier, operation = found.get("carrier"), found.get("operation")
    if carrier is not None and carrier not in operations:
        errors["carrier"] = [f"unknown carrier; use one of {', '.join(operations)}"]
    elif operation is not None:
        known = operations[carrier] if carrier else {op for ops in operations.values() for op in ops}
        if operation not in known:
            errors["operation"] = [
                f"no operation {operation[:80]!r}"
                + (f" in {carrier}" if carrier else "")
                + " (use the operationId from the carrier's contract)"
            ]
    event = found.get("event")
    if event is not None and "carrier" not in errors:
        known = events.get(carrier, ()) if carrier else {name for names in events.values() for name in names}
        if event not in known:
            errors["event"] = [f"no webhook event {event[:80]!r}" + (f" of {carrier}" if carrier else "")]
    if method := found.get("method"):
        found["method"] = method.upper()
    return found


def _parameters(effect: str, spec: Mapping[str, Any], errors: dict[str, list[str]]) -> dict[str, Any]:
    if effect == "latency":
        return _latency(spec, errors)
    if effect == "status":
        status = spec.get("status", 503)
        if status not in SERVER_STATUSES or isinstance(status, bool):
            errors["status"] = [f"must be one of {', '.join(map(str, SERVER_STATUSES))}"]
        return {"status": status}
    if effect == "rate_limit":
        retry_after, form = spec.get("retry_after", 30), spec.get("retry_after_format", "seconds")
        if isinstance(retry_after, bool) or not isinstance(retry_after, int) or not 0 <= retry_after <= 86_400:
            errors["retry_after"] = ["must be whole seconds from 0 to 86400"]
        if form not in ("seconds", "http-date"):
            errors["retry_after_format"] = ["must be seconds or http-date"]
        return {"retry_after": retry_after, "retry_after_format": form}
    if effect == "quota":
        limit, window = spec.get("limit"), spec.get("window", "1m")
        if isinstance(limit, bool) or not isinstance(limit, int) or not 0 <= limit <= 10**6:
            errors["limit"] = ["must be a whole number of requests from 0 to 1000000"]
        try:
            if parse_duration(window).total_seconds() <= 0:
                raise ValueError("a window must be longer than zero")
        except ValueError as exc:
            errors["window"] = [str(exc)]
        return {"limit": limit, "window": window}
    if effect in ("hang", "truncate", "dribble"):
        params = {}
        for name in PARAMETERS[effect]:
            default, low, high = _BOUNDS[name]
            value = spec.get(name, default)
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                errors[name] = [f"must be a whole number from {low} to {high}"]
            params[name] = value
        return params
    if effect in ("delay", "out_of_order", "stale_timestamp"):
        by = spec.get("by", "1h" if effect == "stale_timestamp" else "5m")
        try:
            if not 0 < parse_duration(by).total_seconds() <= 7 * 86_400:
                raise ValueError("must be longer than zero and at most 7d")
        except ValueError as exc:
            errors["by"] = [str(exc)]
        return {"by": by}
    if effect == "carrier_error":
        message = spec.get("message")
        if message is not None and (not isinstance(message, str) or not message or len(message) > 500):
            errors["message"] = ["must be text of 1 to 500 characters"]
        return {"message": message}
    return {}


def _latency(spec: Mapping[str, Any], errors: dict[str, list[str]]) -> dict[str, Any]:
    distribution = spec.get("distribution", "fixed")
    needed = {"fixed": ("ms",), "uniform": ("min_ms", "max_ms"), "lognormal": ("median_ms", "sigma")}
    if not isinstance(distribution, str) or distribution not in needed:  # {} or [] cannot be looked up
        errors["distribution"] = ["must be fixed, uniform or lognormal"]
        return {}
    params: dict[str, Any] = {"distribution": distribution}
    for name in needed[distribution]:
        value = spec.get(name)
        top = 10.0 if name == "sigma" else MAX_LATENCY_MS
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or not 0 <= value <= top
            or (name in ("median_ms", "sigma") and value == 0)
        ):
            errors[name] = [
                f"must be a number above 0 and at most {top:g}"
                if name in ("median_ms", "sigma")
                else f"must be a number from 0 to {top:g}"
            ]
        params[name] = value
    if distribution == "uniform" and not errors and params["min_ms"] > params["max_ms"]:
        errors["max_ms"] = ["must not be below min_ms"]
    return params
