"""Typed request models, bound and validated the way ASP.NET binds a body to a C# class and fills
ModelState (the values come from `request_values.py`).

A carrier declares its request model as data (`Obj(Weight=Number(required=True), ...)`); binding
matches property names case-insensitively, converts text to numbers and dates (form bodies are
all text, and Json.NET converts "10" too), ignores unknown properties, and collects every failure
under the property's path (`request.Parcels[0].Weight`), as ModelState does. The result is plain
dicts keyed by the declared names, with None for what was not sent.
"""

from __future__ import annotations

import json
import math
import uuid
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from typing import Any, Callable, Mapping

from mock_carriers.core.aspnet.request_values import is_index
from mock_carriers.core.contracts.fields import indexed_fields
from mock_carriers.core.contracts.violations import Violation
from mock_carriers.core.durations import EARLIEST, LATEST
from mock_carriers.core.errors import Invalid

Errors = dict[str, list[str]]
MAX_TEXT = 10_000


def _name(path: str) -> str:
    return path.rsplit(".", 1)[-1].split("[", 1)[0]


def _shown(value: Any) -> str:
    """The value as the request wrote it (.NET repeats the attempted text), never a Python repr:
    numbers, booleans, objects and arrays as compact JSON."""
    if isinstance(value, str):
        return value[:100]
    try:
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)[:100]
    except (RecursionError, TypeError, ValueError):
        return "..."


@dataclass(frozen=True)
class Field:
    required: bool = field(default=False, kw_only=True)

    def bind(self, value: Any, path: str, errors: Errors) -> Any:
        if value is None or (isinstance(value, str) and not value.strip() and not isinstance(self, Text)):
            if self.required:
                errors.setdefault(path, []).append(f"The {_name(path)} field is required.")
            return None
        return self.convert(value, path, errors)

    def convert(self, value: Any, path: str, errors: Errors) -> Any:
        raise NotImplementedError

    @staticmethod
    def invalid(value: Any, path: str, errors: Errors) -> None:
        errors.setdefault(path, []).append(f"The value '{_shown(value)}' is not valid for {_name(path)}.")


@dataclass(frozen=True)
class Text(Field):
    """A string; numbers are accepted as their text. `choices` binds like a C# enum (any case)."""

    choices: tuple[str, ...] = ()
    max_length: int = MAX_TEXT

    def bind(self, value: Any, path: str, errors: Errors) -> Any:
        if self.required and (value is None or (isinstance(value, str) and not value.strip())):
            errors.setdefault(path, []).append(f"The {_name(path)} field is required.")
            return None
        return None if value is None else self.convert(value, path, errors)

    def convert(self, value: Any, path: str, errors: Errors) -> Any:
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            return self.invalid(value, path, errors)
        text = value if isinstance(value, str) else str(value)
        if len(text) > self.max_length:
            errors.setdefault(path, []).append(
                f"The field {_name(path)} must be a string with a maximum length of {self.max_length}."
            )
            return None
        if self.choices:
            match = next((choice for choice in self.choices if choice.lower() == text.strip().lower()), None)
            if match is None:
                return self.invalid(value, path, errors)
            return match
        return text


@dataclass(frozen=True)
class Guid(Field):
    """A System.Guid: 32 hex digits, with or without hyphens or braces; bound as canonical text."""

    def convert(self, value: Any, path: str, errors: Errors) -> Any:
        try:
            return str(uuid.UUID(value.strip())) if isinstance(value, str) else self.invalid(value, path, errors)
        except ValueError:
            return self.invalid(value, path, errors)


@dataclass(frozen=True)
class Number(Field):
    minimum: float | None = None
    maximum: float | None = None
    integer: bool = False

    def convert(self, value: Any, path: str, errors: Errors) -> Any:
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            return self.invalid(value, path, errors)
        try:
            number = float(value.strip()) if isinstance(value, str) else float(value)
        except ValueError:
            return self.invalid(value, path, errors)
        if not math.isfinite(number) or (self.integer and number != int(number)):
            return self.invalid(value, path, errors)
        low = -math.inf if self.minimum is None else self.minimum
        high = math.inf if self.maximum is None else self.maximum
        if not low <= number <= high:
            errors.setdefault(path, []).append(
                f"The field {_name(path)} must be between {_bound(low)} and {_bound(high)}."
            )
            return None
        return int(number) if self.integer else number


