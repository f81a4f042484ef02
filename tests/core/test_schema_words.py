"""JSON Schema errors in plain words: every problem, at the key that is wrong, never a raw
jsonschema message nor a Python repr."""

from __future__ import annotations

import re

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st
from support import paths_in

from mock_carriers.core.durations import parse_duration
from mock_carriers.core.schema_words import MAX_PROBLEMS, by_line, problems

SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["name"],
    "properties": {
        "name": {"type": "string", "minLength": 1, "maxLength": 5},
        "count": {"type": "integer", "minimum": 0, "maximum": 9},
        "ratio": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1},
        "code": {"type": "string", "pattern": "^[0-9]{4}$"},
        "kind": {"enum": ["a", "b"]},
        "fixed": {"const": 3},
        "tags": {"type": "array", "minItems": 1, "maxItems": 2, "uniqueItems": True},
        "flag": {"type": "boolean"},
        "step": {"oneOf": [{"enum": ["freeze", "resume"]}, {"type": "object"}]},
        "when": {"type": "object", "oneOf": [{"required": ["at"]}, {"required": ["after"]}]},
        "keys": {"type": "object", "propertyNames": {"pattern": "^[a-z]+$"}},
        "name2": {"type": "string", "not": {"enum": [".", ".."]}},
        "every": {"type": ["string", "number"], "format": "duration"},
    },
}
CHECKER = jsonschema.FormatChecker(formats=())
CHECKER.checks("duration", raises=ValueError)(lambda value: parse_duration(value) is not None)
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA, format_checker=CHECKER)


def words(document) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path, message in problems(VALIDATOR.iter_errors(document)):
        found.setdefault(".".join(map(str, path)), []).append(message)
    return found


@pytest.mark.parametrize(
    "document, path, message",
    [
        ({}, "", 'missing the required field "name"'),
        ({"name": None}, "name", "is empty: it must be text"),
        ({"name": 3121}, "name", 'must be text, not 3121 (write it in quotes to keep it text: "3121")'),
        ({"name": True}, "name", 'must be text, not true (write it in quotes to keep it text: "true")'),
        ({"name": ""}, "name", "must not be empty"),
        ({"name": "toolong"}, "name", "must be at most 5 characters long"),
        ({"name": "x", "count": "seven"}, "count", 'must be a whole number, not "seven"'),
        ({"name": "x", "count": 1.5}, "count", "must be a whole number, not 1.5"),
        ({"name": "x", "count": -1}, "count", "must be at least 0, not -1"),
        ({"name": "x", "count": 10}, "count", "must be at most 9, not 10"),
        ({"name": "x", "ratio": 1}, "ratio", "must be less than 1, not 1"),
        ({"name": "x", "ratio": 0}, "ratio", "must be more than 0, not 0"),
        ({"name": "x", "code": "31210"}, "code", 'must match the pattern ^[0-9]{4}$, not "31210"'),
        ({"name": "x", "kind": "c"}, "kind", 'must be one of "a" or "b", not "c"'),
        ({"name": "x", "fixed": 4}, "fixed", "must be 3, not 4"),
        ({"name": "x", "tags": []}, "tags", "must not be an empty list"),
        ({"name": "x", "tags": [1, 2, 3]}, "tags", "must have at most 2 items"),
        ({"name": "x", "tags": [1, 1]}, "tags", "must not list the same item twice"),
        ({"name": "x", "flag": "yes"}, "flag", 'must be true or false, not "yes"'),
        ({"name": "x", "tags": {}}, "tags", "must be a list, not a mapping"),
        ({"name": "x", "step": "fast"}, "step", 'must be "freeze", "resume" or a mapping (key: value), not "fast"'),
        ({"name": "x", "when": {}}, "when", 'needs exactly one of the fields "at" or "after"'),
        ({"name": "x", "when": {"at": 1, "after": 2}}, "when", 'must have only one of "at" and "after"'),
        ({"name": "x", "keys": {"Bad": 1}}, "keys.Bad", 'the key must match the pattern ^[a-z]+$, not "Bad"'),
        ({"name": "x", "name2": ".."}, "name2", 'must not be "." nor ".."'),
        ({"name": "x", "extra": 1}, "extra", "is not a field here; expected one of code, count, every, fixed, flag"),
        (
            {"name": "x", "every": "soon"},
            "every",
            'must be a duration ("500ms", "90s", "15m", "2h") or a number of seconds',
        ),
    ],
)
def test_each_rule_in_plain_words(document, path, message):
    found = words(document)
    assert path in found and any(m.startswith(message) for m in found[path]), found


def test_every_problem_is_reported_each_at_its_own_key():
    found = words({"count": "x", "code": 1, "extra": 1, "other": 2})
    assert set(found) == {"", "count", "code", "extra", "other"}


def test_a_long_list_of_problems_is_cut_and_says_how_many_more():
    many = [((f"k{i}",), "must be text") for i in range(MAX_PROBLEMS + 7)]
    shown = by_line(many, lambda parts: int(parts[0][1:]) + 1)
    assert len(shown) == MAX_PROBLEMS + 1 and shown[-1][2] == "... and 7 more problems"
    assert [line for line, _, _ in shown[:-1]] == list(range(1, MAX_PROBLEMS + 1))


RAW = re.compile(
    r"\bNone\b|is not of type|is a required property|does not match|'[^']*' was unexpected|"
    r"is not valid under|\bTrue\b|\bFalse\b"
)


def _unquoted(message: str) -> str:
    """The message without the user's own values (quoted), which may say anything."""
    return re.sub(r'"(?:[^"\\]|\\.)*"', '""', message)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=12,
)


@given(
    st.dictionaries(st.sampled_from([*SCHEMA["properties"], "extra", "None"]), json_values, max_size=6) | json_values
)
def test_no_raw_jsonschema_text_nor_python_reprs(document):
    for path, message in problems(VALIDATOR.iter_errors(document)):
        assert message and not RAW.search(_unquoted(message)), message


@given(st.data())
def test_the_carriers_fixtures_spoiled_anywhere_are_told_in_plain_words(data):
    """Every shipped fixture file with one value (or key) replaced: the words stay plain."""
    import copy

    from mock_carriers.carriers import CARRIERS
    from mock_carriers.core.fixtures import FixtureError, load_frozen, validate
    from mock_carriers.resources import data_dir

    carrier = CARRIERS.load(data.draw(st.sampled_from(list(CARRIERS.names))))
    document = copy.deepcopy(load_frozen(data_dir("fixtures") / f"{carrier.name}.yaml"))  # parsed once, a copy to spoil
    path = data.draw(st.sampled_from([p for p in paths_in(document) if p]))
    parent = document
    for part in path[:-1]:
        parent = parent[part]
    if isinstance(parent, dict) and data.draw(st.booleans()):
        parent[data.draw(st.text(min_size=1, max_size=6))] = parent.pop(path[-1])  # a key misspelt
    else:
        parent[path[-1]] = data.draw(json_values)
    try:
        validate(document, carrier)
    except FixtureError as error:
        assert error.problems
        for _, _, message in error.problems:
            assert message and not RAW.search(_unquoted(message)), message
