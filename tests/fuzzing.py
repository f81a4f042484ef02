"""What the fuzz tests (test_fuzz.py, test_fuzz_admin.py) share: the operations of a contract, the
checks every response must pass, and how many derandomized schemathesis cases each operation gets:
`default` per operation in the default hypothesis profile, ten times that under
`--hypothesis-profile=thorough`, or MOCK_CARRIERS_FUZZ_EXAMPLES=N."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

import hypothesis
import pytest
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
from support import examples

from mock_carriers.core.fixtures import load_frozen

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def operations(contract: Path, prefix: str = "") -> list:
    """A pytest.param (method, path) per operation of the contract, named `prefix` + its operationId."""
    return [
        pytest.param(method.upper(), path, id=f"{prefix}{operation['operationId']}")
        for path, item in load_frozen(contract)["paths"].items()
        for method, operation in item.items()
        if isinstance(operation, dict) and "operationId" in operation
    ]


def fuzz(operation, default: int) -> Callable:
    """Decorates `check(case)`: calling the result runs it on each case drawn for `operation`, every
    generation mode (valid and schema-breaking requests) in one strategy."""
    count = int(os.environ.get("MOCK_CARRIERS_FUZZ_EXAMPLES", 0)) or examples(default)
    return lambda check: hypothesis.settings(
        max_examples=count,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.generate, Phase.shrink],
    )(hypothesis.given(case=st.one_of([operation.as_strategy(generation_mode=mode) for mode in GenerationMode]))(check))
