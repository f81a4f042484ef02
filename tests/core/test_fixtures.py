import json
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support import paths_in

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


NEARLY_RIGHT = st.sampled_from(
    [
        "5m",
        "-5m",
        "+2h",
        "-3d",
        "90",
        "2026-01-02T03:04:05Z",
        "2026-13-45",
        "1234",
        "1234\n",
        "GB",
        "gb",
        "[a",
        "(?P<x>a)",
    ]
    + [-5, -0.5, 0, 1.5, 10**30, 10**12, 1e300, float("inf"), float("nan"), True, None, [], {}]
)
YAML_ONLY = st.sampled_from([("a", 1), (1, 2)]) | st.dates() | st.datetimes() | st.binary(max_size=3)


@given(st.data())
def test_the_fast_fixture_check_never_passes_what_the_reference_validator_refuses(data):
    """A fixture document is checked by a compiled validator first, and by the reference one (which
    words each mistake) only if it does not surely fit: whatever one value or key of a shipped
    fixture becomes (a YAML date, a tuple, a key that is no text), the fast check never passes a
    document the reference validator refuses; and it passes every shipped document."""
    import copy

    from mock_carriers.carriers import CARRIERS
    from mock_carriers.core.fixtures import fits, load_frozen, reference
    from mock_carriers.resources import data_dir

    carrier = CARRIERS.load(data.draw(st.sampled_from(list(CARRIERS.names))))
    schema = load_frozen(carrier.fixture_schema_path)
    shipped = load_frozen(data_dir("fixtures") / f"{carrier.name}.yaml")
    assert fits(schema, shipped)
    document = copy.deepcopy(shipped)
    path = data.draw(st.sampled_from([p for p in paths_in(document) if p]))
    parent = document
    for part in path[:-1]:
        parent = parent[part]
    if isinstance(parent, dict) and data.draw(st.booleans()):
        parent[data.draw(st.text(max_size=6) | st.integers() | st.none())] = parent.pop(path[-1])  # a key misspelt
    else:
        parent[path[-1]] = data.draw(NEARLY_RIGHT | YAML_ONLY | json_values)
    if fits(schema, document):
        assert reference(schema).is_valid(document)


RETRIES = {"$ref": "urn:mock-carriers:webhook-retries"}


@pytest.mark.parametrize(
    "schema, value",
    [
        *(({"type": ["string", "number"], "format": "duration"}, v) for v in ("5m", "-5m", 5, -5, 1e300, True)),
        *(({"type": "string", "format": "relative-time"}, v) for v in ("+2h", "2026-01-02T03:04:05Z", "2026-13-45")),
        *(({"type": "string", "format": "regex"}, v) for v in ("^[a-z]+$", "(?<x>a)", "[a")),
        *((RETRIES, v) for v in ({"delays": ["5m", 30]}, {"delays": [-5]}, {"delays": ["soon"]}, ["1s", -1])),
    ],
)
def test_the_fast_fixture_check_reads_formats_as_the_reference_validator_does(schema, value):
    """Formats (on numbers too: a negative duration) and the shared webhook-retries schema."""
    from mock_carriers.core.fixtures import fits, reference

    assert fits(schema, value) == reference(schema).is_valid(value)
