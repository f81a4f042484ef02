"""Schemathesis fuzzes every carrier operation in-process against its contract: no server errors,
every response as documented, and schema-violating requests rejected in the carrier's error shape.
Each operation runs with strict mode off and on. A bounded number of derandomized examples per
operation and mode keeps CI quick and repeatable; MOCK_CARRIERS_FUZZ_EXAMPLES=N asks for N (a
nightly run)."""

from __future__ import annotations

import functools
import importlib
import itertools
import os
import pkgutil

import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from support import B360_AUTH, PL_AUTH, be_token, bex_token, p2g_token

import mock_carriers
from mock_carriers.carriers import CARRIERS
from mock_carriers.core.fixtures import load_yaml
from mock_carriers.resources import data_dir

EXAMPLES = int(os.environ.get("MOCK_CARRIERS_FUZZ_EXAMPLES", "3"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]

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
# all now, so that which tests ran before (and loaded a carrier) cannot change the examples.
for _module in pkgutil.walk_packages(mock_carriers.__path__, "mock_carriers."):
    if _module.name != "mock_carriers.__main__":
        importlib.import_module(_module.name)


def _excluded(carrier: str, operation) -> list:
    """The checks that cannot hold for one operation, each with its reason."""
    if not any(status.startswith("4") for status in operation.definition.raw["responses"]):
        return [negative_data_rejection]  # no error status: BEX answers business errors as 200 with an `ex` field
    if carrier == "borderless360" and operation.definition.raw["operationId"] in LIST_OPERATIONS:
        return [negative_data_rejection]  # DRF's LimitOffsetPagination reads a bad limit or offset as its default
    return []


def _operations():
    for carrier in CARRIERS.names:
        for path, item in load_yaml(data_dir("contracts") / f"{carrier}.openapi.yaml")["paths"].items():
            for method, operation in item.items():
                if isinstance(operation, dict) and "operationId" in operation:
                    yield pytest.param(carrier, method.upper(), path, id=f"{carrier}-{operation['operationId']}")


@functools.cache
def _schema(carrier: str):
    return schemathesis.openapi.from_path(data_dir("contracts") / f"{carrier}.openapi.yaml")


@pytest.mark.parametrize("strict", [False, True], ids=["lenient", "strict"])
@pytest.mark.parametrize(("carrier", "method", "path"), list(_operations()))
def test_fuzz(make_app, carrier, method, path, strict):
    """Each example runs in a namespace of its own, so what one example changes cannot make
    another fail; a case that drops or breaks the credentials on purpose is sent without ours.
    In strict mode the contract check refuses schema-breaking requests before the carrier sees
    them: that refusal must be the carrier's own, as documented."""
    app = make_app(strict=strict)
    http = app.test_client()
    schema = _schema(carrier)
    operation = schema[path][method]
    excluded = _excluded(carrier, operation)
    namespaces = itertools.count()

    @hypothesis.settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.generate, Phase.shrink],
    )
    @hypothesis.given(case=st.one_of([operation.as_strategy(generation_mode=mode) for mode in GenerationMode]))
    def fuzz(case):
        prefix = f"/ns/fuzz-{next(namespaces)}/{carrier}"
        credentials = CREDENTIALS.get(carrier, lambda http, prefix: {})  # none: a carrier without authentication
        headers = {} if schema.is_security_param_negated(case) else credentials(http, prefix)
        case.call_and_validate(
            base_url=f"http://localhost{prefix}", headers=headers, app=app, checks=CHECKS, excluded_checks=excluded
        )

    fuzz()
