"""The fault form, made from the admin contract's `FaultRequest` schema (its properties and its
`x-effects`), so it offers exactly the effects and parameters the admin API documents and cannot
drift from them: a new effect or parameter in the contract is a new choice or field here. The
admin API still checks every value and its messages are what the page shows."""

from __future__ import annotations

from dataclasses import dataclass

MATCHERS = {"requests": ("carrier", "operation", "method", "path"), "webhooks": ("carrier", "event")}
DECISION = ("probability", "times", "after", "description")


@dataclass(frozen=True)
class Field:
    name: str
    control: str  # "select", "number" or "text"
    type: str  # how the page sends it: "string", "number", "integer" or "duration" (text or seconds)
    description: str
    options: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    default: object = None
    effects: tuple[str, ...] = ()  # shown only for these effects; empty: for all
    matches: str = ""  # shown only for effects that match "requests" or "webhooks"; empty: for all


@dataclass(frozen=True)
class Effect:
    name: str
    matches: str
    summary: str
    parameters: tuple[str, ...]


@dataclass(frozen=True)
class FaultForm:
    effects: tuple[Effect, ...]
    matchers: tuple[Field, ...]
    decision: tuple[Field, ...]
    parameters: tuple[Field, ...]

    def effects_matching(self, kind: str) -> tuple[Effect, ...]:
        return tuple(effect for effect in self.effects if effect.matches == kind)


def build(contract: dict) -> FaultForm:
    schema = contract["components"]["schemas"]["FaultRequest"]
    properties = schema["properties"]
    effects = tuple(
        Effect(name, spec["matches"], spec["summary"], tuple(spec["parameters"]))
        for name, spec in schema["x-effects"].items()
    )
    matchers = tuple(
        _field(name, properties[name], matches=_only_kind(name))
        for name in dict.fromkeys(MATCHERS["requests"] + MATCHERS["webhooks"])
    )
    decision = tuple(_field(name, properties[name]) for name in DECISION)
    owners: dict[str, list[str]] = {}
    for effect in effects:
        for name in effect.parameters:
            owners.setdefault(name, []).append(effect.name)
    parameters = tuple(_field(name, properties[name], effects=tuple(owners[name])) for name in owners)
    return FaultForm(effects, matchers, decision, parameters)


def _only_kind(matcher: str) -> str:
    """The one kind of effect a matcher belongs to (`event`: webhooks), or "" for both (`carrier`)."""
    kinds = [kind for kind, names in MATCHERS.items() if matcher in names]
    return kinds[0] if len(kinds) == 1 else ""


def _field(name: str, spec: dict, effects: tuple[str, ...] = (), matches: str = "") -> Field:
    types = spec.get("type")
    types = types if isinstance(types, list) else [types]
    common = {
        "description": spec.get("description", ""),
        "default": spec.get("default"),
        "effects": effects,
        "matches": matches,
    }
    if "enum" in spec:
        kind = "integer" if all(isinstance(value, int) for value in spec["enum"]) else "string"
        return Field(name, "select", kind, options=tuple(str(value) for value in spec["enum"]), **common)
    if "string" in types and ("number" in types or "integer" in types):
        return Field(name, "text", "duration", **common)
    if "number" in types or "integer" in types:
        low = spec.get("minimum", spec.get("exclusiveMinimum"))
        return Field(
            name,
            "number",
            "integer" if "integer" in types else "number",
            minimum=low,
            maximum=spec.get("maximum"),
            **common,
        )
    return Field(name, "text", "string", **common)
