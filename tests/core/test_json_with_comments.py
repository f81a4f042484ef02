"""JSON with the comments Json.NET skips: the same document with or without them, strings left
alone, and anything else still refused as json refuses it."""

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mock_carriers.core.aspnet import json_with_comments

documents = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4),
    max_leaves=20,
)
comments = st.sampled_from([" // a line comment\n", "/* a block */", "/**/", "/* // */", "\n//\n"])


@given(documents, st.lists(comments, min_size=1, max_size=5), st.randoms())
def test_comments_between_tokens_change_nothing(document, notes, rng):
    text = json.dumps(document, indent=1)
    lines = text.split("\n")  # with indent=1 every line break sits between two tokens
    for note in notes:
        at = rng.randrange(len(lines) + 1)
        lines.insert(at, note.strip("\n") + ("\n" if note.startswith(" //") or note.endswith("\n") else ""))
    assert json_with_comments.loads("\n".join(lines).encode()) == document


@given(st.text(max_size=30))
def test_strings_keep_what_looks_like_comments(text):
    document = {"a": f"//{text}/*{text}*/"}
    assert json_with_comments.loads(json.dumps(document)) == document


@pytest.mark.parametrize(
    "raw",
    ['{"a": 1} /* never closed', "/*/ {}", "{} /", '{"a": "unterminated', b"\xff{}", "[" * 100_000 + "]" * 100_000, ""],
)
def test_what_is_not_json_without_its_comments_is_a_value_error(raw):
    with pytest.raises(ValueError):
        json_with_comments.loads(raw)
