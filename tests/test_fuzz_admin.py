"""Schemathesis fuzzes every admin operation in-process against contracts/admin.openapi.yaml: no
server errors, and every status, header and body the admin API answers is one the contract lists.
Like the carriers' fuzzing (test_fuzz.py): a bounded number of derandomized examples per operation;
MOCK_CARRIERS_FUZZ_EXAMPLES=N asks for N."""

from __future__ import annotations

import functools
import os

import hypothesis
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from mock_carriers.core.fixtures import load_yaml
from mock_carriers.resources import data_dir

EXAMPLES = int(os.environ.get("MOCK_CARRIERS_FUZZ_EXAMPLES", "10"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
CONTRACT = data_dir("contracts") / "admin.openapi.yaml"


def _operations():
    for path, item in load_yaml(CONTRACT)["paths"].items():
        for method, operation in item.items():
            if isinstance(operation, dict) and "operationId" in operation:
                yield pytest.param(method.upper(), path, id=operation["operationId"])


@functools.cache
def _schema():
    return schemathesis.openapi.from_path(CONTRACT)


@pytest.fixture
def no_network(monkeypatch):
    """A fuzzed subscription may name any URL: webhook deliveries go nowhere during the test."""

    def refuse(self, url, *args, **kwargs):
        raise requests.ConnectionError(f"no network in the admin fuzz test: {url[:80]}")

    monkeypatch.setattr(requests.Session, "post", refuse)


@pytest.mark.parametrize(("method", "path"), list(_operations()))
def test_fuzz_admin(no_network, make_app, method, path):
    app = make_app()
    operation = _schema()[path][method]

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
        case.call_and_validate(base_url="http://localhost", app=app, checks=CHECKS)

    fuzz()
