"""Form trees (PHP http_build_query keys) and ASP.NET-style model binding."""

from dataclasses import replace
from datetime import datetime, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mock_carriers.core.aspnet.model_validation import (
    Flag,
    Guid,
    Instant,
    ListOf,
    Number,
    Obj,
    Text,
    bind_model,
    violation_message,
)
from mock_carriers.core.aspnet.request_values import MAX_FORM_DEPTH, form_tree
from mock_carriers.core.contracts import Violation
from mock_carriers.core.errors import BadRequest, Invalid

names = st.from_regex(r"[A-Za-z][A-Za-z0-9_]{0,8}", fullmatch=True)
leaves = st.text(st.characters(min_codepoint=32, max_codepoint=0x2FFF), max_size=12)
trees = st.recursive(
    leaves,
    lambda children: st.one_of(
        st.lists(children, min_size=1, max_size=4), st.dictionaries(names, children, min_size=1, max_size=4)
    ),
    max_leaves=20,
)


def php_pairs(value, prefix: str) -> list[tuple[str, str]]:
    """What PHP's http_build_query sends for `value` under `prefix`."""
    if isinstance(value, dict):
        return [pair for key, item in value.items() for pair in php_pairs(item, f"{prefix}[{key}]")]
    if isinstance(value, list):
        return [pair for index, item in enumerate(value) for pair in php_pairs(item, f"{prefix}[{index}]")]
    return [(prefix, value)]


@given(st.dictionaries(names, trees, min_size=1, max_size=4))
def test_a_php_form_builds_the_json_it_came_from(document):
    pairs = [pair for key, value in document.items() for pair in php_pairs(value, key)]
    assert form_tree(pairs) == document


def test_dotted_keys_and_appends_build_the_same_tree():
    assert form_tree([("Parcels[0].Weight", "2"), ("Parcels[0].Length", "9"), ("Tags[]", "a"), ("Tags[]", "b")]) == {
        "Parcels": [{"Weight": "2", "Length": "9"}],
        "Tags": ["a", "b"],
    }


def test_a_huge_index_is_only_a_position():
    assert form_tree([("a[999999999]", "x"), ("a[3]", "y")]) == {"a": ["y", "x"]}


def test_a_later_key_replaces_a_contradicting_one():
    assert form_tree([("a", "1"), ("a[b]", "2")]) == {"a": {"b": "2"}}


def test_keys_nested_too_deep_are_refused():
    with pytest.raises(BadRequest):
        form_tree([("a" + "[x]" * MAX_FORM_DEPTH, "1")])


MODEL = Obj(
    fields={
        "Name": Text(required=True, max_length=5),
        "Kind": Text(choices=("Sms", "Cover")),
        "Weight": Number(minimum=0.5, maximum=10),
        "Count": Number(integer=True),
        "On": Flag(),
        "At": Instant(),
        "Id": Guid(),
        "Items": ListOf(Obj(fields={"X": Number(required=True)}), max_items=2),
    }
)


def test_binding_matches_names_in_any_case_and_converts_text():
    bound = bind_model(
        {
            "name": "ab",
            "KIND": "sms",
            "weight": "2.5",
            "count": "3",
            "on": "TRUE",
            "at": "2021-12-13T14:22:14.2108186+00:00",
            "id": "{48867B5A-016E-4931-956C-E59B6EB84355}",
            "items": {"1": {"x": "2"}, "0": {"X": 1}},
        },
        MODEL,
    )
    assert bound == {
        "Name": "ab",
        "Kind": "Sms",
        "Weight": 2.5,
        "Count": 3,
        "On": True,
        "At": datetime(2021, 12, 13, 14, 22, 14, 210818, tzinfo=timezone.utc),
        "Id": "48867b5a-016e-4931-956c-e59b6eb84355",
        "Items": [{"X": 1.0}, {"X": 2.0}],
    }


def test_every_failure_is_reported_by_its_path():
    with pytest.raises(Invalid) as caught:
        bind_model(
            {
                "Name": "toolong",
                "Kind": "Fax",
                "Weight": 11,
                "Count": 1.5,
                "On": "yes",
                "At": "soon",
                "Id": "x",
                "Items": [{}, {}, {}],
            },
            MODEL,
        )
    assert caught.value.fields == {
        "request.Name": ["The field Name must be a string with a maximum length of 5."],
        "request.Kind": ["The value 'Fax' is not valid for Kind."],
        "request.Weight": ["The field Weight must be between 0.5 and 10."],
        "request.Count": ["The value '1.5' is not valid for Count."],
        "request.On": ["The value 'yes' is not valid for On."],
        "request.At": ["The value 'soon' is not valid for At."],
        "request.Id": ["The value 'x' is not valid for Id."],
        "request.Items": ["The field Items must be a string or array type with a maximum length of '2'."],
    }


def test_values_are_shown_as_the_request_wrote_them_never_as_python_reprs():
    with pytest.raises(Invalid) as caught:
        bind_model({"Name": {"a": [1, None]}, "Kind": ["Sms"], "Weight": True, "Count": 2.5, "Items": {"x": 1}}, MODEL)
    assert caught.value.fields == {
        "request.Name": ["The value '{\"a\":[1,null]}' is not valid for Name."],
        "request.Kind": ["The value '[\"Sms\"]' is not valid for Kind."],
        "request.Weight": ["The value 'true' is not valid for Weight."],
        "request.Count": ["The value '2.5' is not valid for Count."],
        "request.Items": ["The value '{\"x\":1}' is not valid for Items."],
    }
    with pytest.raises(Invalid) as caught:
        bind_model(
            {"Name": "a", "Items": []},
            replace(MODEL, fields={**MODEL.fields, "Items": ListOf(Obj(fields={}), min_items=1)}),
        )
    assert caught.value.fields == {
        "request.Items": ["The field Items must be a string or array type with a minimum length of '1'."]
    }


def test_a_missing_body_names_the_argument():
    with pytest.raises(Invalid) as caught:
        bind_model(None, MODEL)
    assert caught.value.fields == {"request": ["The request field is required."]}


@given(
    st.recursive(
        st.none() | st.booleans() | st.floats(allow_nan=True) | st.integers() | st.text(max_size=20),
        lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=8), c, max_size=3),
        max_leaves=15,
    )
)
def test_any_json_binds_or_is_invalid_never_crashes(document):
    try:
        bound = bind_model(document, MODEL)
    except Invalid as error:
        assert error.fields and all(key.startswith("request") for key in error.fields)
    else:
        assert set(bound) == set(MODEL.fields)


@pytest.mark.parametrize(
    "rule, value, limit, words",
    [
        ("required", None, ["Height"], "The Height field is required."),
        ("type", "heavy", "number", "The value 'heavy' is not valid for Height."),
        ("anyOf", "heavy", [], "The value 'heavy' is not valid for Height."),
        ("maxLength", "x" * 40, 35, "The field Height must be a string with a maximum length of 35."),
        ("maxItems", [1, 2], 1, "the schema's words"),
    ],
)
def test_a_contract_violation_in_model_binding_words(rule, value, limit, words):
    violation = Violation(
        "c:op",
        "request",
        "body",
        "$.Parcels[0].Height",
        rule,
        "the schema's words",
        ("Parcels", 0, "Height"),
        value,
        limit,
    )
    assert violation_message(violation) == words
