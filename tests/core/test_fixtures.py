import json
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mock_carriers.core.fixtures import FixtureError, deep_merge, load_yaml, validate

SCHEMA = {
    "type": "object",
    "required": ["clients"],
    "properties": {
        "clients": {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "required": ["secret"],
                "properties": {"secret": {"type": "string"}},
            },
        }
    },
}


def _no_admins(data):
    """A cross check: no client may be called "admin"."""
    for name in data["clients"]:
        if name == "admin":
            yield ("clients", name), "a client may not be called admin"


@pytest.fixture
def carrier(tmp_path):
    schema = tmp_path / "schema.yaml"
    schema.write_text(json.dumps(SCHEMA))  # JSON is YAML
    return SimpleNamespace(name="carrier", fixture_schema_path=schema, check_fixtures=_no_admins)


def test_a_mistake_names_file_line_and_field(tmp_path, carrier):
    path = tmp_path / "carrier.yaml"
    path.write_text("# comment\nclients:\n  one:\n    secret: s\n  two:\n    secret: 42\n")
    with pytest.raises(FixtureError) as raised:
        validate(load_yaml(path), carrier, path)
    assert str(raised.value) == (
        f'{path}:6: clients.two.secret: must be text, not 42 (write it in quotes to keep it text: "42")'
    )


def test_a_missing_field_points_at_its_parent(tmp_path, carrier):
    path = tmp_path / "carrier.yaml"
    path.write_text("clients:\n  one:\n    other: 1\n")
    with pytest.raises(FixtureError, match=r':2: clients.one: missing the required field "secret"'):
        validate(load_yaml(path), carrier, path)


def test_cross_checks_run_after_the_schema_and_name_the_line(tmp_path, carrier):
    path = tmp_path / "carrier.yaml"
    path.write_text("clients:\n  one:\n    secret: s\n  admin:\n    secret: s\n")
    with pytest.raises(FixtureError, match=r"carrier.yaml:4: clients.admin: a client may not be called admin"):
        validate(load_yaml(path), carrier, path)


def test_broken_yaml_names_the_line(tmp_path):
    path = tmp_path / "carrier.yaml"
    path.write_text("clients:\n  one: [\n")
    with pytest.raises(FixtureError, match=r"carrier.yaml:3: not valid YAML"):
        load_yaml(path)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3),
    max_leaves=10,
)


@given(json_values, json_values)
def test_deep_merge_leaves_its_inputs_alone_and_overlay_wins(base, overlay):
    import copy

    base_before, overlay_before = copy.deepcopy(base), copy.deepcopy(overlay)
    merged = deep_merge(base, overlay)
    assert base == base_before and overlay == overlay_before
    if isinstance(base, dict) and isinstance(overlay, dict):
        assert set(merged) == set(base) | set(overlay)
        for key in set(base) - set(overlay):
            assert merged[key] == base[key]
    else:
        assert merged == overlay
