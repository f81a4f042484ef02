"""The bounded YAML loader every user document goes through (core/safe_yaml.py)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import examples

from mock_carriers.core import safe_yaml
from mock_carriers.core.limits import MAX_CHARS, MAX_DEPTH, MAX_NODES, check_document
from mock_carriers.core.safe_yaml import YamlError


def loads_within_bounds_or_is_refused(text) -> None:
    try:
        document = safe_yaml.load(text)
    except YamlError as exc:
        assert str(exc) and len(str(exc)) < 400
        return
    check_document(document)  # what loaded is within the bounds, aliases expanded


@given(st.text())
def test_any_text_loads_within_bounds_or_is_refused(text):
    loads_within_bounds_or_is_refused(text)


@given(st.binary())
def test_any_bytes_load_within_bounds_or_are_refused(data):
    loads_within_bounds_or_is_refused(data)


YAML_PIECES = st.sampled_from(
    [
        "[",
        "]",
        "{",
        "}",
        ", ",
        ": ",
        "- ",
        "\n",
        "  ",
        "&a ",
        "&b ",
        "*a",
        "*b",
        "? ",
        "x",
        "1",
        "'q'",
        '"q"',
        "!!str ",
        "!!binary ",
        "!!timestamp ",
        "<<: ",
        "|\n ",
        "2026-13-45",
        "---\n",
        "#",
        "~",
        "!!set ",
        "!!omap ",
        "%YAML 1.1\n",
        "\t",
    ]
)


@settings(max_examples=examples(500))
@given(st.lists(YAML_PIECES, max_size=40).map("".join))
def test_any_yaml_like_text_loads_within_bounds_or_is_refused(text):
    loads_within_bounds_or_is_refused(text)


@given(st.integers(1, 12), st.integers(1, 12))
def test_any_alias_bomb_is_refused_or_within_bounds(width, levels):
    items = [f"&l0 [{','.join(['x'] * width)}]"] + [
        f"&l{n} [{','.join([f'*l{n - 1}'] * width)}]" for n in range(1, levels)
    ]
    text = f"[{', '.join(items)}]"
    expanded = sum(width**n for n in range(1, levels + 1)) + sum(width**n for n in range(levels)) + 1
    if expanded > MAX_NODES:
        with pytest.raises(YamlError, match=f"more than {MAX_NODES} values"):
            safe_yaml.load(text)
    else:
        loads_within_bounds_or_is_refused(text)


def test_the_node_bound_is_exact():
    assert len(safe_yaml.load("[" + "0," * (MAX_NODES - 1) + "]")) == MAX_NODES - 1  # and the list itself
    with pytest.raises(YamlError, match=f"more than {MAX_NODES} values"):
        safe_yaml.load("[" + "0," * MAX_NODES + "]")


@pytest.mark.parametrize(
    "nested",
    [
        lambda n: "[" * n + "]" * n,
        lambda n: "{a: " * n + "1" + "}" * n,
        lambda n: "".join("  " * level + "-\n" for level in range(n)),
        lambda n: "".join("  " * level + "a:\n" for level in range(n)),
    ],
)
def test_the_depth_bound_is_exact(nested):
    safe_yaml.load(nested(MAX_DEPTH))
    with pytest.raises(YamlError, match=f"nested deeper than {MAX_DEPTH} levels"):
        safe_yaml.load(nested(MAX_DEPTH + 1))


def test_an_alias_counts_the_depth_of_what_it_names():
    half = MAX_DEPTH // 2
    safe_yaml.load(f"a: &a {'[' * (half - 1)}{']' * (half - 1)}\nb: {'[' * half}*a{']' * half}")
    with pytest.raises(YamlError, match="once \\*a is expanded"):
        safe_yaml.load(f"a: &a {'[' * half}{']' * half}\nb: {'[' * half}*a{']' * half}")


def test_an_alias_counts_the_characters_of_what_it_names():
    with pytest.raises(YamlError, match=f"more than {MAX_CHARS} characters"):
        safe_yaml.load("a: &a '" + "x" * 1_000_000 + "'\nb: [" + ", ".join(["*a"] * 10) + "]")


def test_errors_name_the_line():
    with pytest.raises(YamlError) as raised:
        safe_yaml.load("a: 1\nb: [\n")
    assert raised.value.line == 3 and str(raised.value).startswith("line 3: not valid YAML")


def test_it_reads_what_safe_load_reads():
    import yaml

    text = (
        "a: &x {b: [1, 2.5, true, null, '2026-01-01']}\nc: *x\nd: 2026-01-01T00:00:00Z\ne: {<<: *x, f: !!binary aGk=}\n"
    )
    assert safe_yaml.load(text) == yaml.safe_load(text)
