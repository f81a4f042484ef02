"""The nesting bound read off JSON text agrees with the depth of the parsed document, whatever the
strings hold (brackets, quotes, backslashes) and however the text is spaced."""

import json

from hypothesis import given
from hypothesis import strategies as st

from mock_carriers.core.nesting import nests_deeper

TRICKY_TEXT = st.text(st.sampled_from('[]{}"\\ab:,é'), max_size=8)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | TRICKY_TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TRICKY_TEXT, inner, max_size=3),
    max_leaves=30,
)


def depth(value) -> int:
    if isinstance(value, dict):
        return 1 + max(map(depth, value.values()), default=0)
    if isinstance(value, list):
        return 1 + max(map(depth, value), default=0)
    return 0


@given(JSON_VALUES, st.integers(0, 8), st.booleans(), st.booleans())
def test_agrees_with_the_parsed_depth(value, limit, spaced, ascii_only):
    text = json.dumps(value, indent=1 if spaced else None, ensure_ascii=ascii_only).encode()
    assert nests_deeper(text, limit) == (depth(value) > limit)


def test_a_thousand_levels_are_found_without_parsing():
    assert nests_deeper(b"[" * 1000) and nests_deeper(b'{"a":' * 1000)
    assert not nests_deeper(b'"' + b"[" * 1000 + b'"')
