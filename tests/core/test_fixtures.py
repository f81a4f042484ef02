import json
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mock_carriers.core.fixtures import FixtureError, FixtureStore, deep_merge, frozen, load_yaml, validate

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


@given(json_values, json_values)
def test_frozen_data_is_equal_read_only_and_deep_copies_are_plain_and_changeable(data, overlay):
    import copy

    shared = frozen(data)
    assert shared == data and json.dumps(shared) == json.dumps(data)
    if isinstance(shared, (dict, list)):
        with pytest.raises(TypeError, match="read-only"):
            shared.clear()
        own = copy.deepcopy(shared)
        assert own == data and type(own) in (dict, list)
        own.clear()
        assert shared == data
    assert deep_merge(shared, overlay) == deep_merge(data, overlay)


def test_stores_share_one_read_only_parse_and_read_a_changed_file_afresh(tmp_path, carrier):
    """Every app has its own store; a file they all read is parsed once and shared frozen, so no
    namespace of any app can change another's world. A file edited in place is read again."""
    path = tmp_path / "carrier.yaml"
    path.write_text("clients:\n  one:\n    secret: s\n")
    first, second = FixtureStore(tmp_path).get(carrier), FixtureStore(tmp_path).get(carrier)
    assert first is second and first == {"clients": {"one": {"secret": "s"}}}
    with pytest.raises(TypeError, match="read-only"):
        first["clients"]["one"]["secret"] = "changed"
    path.write_text("clients:\n  one:\n    secret: t\n")
    assert FixtureStore(tmp_path).get(carrier) == {"clients": {"one": {"secret": "t"}}}
    assert first == {"clients": {"one": {"secret": "s"}}}
