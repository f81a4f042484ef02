"""Schemathesis fuzzes every admin operation in-process against contracts/admin.openapi.yaml: no
server errors, and every status, header and body the admin API answers is one the contract lists.
Like the carriers' fuzzing (test_fuzz.py, and tests/fuzzing.py for more cases): a bounded number of
derandomized cases per operation."""

from __future__ import annotations

import functools

import pytest
import requests
import schemathesis
from fuzzing import CHECKS, fuzz, operations

from mock_carriers.resources import data_dir

CONTRACT = data_dir("contracts") / "admin.openapi.yaml"


@functools.cache
def _schema():
    return schemathesis.openapi.from_path(CONTRACT)


@pytest.fixture
def no_network(monkeypatch):
    """A fuzzed subscription may name any URL: webhook deliveries go nowhere during the test."""

    def refuse(self, url, *args, **kwargs):
        raise requests.ConnectionError(f"no network in the admin fuzz test: {url[:80]}")

    monkeypatch.setattr(requests.Session, "post", refuse)


@pytest.mark.parametrize(("method", "path"), operations(CONTRACT))
def test_fuzz_admin(no_network, app, method, path):
    @fuzz(_schema()[path][method], default=10)
    def each(case):
        case.call_and_validate(base_url="http://localhost", app=app, checks=CHECKS)

    each()
