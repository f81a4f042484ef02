"""What a check finds: a Violation names the rule broken and where, in one shape for requests and
responses, so strict mode, the journal and the carriers' error bodies all read the same thing."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from mock_carriers.core.limits import MAX_ECHO, clip

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True)
class Violation:
    """One rule of a contract that a request or a response broke.

    `location` is where (body, query, header, status, operation); `json_path` points into it
    (`$.Parcels[0].Weight` in a body, the name of a parameter or header); `rule` is the JSON
    Schema keyword or the OpenAPI rule broken; `parts` is the body path as keys and indexes, for
    carriers that name invalid fields their own way.
    """

    operation: str
    kind: str  # "request" or "response"
    location: str
    json_path: str
    rule: str
    message: str
    parts: tuple[str | int, ...] = ()
    value: Any = field(default=None, repr=False, compare=False)  # what broke the rule
    limit: Any = field(default=None, repr=False, compare=False)  # the rule's own value (a type, a length ...)

    def __str__(self) -> str:
        return f"{self.operation} {self.kind}: {self.location} {self.json_path}: {self.message}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "operation": self.operation,
            "kind": self.kind,
            "in": self.location,
            "json_path": self.json_path,
            "rule": self.rule,
            "message": self.message,
        }


def json_path(parts: tuple[str | int, ...]) -> str:
    """`("Parcels", 0, "Weight")` -> `$.Parcels[0].Weight` (names that are not identifiers quoted)."""
    text = "$"
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        elif _NAME.fullmatch(part):
            text += f".{part}"
        else:
            text += "[" + json.dumps(part) + "]"
    return text


class Reporter:
    """Makes the violations of one operation's request or response; what it quotes is clipped, so
    a client's huge value never makes a huge report."""

    def __init__(self, operation: str, kind: str) -> None:
        self._operation, self._kind = operation, kind

    def __call__(
        self, location: str, where: str, rule: str, message: str, parts: tuple[str | int, ...] = (), error: Any = None
    ) -> Violation:
        parts = parts or ((where,) if location in ("query", "header") else ())
        where, message = clip(where), clip(message, 2 * MAX_ECHO)
        if error is None:
            return Violation(self._operation, self._kind, location, where, str(rule), message, parts)
        return Violation(
            self._operation,
            self._kind,
            location,
            where,
            str(rule),
            message,
            parts,
            error.instance,
            error.validator_value,
        )


def error_parts(error: Any) -> tuple[str | int, ...]:
    """Where a schema error is: for a missing property, the property itself, not its parent."""
    parts = tuple(error.absolute_path)
    if error.validator == "required" and isinstance(error.instance, dict):
        missing = next(
            (name for name in error.validator_value if name not in error.instance and repr(name) in error.message), None
        )
        if missing is not None:
            parts += (missing,)
    return parts
