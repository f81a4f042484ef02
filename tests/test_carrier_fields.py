"""A carrier's `Carrier` is checked when its package is imported: a missing or wrong field stops the
import with an error naming the carrier and the field, rather than failing on a first request."""

from dataclasses import replace
from pathlib import Path

import pytest

from mock_carriers import carriers
from mock_carriers.carriers import CARRIERS
from mock_carriers.carriers.base import Carrier
from mock_carriers.core.routing import RouteTable

GOOD = CARRIERS.load("border-express")


@pytest.mark.parametrize(
    "field, value, error, words",
    [
        ("name", "Border Express", ValueError, "field 'name' must be lower-case"),
        ("name", "", ValueError, "field 'name'"),
        ("routes", {}, TypeError, "field 'routes' must be a RouteTable, not dict"),
        ("routes", RouteTable(case_insensitive=True), ValueError, "field 'routes' has no routes"),
        ("dialect", "ProblemDetails", TypeError, "field 'dialect' must be an ErrorDialect, not str"),
        ("model_factory", None, TypeError, "field 'model_factory' must be callable"),
        ("describe", {}, TypeError, "field 'describe' must be callable"),
        ("fixture_schema_path", "fixture_schema.yaml", TypeError, "field 'fixture_schema_path' must be None or a Path"),
        ("fixture_schema_path", Path("/nowhere/fixture_schema.yaml"), ValueError, "no file at /nowhere"),
        ("token_lifetime", "3600", TypeError, "field 'token_lifetime' must be None or seconds, not str"),
        ("token_lifetime", True, TypeError, "field 'token_lifetime'"),
        ("token_lifetime", 0, ValueError, "field 'token_lifetime' must be above 0"),
        ("webhook_events", ["shipment.updated"], TypeError, "field 'webhook_events' must be a tuple of str"),
        ("webhook_events", (1,), TypeError, "field 'webhook_events'"),
        ("check_fixtures", [], TypeError, "field 'check_fixtures' must be None or callable"),
        ("fixed_tokens", "token", TypeError, "field 'fixed_tokens' must be None or callable"),
        ("business_error", None, TypeError, "field 'business_error' must be callable"),
        ("retry_after_format", "minutes", ValueError, "field 'retry_after_format' must be one of seconds, http-date"),
        ("cors", {"max_age": 60}, TypeError, "field 'cors' must be None or a CorsPolicy"),
    ],
)
def test_a_wrong_field_is_refused_naming_the_carrier_and_the_field(field, value, error, words):
    with pytest.raises(error, match="^Carrier '.*': ") as raised:
        replace(GOOD, **{field: value})
    assert words in str(raised.value)
    if field != "name":
        assert str(raised.value).startswith("Carrier 'border-express': ")


def test_a_missing_required_field_is_refused_by_name():
    with pytest.raises(TypeError, match="describe"):
        Carrier(name="x", routes=GOOD.routes, dialect=GOOD.dialect, model_factory=GOOD.model_factory)


def test_every_shipped_carrier_passes_its_checks():
    for name in CARRIERS.names:
        carrier = CARRIERS.load(name)
        assert replace(carrier) == carrier


def test_the_fixture_schema_is_the_packages_own_unless_named():
    for name in CARRIERS.names:
        package = CARRIERS.entry(name).package
        assert (
            CARRIERS.load(name).fixture_schema_path == Path(carriers.__file__).parent / package / "fixture_schema.yaml"
        )
    unloaded = replace(GOOD, fixture_schema_path=None)
    with pytest.raises(
        ValueError, match=r"^Carrier 'border-express': field 'fixture_schema_path': no file at /nowhere/"
    ):
        unloaded.in_package(Path("/nowhere"))
