"""The check every documented example response gets: each field the docs' example shows is in the
answer with the same JSON type. A documented scalar may be null in the answer (a date the world has
not reached yet); a documented object or array never is. The docs' own `null`s say nothing of the
type, so anything goes there."""

from __future__ import annotations

from typing import Any


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    return {str: "string", dict: "object", list: "array"}.get(type(value), "null")


def shape_problems(documented: Any, actual: Any, path: str = "$") -> list[str]:
    """Where `actual` differs from the documented example's field names and types."""
    if documented is None:
        return []
    if actual is None:
        return [] if _kind(documented) not in ("object", "array") else [f"{path}: null, documented {_kind(documented)}"]
    if _kind(documented) != _kind(actual):
        return [f"{path}: {_kind(actual)}, documented {_kind(documented)}"]
    if isinstance(documented, dict):
        problems = [f"{path}.{key}: missing" for key in documented if key not in actual]
        for key, value in documented.items():
            if key in actual:
                problems += shape_problems(value, actual[key], f"{path}.{key}")
        return problems
    if isinstance(documented, list) and documented:
        return [
            problem
            for index, item in enumerate(actual)
            for problem in shape_problems(documented[0], item, f"{path}[{index}]")
        ]
    return []


def assert_shape(documented: Any, actual: Any) -> None:
    problems = shape_problems(documented, actual)
    assert not problems, "the answer differs from the documented example:\n" + "\n".join(problems)
