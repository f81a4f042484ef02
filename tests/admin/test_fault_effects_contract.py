"""The admin contract's `x-effects` (which the dashboard's fault form is made from) says what the
server accepts: every effect, what its rules match, and exactly its own parameters."""

import pytest

from mock_carriers.core import faults
from mock_carriers.core.errors import Invalid
from mock_carriers.core.fixtures import load_yaml
from mock_carriers.resources import data_dir

SCHEMA = load_yaml(data_dir("contracts") / "admin.openapi.yaml")["components"]["schemas"]["FaultRequest"]
EFFECTS = SCHEMA["x-effects"]
MATCHERS = {"requests": {"carrier", "operation", "method", "path"}, "webhooks": {"carrier", "event"}}
DECISION = {"probability", "times", "after", "description"}


def test_every_effect_is_described_in_the_servers_order():
    assert list(EFFECTS) == list(faults.EFFECTS) == SCHEMA["properties"]["effect"]["enum"]


@pytest.mark.parametrize("effect", list(EFFECTS))
def test_each_effect_names_what_it_matches_and_its_own_parameters(effect):
    described = EFFECTS[effect]
    assert described["matches"] == ("webhooks" if effect in faults.WEBHOOK else "requests")
    assert tuple(described["parameters"]) == faults.PARAMETERS.get(effect, ())
    assert set(described["parameters"]) <= set(SCHEMA["properties"]) and described["summary"]


def test_every_property_belongs_to_a_matcher_the_decision_or_an_effect():
    owned = {"effect"} | DECISION | set().union(*MATCHERS.values())
    owned |= {name for described in EFFECTS.values() for name in described["parameters"]}
    assert set(SCHEMA["properties"]) == owned


@pytest.mark.parametrize("effect", list(EFFECTS))
def test_the_server_refuses_what_an_effect_does_not_list(effect):
    described = EFFECTS[effect]
    foreign = sorted(
        (set(SCHEMA["properties"]) - {"effect"} - DECISION - MATCHERS[described["matches"]])
        - set(described["parameters"])
    )
    for name in foreign:
        with pytest.raises(Invalid) as refused:
            faults.parse_rule({"effect": effect, name: "x"}, {"bex": ["login"]}, {"bex": ["pod"]})
        assert name in refused.value.fields
