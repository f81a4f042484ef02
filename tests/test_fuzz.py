"""Schemathesis fuzzes every carrier operation in-process against its contract: no server errors,
every response as documented, and schema-violating requests rejected in the carrier's error shape.
Each case is sent with strict mode off and on (in a namespace of each, so what one case changes
cannot make another fail). A bounded number of derandomized cases per operation keeps CI quick and
repeatable; tests/fuzzing.py says how to ask for more."""

from __future__ import annotations

import functools
import importlib
import itertools
import pkgutil

import hypothesis
import pytest
import schemathesis
from fuzzing import CHECKS, fuzz, operations
from schemathesis.specs.openapi.checks import negative_data_rejection
from support import B360_AUTH, PL_AUTH, be_token, bex_token, p2g_token

import mock_carriers
from mock_carriers import create_app
from mock_carriers.carriers import CARRIERS
from mock_carriers.resources import data_dir
from mock_carriers.settings import Settings

CREDENTIALS = {
    "border-express": lambda http, prefix: {"Authorization": f"bearer {be_token(http, prefix)}"},
    "bex": lambda http, prefix: {
        "token": bex_token(http, prefix=prefix),
        "X-InsightWebHooks-Auth": "mock-bex-webhook-key",
    },
    "parcel2go": lambda http, prefix: {"Authorization": f"Bearer {p2g_token(http, prefix=prefix)}"},
    "borderless360": lambda http, prefix: B360_AUTH,
    "parcellab": lambda http, prefix: {**PL_AUTH, "user": "1612197", "token": "mock-pl-legacy"},
}
"""Headers that get a request past each carrier's authentication, in the namespace under `prefix`."""

LIST_OPERATIONS = {
    "listOrders",
    "listProducts",
    "listThreePls",
    "listInventoryLevels",
    "listStockAdjustments",
    "listStockTransactions",
}

# Hypothesis draws some values from the constants of every local module imported so far: import them
# all now, so that which tests ran before (and loaded a carrier) cannot change the examples (but the
# CLI's entry point, and the deprecated alias `contracts`, which only re-exports and warns on import).
for _module in pkgutil.walk_packages(mock_carriers.__path__, "mock_carriers."):
    if _module.name not in ("mock_carriers.__main__", "mock_carriers.contracts"):
        importlib.import_module(_module.name)


def _excluded(carrier: str, operation) -> list:
    """The checks that cannot hold for one operation, each with its reason."""
    if not any(status.startswith("4") for status in operation.definition.raw["responses"]):
        return [negative_data_rejection]  # no error status: BEX answers business errors as 200 with an `ex` field
    if carrier == "borderless360" and operation.definition.raw["operationId"] in LIST_OPERATIONS:
        return [negative_data_rejection]  # DRF's LimitOffsetPagination reads a bad limit or offset as its default
    return []


@functools.cache
def _schema(carrier: str):
    return schemathesis.openapi.from_path(data_dir("contracts") / f"{carrier}.openapi.yaml")


@pytest.fixture(scope="module")
def strict_app(_violations):
    """The app with strict mode on; like the `app` fixture, shared, its namespaces reset after each test."""
    app = create_app(Settings(strict=True, check_responses=True, on_contract_violation=_violations.append))
    yield app
    app.extensions["mock_carriers"].namespaces.close()


@pytest.fixture
def apps(app, strict_app):
    yield {"off": app, "on": strict_app}
    strict_app.extensions["mock_carriers"].namespaces.clear()


OPERATIONS = [
    pytest.param(carrier, *param.values, id=param.id)
    for carrier in CARRIERS.names
    for param in operations(data_dir("contracts") / f"{carrier}.openapi.yaml", f"{carrier}-")
]
NAMESPACES = itertools.count()


@pytest.mark.parametrize(("carrier", "method", "path"), OPERATIONS)
def test_fuzz(apps, carrier, method, path):
    """Every case goes to the lenient app and the strict one, each time in a new namespace; a case
    that drops or breaks the credentials on purpose is sent without ours. In strict mode the contract
    check refuses schema-breaking requests before the carrier sees them: that refusal must be the
    carrier's own, as documented."""
    schema = _schema(carrier)
    operation = schema[path][method]
    checks = [*CHECKS, negative_data_rejection]
    excluded = _excluded(carrier, operation)
    credentials = CREDENTIALS.get(carrier, lambda http, prefix: {})  # none: a carrier without authentication

    @fuzz(operation, default=2)
    def each_mode(case):
        for strict, app in apps.items():
            hypothesis.note(f"strict mode {strict}")
            prefix = f"/ns/fuzz-{next(NAMESPACES)}/{carrier}"
            headers = {} if schema.is_security_param_negated(case) else credentials(app.test_client(), prefix)
            case.call_and_validate(
                base_url=f"http://localhost{prefix}", headers=headers, app=app, checks=checks, excluded_checks=excluded
            )

    each_mode()