def _bound(value: float) -> str:
    if math.isinf(value):
        return "-79228162514264337593543950335" if value < 0 else "79228162514264337593543950335"
    return f"{value:g}"


@dataclass(frozen=True)
class Flag(Field):
    def convert(self, value: Any, path: str, errors: Errors) -> Any:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in ("true", "false"):
            return value.strip().lower() == "true"
        return self.invalid(value, path, errors)


@dataclass(frozen=True)
class Instant(Field):
    """An ISO 8601 date or date-time; one without an offset is taken as UTC."""

    def convert(self, value: Any, path: str, errors: Errors) -> Any:
        if not isinstance(value, str):
            return self.invalid(value, path, errors)
        text = value.strip()
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        text = _seven_digit_fraction(text)
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            return self.invalid(value, path, errors)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=timezone.utc)
        if not EARLIEST <= moment < LATEST:
            return self.invalid(value, path, errors)
        return moment


def _seven_digit_fraction(text: str) -> str:
    """.NET writes seven fractional digits ("14:22:14.2108186+00:00"); Python reads at most six."""
    head, dot, rest = text.partition(".")
    if not dot:
        return text
    digits = len(rest) - len(rest.lstrip("0123456789"))
    return head + dot + rest[: min(digits, 6)] + rest[digits:] if digits > 6 else text


@dataclass(frozen=True)
class Obj(Field):
    fields: Mapping[str, Field] = field(default_factory=dict)

    def convert(self, value: Any, path: str, errors: Errors) -> Any:
        if not isinstance(value, Mapping):
            return self.invalid(value, path, errors)
        by_name = {str(key).lower(): item for key, item in value.items()}
        return {
            name: spec.bind(by_name.get(name.lower()), f"{path}.{name}", errors) for name, spec in self.fields.items()
        }


@dataclass(frozen=True)
class ListOf(Field):
    item: Field = field(default_factory=Field)
    min_items: int = 0
    max_items: int = 1000

    def convert(self, value: Any, path: str, errors: Errors) -> Any:
        if isinstance(value, Mapping) and all(is_index(key) for key in value):
            value = [value[key] for key in sorted(value, key=int)]
        if not isinstance(value, list):
            return self.invalid(value, path, errors)
        if not self.min_items <= len(value) <= self.max_items:
            bound, limit = ("minimum", self.min_items) if len(value) < self.min_items else ("maximum", self.max_items)
            errors.setdefault(path, []).append(  # .NET's MinLengthAttribute and MaxLengthAttribute
                f"The field {_name(path)} must be a string or array type with a {bound} length of '{limit}'."
            )
            return None
        item = self.item if self.item.required else replace(self.item, required=True)  # no null elements
        return [item.bind(element, f"{path}[{index}]", errors) for index, element in enumerate(value)]


def bind_model(body: Any, model: Obj, parameter: str = "request") -> dict[str, Any]:
    """The bound model, or Invalid with every failure by path (ASP.NET's ModelState)."""
    errors: Errors = {}
    bound: dict[str, Any] = replace(model, required=True).bind(body, parameter, errors)
    if errors:
        raise Invalid(errors)
    return bound


def violation_message(violation: Violation) -> str:
    """What ASP.NET model binding says of a value a contract's schema refuses (a
    contracts.Violation); the schema's own words where it has none."""
    name = next((str(part) for part in reversed(violation.parts) if isinstance(part, str)), violation.json_path)
    if violation.rule == "required":
        return f"The {name} field is required."
    if violation.rule in ("type", "pattern", "anyOf", "oneOf", "enum", "format") and violation.value is not None:
        return f"The value '{_shown(violation.value)}' is not valid for {name}."
    if violation.rule == "maxLength":
        return f"The field {name} must be a string with a maximum length of {violation.limit}."
    return violation.message


def field_errors(prefix: str = "") -> Callable[[list[Violation]], dict[str, Any]]:
    """How an ASP.NET API names the fields of a request its contract refuses: ModelState keys
    (`prefix` the action's parameter), in model binding's words."""
    return indexed_fields(prefix, violation_message)
