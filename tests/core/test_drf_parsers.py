"""A form read as DRF's serializers read HTML input: any nested body written in DRF's form keys
reads back as the same body; a key of any other shape is ignored, never a crash."""

from hypothesis import given
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from mock_carriers.core.drf.parsers import html_input
from mock_carriers.core.drf.serializers import Char, Many, Nested

ITEM = Nested(fields={"sku": Char(), "quantity": Char(required=False)})
ORDER = Nested(
    fields={
        "reference": Char(required=False, allow_blank=True),
        "address": Nested(required=False, fields={"city": Char(), "country": Char(required=False)}),
        "items": Many(required=False, child=ITEM),
        "tags": Many(required=False, child=Char()),
    }
)

TEXT = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), min_size=1, max_size=10)
BODY = st.fixed_dictionaries(
    {},
    optional={
        "reference": TEXT,
        "address": st.fixed_dictionaries({"city": TEXT}, optional={"country": TEXT}),
        "items": st.lists(st.fixed_dictionaries({"sku": TEXT}, optional={"quantity": TEXT}), min_size=1, max_size=4),
        "tags": st.lists(TEXT, min_size=1, max_size=3),
    },
)


def as_form(body: dict) -> MultiDict:
    pairs = []
    for name, value in body.items():
        if isinstance(value, dict):
            pairs += [(f"{name}.{key}", item) for key, item in value.items()]
        elif name == "items":
            pairs += [
                (f"{name}[{index}]{key}", item) for index, element in enumerate(value) for key, item in element.items()
            ]
        elif isinstance(value, list):
            pairs += [(name, item) for item in value]
        else:
            pairs.append((name, value))
    return MultiDict(pairs)


@given(BODY)
def test_a_body_in_drfs_form_keys_reads_back(body):
    assert html_input(ORDER, as_form(body)) == body


@given(st.lists(st.tuples(st.text(max_size=30), st.text(max_size=10)), max_size=20))
def test_any_form_reads_without_a_crash(pairs):
    read = html_input(ORDER, MultiDict(pairs))
    assert set(read) <= set(ORDER.fields)


def test_the_last_value_wins_and_an_empty_optional_value_is_not_sent():
    form = MultiDict(
        [("reference", "a"), ("reference", "b"), ("items[0]sku", "x"), ("items[0]sku", "y"), ("items[0]quantity", "")]
    )
    assert html_input(ORDER, form) == {"reference": "b", "items": [{"sku": "y"}]}
    assert html_input(Nested(fields={"note": Char(required=False)}), MultiDict([("note", "")])) == {}
