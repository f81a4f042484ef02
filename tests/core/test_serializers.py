"""DRF-style validation: DRF's messages and error structure, and never anything but Invalid."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mock_carriers.core.contracts import Violation
from mock_carriers.core.drf.serializers import (
    Boolean,
    Char,
    Date,
    DecimalNumber,
    Email,
    Integer,
    Many,
    Nested,
    validate,
    violation_message,
)
from mock_carriers.core.errors import Invalid

ITEM = Nested(fields={"sku": Char(max_length=5), "quantity": Integer(min_value=1)})
ORDER = Nested(
    fields={
        "reference": Char(),
        "email": Email(required=False, allow_blank=True),
        "price": DecimalNumber(places=2, required=False),
        "eta": Date(required=False),
        "address": Nested(required=False, fields={"city": Char()}),
        "items": Many(child=ITEM, allow_empty=False),
    }
)


def errors(data, partial=False):
    with pytest.raises(Invalid) as caught:
        validate(data, ORDER, partial)
    return caught.value.fields


def test_drf_messages_and_structure():
    assert errors({}) == {"reference": ["This field is required."], "items": ["This field is required."]}
    assert errors({"reference": "", "items": []}) == {
        "reference": ["This field may not be blank."],
        "items": {"non_field_errors": ["This list may not be empty."]},
    }
    assert errors(
        {
            "reference": None,
            "email": "x",
            "price": "abc",
            "eta": "2024-13-01",
            "address": {},
            "items": [{"sku": "A", "quantity": 1}, {"sku": "TOOLONG", "quantity": "1.5"}],
        }
    ) == {
        "reference": ["This field may not be null."],
        "email": ["Enter a valid email address."],
        "price": ["A valid number is required."],
        "eta": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."],
        "address": {"city": ["This field is required."]},
        "items": [
            {},
            {"sku": ["Ensure this field has no more than 5 characters."], "quantity": ["A valid integer is required."]},
        ],
    }
    assert errors([1]) == {"non_field_errors": ["Invalid data. Expected a dictionary, but got list."]}
    assert errors({"reference": "r", "items": "x"}) == {
        "items": {"non_field_errors": ['Expected a list of items but got type "str".']}
    }


def test_values_are_cleaned():
    data = validate({"reference": " r ", "price": "3.1", "items": [{"sku": "A", "quantity": "2"}]}, ORDER)
    assert data == {"reference": "r", "price": Decimal("3.10"), "items": [{"sku": "A", "quantity": 2}]}


def test_partial_validation_requires_nothing():
    assert validate({"price": 1}, ORDER, partial=True) == {"price": Decimal("1.00")}


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
        lambda c: (
            st.lists(c, max_size=3)
            | st.dictionaries(
                st.sampled_from(["reference", "email", "price", "eta", "address", "city", "items", "sku", "quantity"])
                | st.text(max_size=5),
                c,
                max_size=5,
            )
        ),
        max_leaves=20,
    ),
    st.booleans(),
)
def test_any_json_validates_or_is_invalid(document, partial):
    try:
        validate(document, ORDER, partial)
    except Invalid as error:
        assert error.fields


@given(st.from_regex(r"-?[0-9]{1,3}(\.[0-9]{1,3})?[eE][-+]?[0-9]{1,10}", fullmatch=True))
def test_numbers_with_any_exponent_are_validated_not_overflowed(text):
    numbers = Nested(fields={"count": Integer(required=False), "price": DecimalNumber(required=False)})
    try:
        validate({"count": text, "price": text}, numbers)
    except Invalid as error:
        assert set(error.fields) <= {"count", "price"}


@pytest.mark.parametrize(
    "rule, value, limit, words",
    [
        ("required", None, ["sku"], "This field is required."),
        ("type", None, "string", "This field may not be null."),
        ("type", 4, ["string", "null"], "Not a valid string."),
        ("type", "x", "integer", "A valid integer is required."),
        ("type", "x", "object", "Invalid data. Expected a dictionary, but got str."),
        ("type", {}, "array", 'Expected a list of items but got type "dict".'),
        ("enum", "purple", ["red"], '"purple" is not a valid choice.'),
        ("maxLength", "abcd", 3, "Ensure this field has no more than 3 characters."),
        ("minLength", "", 1, "This field may not be blank."),
        ("minimum", 0, 1, "Ensure this value is greater than or equal to 1."),
        ("minItems", [], 1, "This list may not be empty."),
        ("format", "nobody", "email", "Enter a valid email address."),
        ("pattern", "x", "^y$", "the schema's words"),
    ],
)
def test_a_contract_violation_in_drf_words(rule, value, limit, words):
    violation = Violation("c:op", "request", "body", "$.field", rule, "the schema's words", ("field",), value, limit)
    assert violation_message(violation) == words


FLAG = Nested(fields={"flag": Boolean(required=False)})
TRUE_WORDS, FALSE_WORDS = ["true", "yes", "on", "y", "t", "1"], ["false", "no", "off", "n", "f", "0"]


@given(st.sampled_from(TRUE_WORDS + FALSE_WORDS), st.lists(st.booleans(), min_size=5, max_size=5))
def test_booleans_are_read_as_drf_reads_them_in_any_case(word, upper):
    sent = "".join(c.upper() if up else c for c, up in zip(word, upper))
    assert validate({"flag": sent}, FLAG) == {"flag": word in TRUE_WORDS}


@pytest.mark.parametrize("value, read", [(True, True), (False, False), (1, True), (0, False), (1.0, True)])
def test_json_booleans_and_the_numbers_one_and_zero(value, read):
    assert validate({"flag": value}, FLAG) == {"flag": read}


@pytest.mark.parametrize("value", ["maybe", "2", "", "null", " true", 2, 0.5, [], {}])
def test_anything_else_is_not_a_boolean(value):
    with pytest.raises(Invalid) as raised:
        validate({"flag": value}, FLAG)
    assert raised.value.fields == {"flag": ["Must be a valid boolean."]}
