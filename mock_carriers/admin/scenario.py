"""Scenario files: one YAML (or JSON) document a QA engineer hands to anyone, saying which
namespace and seed, whether strict mode is on, which fixture overlay, which fault rules and webhook subscriptions, and which
clock steps. This module reads and checks the document's shape, refusing what could hurt the
server (a YAML alias bomb, a huge file); the admin API checks its parts the way each of its
endpoints does, then applies it."""

from __future__ import annotations

from dataclasses import dataclass

from mock_carriers.core.errors import HttpError, Invalid
from mock_carriers.core.fixtures import field_path, line_of
from mock_carriers.core.nesting import MAX_DEPTH

MAX_BYTES = 1_000_000
MAX_ALIASES = 100  # anchors are fine; thousands of aliases are a "billion laughs" attack
SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "namespace": {"type": "string", "pattern": "^[A-Za-z0-9_.-]{1,64}$", "not": {"enum": [".", ".."]}},
        "description": {"type": "string"},
        "seed": {"type": "integer"},
        "strict": {"type": "boolean"},
        "fixtures": {"type": "object"},
        "faults": {"type": "array", "maxItems": 1000, "items": {"type": "object"}},
        "webhooks": {"type": "array", "maxItems": 100, "items": {"type": "object"}},
        "clock": {"type": "array", "maxItems": 1000, "items": {"oneOf": [
            {"enum": ["freeze", "resume"]},
            {"type": "object", "minProperties": 1, "maxProperties": 1, "additionalProperties": False,
             "properties": {"advance": {"type": ["string", "number"]}, "set": {"type": "string"}}}]}},
    },
}


@dataclass(frozen=True)
class Scenario:
    text: str
    namespace: str | None
    seed: int | None
    strict: bool | None  # None: the namespace keeps its choice
    fixtures: dict
    faults: list[dict]
    webhooks: list[dict]
    clock: list[dict]  # each {"action": ..., "by"/"to": ...}, as the clock endpoint takes it

    def renamed(self, error: Invalid, parts: list) -> Invalid:
        """A part's error, its fields named where they are in the document (`faults[0].probability`)
        and its messages saying the line."""
        line, where = line_of(self.text, parts), field_path(parts)
        return Invalid({f"{where}.{key}": [f"line {line}: {message}" for message in messages]
                        for key, messages in error.fields.items()})


def _check_shape(yaml, events) -> None:
    """Refuse an alias bomb, or nesting that would exhaust the stack of the YAML composer (and of
    everything that walks the document after it), from the parser's events, before composing."""
    aliases = depth = 0
    for event in events:
        if isinstance(event, yaml.AliasEvent):
            aliases += 1
        elif isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                mark = f"line {event.start_mark.line + 1}: " if event.start_mark else ""
                raise Invalid({"scenario": [f"{mark}nested deeper than {MAX_DEPTH} levels"]})
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    if aliases > MAX_ALIASES:
        raise Invalid({"scenario": [f"{aliases} YAML aliases: at most {MAX_ALIASES} are allowed"]})


def read(raw: bytes) -> Scenario:
    """The checked document; PayloadTooLarge or Invalid (naming the line and the field) otherwise."""
    import jsonschema
    import yaml

    if len(raw) > MAX_BYTES:
        raise HttpError(413, "request_entity_too_large", f"a scenario is at most {MAX_BYTES} bytes")
    try:
        text = raw.decode("utf-8")
        _check_shape(yaml, yaml.parse(text, Loader=yaml.SafeLoader))
        document = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except UnicodeDecodeError:
        raise Invalid({"scenario": ["must be UTF-8 text"]}) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        raise Invalid({"scenario": [f"{where}not valid YAML: {getattr(exc, 'problem', exc)}"]}) from None
    if document is None:
        document = {}
    error = jsonschema.exceptions.best_match(jsonschema.Draft202012Validator(SCHEMA).iter_errors(document))
    if error is not None:
        parts = list(error.absolute_path)
        name = field_path(parts) if parts else "scenario"
        raise Invalid({name: [f"line {line_of(text, parts)}: {error.message[:300]}"]})
    steps = [{"action": step} if isinstance(step, str) else
             {"action": next(iter(step)), ("by" if "advance" in step else "to"): next(iter(step.values()))}
             for step in document.get("clock", [])]
    return Scenario(text, document.get("namespace"), document.get("seed"), document.get("strict"),
                    document.get("fixtures") or {},
                    document.get("faults", []), document.get("webhooks", []), steps)
