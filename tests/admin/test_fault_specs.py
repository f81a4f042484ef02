"""Whatever JSON a test posts as a fault rule, the admin API answers 201 (a rule) or 400 naming
the field, never a 500."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import examples

from mock_carriers.core.faults import EFFECTS
from mock_carriers.core.fixtures import load_yaml
from mock_carriers.resources import data_dir

FAULTS = "/__admin/namespaces/default/faults"
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)
FIELDS = sorted(
    load_yaml(data_dir("contracts") / "admin.openapi.yaml")["components"]["schemas"]["FaultRequest"]["properties"]
)  # every field a rule may have, as documented
NEARLY_RIGHT = st.sampled_from(["fixed", "uniform", "lognormal", "bex", "5m", "GET", 503, 0.5, 1, 10**12])


def rules(effect) -> st.SearchStrategy:
    """Rule specs with real field names, each value of any kind or nearly right."""
    return st.fixed_dictionaries(
        {"effect": effect}, optional={name: JSON | NEARLY_RIGHT for name in FIELDS if name != "effect"}
    )


@pytest.mark.parametrize(
    "spec, field",
    [
        ({"effect": "latency", "distribution": {}}, "distribution"),
        ({"effect": "latency", "distribution": []}, "distribution"),
        ({"effect": "rate_limit", "retry_after_format": {}}, "retry_after_format"),
        ({"effect": "status", "status": []}, "status"),
    ],
)
def test_a_value_of_the_wrong_kind_is_a_400_naming_the_field(client, spec, field):
    response = client.post(FAULTS, json=spec)
    assert response.status_code == 400 and field in response.get_json()["fields"]


REUSED_CLIENT = [HealthCheck.function_scoped_fixture]  # each example leaves the namespace as it found it


def post(client, spec) -> None:
    response = client.post(FAULTS, json=spec)
    assert response.status_code in (201, 400), response.data
    if response.status_code == 201:
        client.delete(FAULTS)


@pytest.mark.parametrize("effect", EFFECTS)
@settings(max_examples=examples(8), suppress_health_check=REUSED_CLIENT)  # per effect: 18 effects
@given(data=st.data())
def test_any_rule_of_an_effect_is_a_rule_or_a_400(client, effect, data):
    post(client, data.draw(rules(st.just(effect))))


@settings(max_examples=examples(60), suppress_health_check=REUSED_CLIENT)
@given(spec=JSON | rules(JSON))
def test_any_json_is_a_rule_or_a_400(client, spec):
    post(client, spec)
