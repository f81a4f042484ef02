"""JSON Schema errors in plain words, for the person reading their own YAML (a scenario, a fixture
file): "must be a whole number, not "seven"" rather than "'seven' is not of type 'integer'", every
problem rather than the first, each at the path of the key that is wrong, and never Python's
reprs (None, True, 'quotes'). Used wherever a user's document is checked against a schema."""

from __future__ import annotations

import json
from typing import Any, Callable, Iterable

from mock_carriers.core.limits import clip

Problem = tuple[tuple[str | int, ...], str]  # (path of parts in the document, message)
MAX_PROBLEMS = 50  # a file that is wrong everywhere is reported in part: the first fix changes the rest

_TYPES = {
    "integer": "a whole number",
    "number": "a number",
    "string": "text",
    "boolean": "true or false",
    "object": "a mapping (key: value)",
    "array": "a list",
    "null": "empty",
}
_FORMATS = {
    "relative-time": 'a time relative to now ("-2d", "+90m") or an ISO 8601 date-time',
    "duration": 'a duration ("500ms", "90s", "15m", "2h") or a number of seconds',
    "regex": "a regular expression",
    "date-time": "an ISO 8601 date-time",
    "date": "a date (YYYY-MM-DD)",
    "email": "an email address",
    "uri": "a URI",
}
_LISTED = 12  # allowed values listed in full up to this many


def problems(errors: Iterable[Any]) -> list[Problem]:
    """Every problem of a validator's `iter_errors`, in plain words, without repeats."""
    found: dict[Problem, None] = {}
    for error in errors:
        for problem in describe(error):
            found.setdefault(problem)
    return list(found)


def by_line(
    found: list[Problem], line_of: Callable[[list[str | int]], int]
) -> list[tuple[int, tuple[str | int, ...], str]]:
    """The problems with their lines, in the document's order; past MAX_PROBLEMS, a last one
    (on the last line shown) says how many more there were."""
    lined = sorted((line_of(list(path)), index, path, message) for index, (path, message) in enumerate(found))
    shown = [(line, path, message) for line, _, path, message in lined[:MAX_PROBLEMS]]
    if len(lined) > MAX_PROBLEMS:
        rest = len(lined) - MAX_PROBLEMS
        shown.append((shown[-1][0], (), f"... and {rest} more problem{'s' if rest > 1 else ''}"))
    return shown


def describe(error: Any) -> list[Problem]:
    """One jsonschema ValidationError as (path, message) pairs: an error about several keys (unknown
    ones, say) becomes one problem per key, at that key."""
    path, keyword, expected, value = tuple(error.absolute_path), error.validator, error.validator_value, error.instance
    if "propertyNames" in error.relative_schema_path:  # the instance is a key of the mapping at `path`
        return [((*path, str(value)), f"the key {_rule(keyword, expected, value, error)}")]
    if keyword in ("additionalProperties", "unevaluatedProperties") and isinstance(value, dict):
        extras = [key for key in value if repr(key) in error.message] or ["?"]
        allowed = sorted(error.schema.get("properties") or ())
        hint = f"; expected one of {_listed(allowed, 'or', 30)}" if allowed else ""
        return [((*path, key), f"is not a field here{hint}") for key in extras if key != "?"] or [
            (path, "has fields that are not allowed here")
        ]
    if keyword == "required" and isinstance(value, dict):
        missing = [name for name in expected if name not in value]
        return [(path, f"missing the required field {_show(name)}") for name in missing]
    if keyword in ("oneOf", "anyOf"):
        return _alternatives(error, path)
    return [(path, _rule(keyword, expected, value, error))]


def _rule(keyword: str, expected: Any, value: Any, error: Any) -> str:
    """What the value must be, by the keyword it broke."""
    words: dict[str, Callable[[], str]] = {
        "type": lambda: _type_message(expected, value),
        "enum": lambda: f"must be {_one_of(expected)}, not {_show(value)}",
        "const": lambda: f"must be {_show(expected)}, not {_show(value)}",
        "pattern": lambda: f"must match the pattern {expected}, not {_show(value)}",
        "format": lambda: (
            f"must be {_FORMATS.get(expected, f'a valid {expected}')}, not {_show(value)}"
            + _format_cause(expected, error.cause)
        ),
        "minimum": lambda: f"must be at least {_show(expected)}, not {_show(value)}",
        "maximum": lambda: f"must be at most {_show(expected)}, not {_show(value)}",
        "exclusiveMinimum": lambda: f"must be more than {_show(expected)}, not {_show(value)}",
        "exclusiveMaximum": lambda: f"must be less than {_show(expected)}, not {_show(value)}",
        "multipleOf": lambda: f"must be a multiple of {_show(expected)}, not {_show(value)}",
        "minLength": lambda: "must not be empty" if expected == 1 else f"must be at least {expected} characters long",
        "maxLength": lambda: f"must be at most {expected} characters long",
        "minItems": lambda: "must not be an empty list" if expected == 1 else f"must have at least {expected} items",
        "maxItems": lambda: f"must have at most {expected} items",
        "minProperties": lambda: "must not be empty" if expected == 1 else f"must have at least {expected} entries",
        "maxProperties": lambda: f"must have at most {expected} entries",
        "uniqueItems": lambda: "must not list the same item twice",
        "not": lambda: _not_message(expected, value),
        "dependentRequired": lambda: (
            "needs "
            + "; ".join(
                f"{_listed([_show(n) for n in needed], 'and')} when it has {_show(name)}"
                for name, needed in expected.items()
                if name in value and any(n not in value for n in needed)
            )
        ),
        "false": lambda: "is not allowed here",
    }
    if keyword is None or expected is False and keyword not in words:  # a `false` schema
        return words["false"]()
    return words.get(keyword, lambda: f"does not fit the schema's {keyword} rule")()


