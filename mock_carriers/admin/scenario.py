"""Scenario files: one YAML (or JSON) document a QA engineer hands to anyone, saying which
namespace and seed, whether strict mode is on, which fixture overlay, which fault rules and webhook
subscriptions, and which clock steps. This module reads and checks the document's shape, refusing what could hurt the
server (a huge file here; a YAML alias bomb or deep nesting in core/safe_yaml.py); the admin API
checks its parts the way each of its endpoints does, then applies it."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Callable

from mock_carriers.core.errors import HttpError, Invalid
from mock_carriers.core.fixtures import field_path, lines_of
from mock_carriers.core.limits import brief_view, clip

MAX_BYTES = 1_000_000
SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "namespace": {"type": "string", "pattern": r"^[A-Za-z0-9_.-]{1,64}(?!\n)$", "not": {"enum": [".", ".."]}},
        "description": {"type": "string"},
        "seed": {"type": "integer"},
        "strict": {"type": "boolean"},
        "fixtures": {"type": "object"},
        "faults": {"type": "array", "maxItems": 1000, "items": {"type": "object"}},
        "webhooks": {"type": "array", "maxItems": 100, "items": {"type": "object"}},
        "clock": {
            "type": "array",
            "maxItems": 1000,
            "items": {
                "oneOf": [
                    {"enum": ["freeze", "resume"]},
                    {
                        "type": "object",
                        "minProperties": 1,
                        "maxProperties": 1,
                        "additionalProperties": False,
                        "properties": {"advance": {"type": ["string", "number"]}, "set": {"type": "string"}},
                    },
                ]
            },
        },
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

    @cached_property
    def line_of(self) -> Callable[[list], int]:
        """The line of a path in the document (its deepest part that is there)."""
        return lines_of(self.text)

    def renamed(self, error: Invalid, parts: list) -> Invalid:
        """A part's error, its fields named where they are in the document (`faults[0].probability`)
        and its messages saying the line of that field (else of the part)."""
        where = field_path(parts)
        return Invalid(
            {
                f"{where}.{key}": [f"line {self.line_of([*parts, *key.split('.')])}: {message}" for message in messages]
                for key, messages in error.fields.items()
            }
        )


def read(raw: bytes) -> Scenario:
    """The checked document; PayloadTooLarge or Invalid (naming, for every mistake, the line and
    the field, in plain words) otherwise."""
    import jsonschema

    from mock_carriers.core import safe_yaml, schema_words

    if len(raw) > MAX_BYTES:
        raise HttpError(413, "request_entity_too_large", f"a scenario is at most {MAX_BYTES} bytes")
    try:
        document = safe_yaml.load(raw)
    except safe_yaml.YamlError as exc:
        raise Invalid({"scenario": [str(exc)]}) from None
    text = raw.decode("utf-8-sig")
    if document is None:
        document = {}
    found = schema_words.problems(jsonschema.Draft202012Validator(SCHEMA).iter_errors(brief_view(document)))
    if found:
        fields: dict[str, list[str]] = {}
        for line, path, message in schema_words.by_line(found, lines_of(text)):
            fields.setdefault(clip(field_path(path)) if path else "scenario", []).append(f"line {line}: {message}")
        raise Invalid(fields)
    steps = [
        {"action": step}
        if isinstance(step, str)
        else {"action": next(iter(step)), ("by" if "advance" in step else "to"): next(iter(step.values()))}
        for step in document.get("clock", [])
    ]
    return Scenario(
        text,
        document.get("namespace"),
        document.get("seed"),
        document.get("strict"),
        document.get("fixtures") or {},
        document.get("faults", []),
        document.get("webhooks", []),
        steps,
    )


def shipped() -> dict[str, Path]:
    """The scenarios shipped with the package, by name (the file's stem)."""
    from mock_carriers.resources import data_dir

    return {path.stem: path for path in sorted(data_dir("scenarios").glob("*.yaml"))}


def summary(name: str, path: Path) -> dict:
    """A shipped scenario's name, namespace (`default` when it names none) and purpose."""
    from mock_carriers.core import safe_yaml

    text = path.read_text(encoding="utf-8")
    document = safe_yaml.load(text.encode())
    document = document if isinstance(document, dict) else {}
    return {"name": name, "namespace": document.get("namespace") or "default", "description": purpose(text, document)}


def purpose(text: str, document: dict) -> str:
    """A scenario's `description`, else the first sentence of its leading comment."""
    if document.get("description"):
        return str(document["description"])
    comment = " ".join(
        line.lstrip("# ").strip() for line in text.splitlines() if line.startswith("#") and line.strip("# ")
    )
    head, dot, _ = comment.partition(". ")
    return head + "." if dot else comment
