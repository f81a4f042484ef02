"""Violations as a framework's invalid-field errors: each carrier's error body keys its fields the
way its server framework does, and words them its own way (a Wording)."""

from __future__ import annotations

from typing import Any, Callable

from mock_carriers.core.contracts.violations import Violation, json_path

Wording = Callable[[Violation], str]  # a framework's words for a broken rule


def _schema_words(violation: Violation) -> str:
    return violation.message


def nested_fields(wording: Wording = _schema_words) -> Callable[[list[Violation]], dict[str, Any]]:
    """Invalid-field messages keyed the way serializers nest them: `{"parcels": {"0": {"weight": [..]}}}`;
    violations of the request as a whole under `non_field_errors`."""

    def fields(violations: list[Violation]) -> dict[str, Any]:
        nested: dict[str, Any] = {}
        for violation in violations:
            parts = [str(part) for part in violation.parts] or ["non_field_errors"]
            node = nested
            for part in parts[:-1]:
                child = node.get(part)
                if not isinstance(child, dict):
                    child = node[part] = {}
                node = child
            messages = node.get(parts[-1])
            if not isinstance(messages, list):
                messages = node[parts[-1]] = []
            messages.append(wording(violation))
        return nested

    return fields


def indexed_fields(prefix: str = "", wording: Wording = _schema_words) -> Callable[[list[Violation]], dict[str, Any]]:
    """Invalid-field messages keyed the way ASP.NET's ModelState names them: `request.Parcels[0].Weight`
    (`prefix` the action's parameter, for body fields); parameters by their own names."""

    def fields(violations: list[Violation]) -> dict[str, Any]:
        keyed: dict[str, list[str]] = {}
        for violation in violations:
            if violation.location == "body":
                key = prefix + json_path(violation.parts).removeprefix("$").removeprefix(".")
                key = key.rstrip(".") or "$"
            else:
                key = violation.json_path
            keyed.setdefault(key, []).append(wording(violation))
        return keyed

    return fields