def _type_message(expected: Any, value: Any) -> str:
    kinds = [expected] if isinstance(expected, str) else list(expected)
    wanted = " or ".join(_TYPES.get(kind, kind) for kind in kinds)
    if value is None:
        return f"is empty: it must be {wanted}"
    hint = ""
    if "string" in kinds and isinstance(value, (int, float, bool)):  # YAML read `3121` or `yes` as a number or bool
        hint = f' (write it in quotes to keep it text: "{_plain_scalar(value)}")'
    return f"must be {wanted}, not {_show(value)}{hint}"


def _format_cause(expected: str, cause: Exception | None) -> str:
    """What the format's parser found, where it adds to the message: a regular expression's own
    error, or a time out of range (the parsers' other messages repeat the value)."""
    text = str(cause) if cause is not None else ""
    if expected == "regex" and text:
        return f" ({clip(text, 120)})"
    return " (out of range)" if "out of range" in text else ""


def _not_message(expected: Any, value: Any) -> str:
    if isinstance(expected, dict) and "enum" in expected:
        return f"must not be {_listed([_show(v) for v in expected['enum']], 'nor')}"
    if isinstance(expected, dict) and "const" in expected:
        return f"must not be {_show(expected['const'])}"
    return f"{_show(value)} is not allowed here"


def _alternatives(error: Any, path: tuple[str | int, ...]) -> list[Problem]:
    """oneOf / anyOf: say what the alternatives want, or the closest one's own problem."""
    branches = error.validator_value
    if all(isinstance(branch, dict) and set(branch) == {"required"} for branch in branches):
        names = [name for branch in branches for name in branch["required"]]
        if not error.context:  # oneOf: more than one alternative holds
            return [(path, f"must have only one of {_listed([_show(n) for n in names], 'and')}")]
        word = "exactly one" if error.validator == "oneOf" else "at least one"
        return [(path, f"needs {word} of the fields {_listed([_show(n) for n in names], 'or')}")]
    if not error.context:
        return [(path, "fits more than one of the allowed forms: it must fit exactly one")]
    here = [sub for sub in error.context if not sub.relative_path]
    if len(here) == len(error.context) and all(sub.validator in ("type", "enum", "const") for sub in here):
        options: list[str] = []
        for sub in here:
            if sub.validator == "type":
                kinds = [sub.validator_value] if isinstance(sub.validator_value, str) else sub.validator_value
                options += [_TYPES.get(kind, kind) for kind in kinds]
            else:
                values = sub.validator_value if sub.validator == "enum" else [sub.validator_value]
                options += [_show(v) for v in values]
        return [(path, f"must be {_join(list(dict.fromkeys(options)), 'or')}, not {_show(error.instance)}")]
    import jsonschema

    return describe(jsonschema.exceptions.best_match(error.context))


def _one_of(values: Iterable[Any]) -> str:
    """What an enum allows: "one of "a" or "b"", or the only value."""
    shown = [_show(v) for v in values]
    return shown[0] if len(shown) == 1 else f"one of {_listed(shown, 'or')}"


def _listed(shown: list[str], joiner: str, limit: int = _LISTED) -> str:
    if len(shown) > limit:
        return f"{', '.join(shown[:limit])}, ... ({len(shown)} in all)"
    return _join(shown, joiner)


def _join(words: list[str], joiner: str) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} {joiner} {words[-1]}"


def _plain_scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value)


def _show(value: Any) -> str:
    """A value as the user wrote it in YAML or JSON, short: text in double quotes, never None."""
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return f"{value:g}" if isinstance(value, float) else str(value)
    if isinstance(value, str):
        return json.dumps(clip(str(value), 80), ensure_ascii=False)
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, (list, tuple)):
        return "a list"
    return clip(str(value), 80)
