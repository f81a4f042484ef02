"""The contracts match the code (every route is an operation, every operation a route) and are
valid OpenAPI 3.1 documents that say how each operation fails."""

import re

import pytest

from mock_carriers.app import create_app
from mock_carriers.carriers import CARRIERS
from mock_carriers.core.contracts import ContractBook
from mock_carriers.resources import data_dir


@pytest.fixture(scope="module")
def book() -> ContractBook:
    return ContractBook(data_dir("contracts"))


@pytest.mark.parametrize("name", CARRIERS.names)
def test_every_carrier_route_is_in_its_contract_and_back(book, name):
    routes = {route.operation_id: route for route in CARRIERS.load(name).routes}
    contract = book.contract(name)
    assert set(routes) == set(contract.operations)
    for operation_id, route in routes.items():
        documented = contract.operations[operation_id]
        assert documented.path.replace("{", "<").replace("}", ">") == route.rule
        assert documented.method.upper() in route.methods


def test_every_admin_view_is_in_the_admin_contract_and_back(book):
    app = create_app()
    views = {
        rule.endpoint.removeprefix("admin."): rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("admin.")
    }
    contract = book.contract("admin")
    assert set(views) == set(contract.operations)
    for operation_id, rule in views.items():
        documented = contract.operations[operation_id]
        assert documented.path == "/__admin" + rule.rule.removeprefix("/__admin").replace("<", "{").replace(">", "}")
        assert documented.method.upper() in rule.methods


def test_guesses_are_marked(book):
    contract = book.contract("border-express")
    for operation_id in ("getConsignmentScans", "getBarcodeScans", "getScanTypes"):
        operation = contract.operations[operation_id]
        assert operation.spec.get("x-mock-guess") or contract.document["paths"][operation.path].get("x-mock-guess")


def test_the_checker_catches_drift(book):
    from werkzeug.wrappers import Response

    contract = book.contract("border-express")
    drifted = Response(b'{"Statuses":[{"Status":"Delivered"}]}', content_type="application/json")
    assert contract.check_response("getConsignmentStatuses", drifted)
    assert contract.check_response("getConsignmentStatuses", Response(b"", status=418))


CONTRACTS = sorted(data_dir("contracts").glob("*.openapi.yaml"))


@pytest.mark.parametrize("path", CONTRACTS, ids=[path.name for path in CONTRACTS])
def test_every_contract_is_valid_openapi_3_1(path):
    from openapi_spec_validator import OpenAPIV31SpecValidator, validate

    from mock_carriers.core.fixtures import load_frozen

    document = load_frozen(path)
    assert document["openapi"].startswith("3.1")
    validate(document, cls=OpenAPIV31SpecValidator)


@pytest.mark.parametrize("name", CARRIERS.names)
def test_every_operation_says_how_it_fails(book, name):
    """An operationId, and at least one error response (4xx/5xx or `default`) on every operation;
    a carrier that answers business errors under 200 (BEX's `ex`) documents them in its 200s."""
    from mock_carriers.core.aspnet.dialects import ExField
    from mock_carriers.core.fixtures import load_frozen

    errors_under_200 = isinstance(CARRIERS.load(name).dialect, ExField)
    document = load_frozen(data_dir("contracts") / f"{name}.openapi.yaml")
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method not in ("get", "put", "post", "delete", "patch", "head", "options"):
                continue
            assert operation.get("operationId"), f"{method.upper()} {path} has no operationId"
            errors = [
                status
                for status in operation["responses"]
                if status == "default"
                or status[0] in "45"
                or (errors_under_200 and status == "200" and _mentions_ex(document, operation["responses"]["200"]))
            ]
            assert errors, f"{operation['operationId']} documents no error response"


@pytest.mark.parametrize("name", CARRIERS.names)
def test_every_contract_marks_its_guesses_and_has_webhooks_where_the_carrier_sends_them(name):
    from mock_carriers.core.fixtures import load_frozen

    text = (data_dir("contracts") / f"{name}.openapi.yaml").read_text(encoding="utf-8")
    assert "x-mock-guess: true" in text
    if CARRIERS.load(name).webhook_events:
        assert load_frozen(data_dir("contracts") / f"{name}.openapi.yaml").get("webhooks")


def _mentions_ex(document: dict, response: dict) -> bool:
    """Whether a 200 response (its component followed once) offers the `ex` error shape."""
    ref = response.get("$ref", "")
    if ref.startswith("#/components/responses/"):
        response = document["components"]["responses"][ref.rsplit("/", 1)[1]]
    return re.search(r"Ex\b|Ex'|'ex'", str(response)) is not None


def test_the_cli_lists_shows_and_exports_the_contracts(tmp_path):
    from click.testing import CliRunner

    from mock_carriers.cli import main

    runner = CliRunner()
    listed = runner.invoke(main, ["contracts", "list"]).output.splitlines()
    assert {line.split()[0] for line in listed} == {*CARRIERS.names, "admin"}
    shown = runner.invoke(main, ["contracts", "show", "parcel2go"]).output
    assert "POST   /api/quotes" in shown and "getQuotes" in shown and "HOOK   Tracking" in shown
    assert runner.invoke(main, ["contracts", "show", "dhl"]).exit_code == 1
    result = runner.invoke(main, ["contracts", "export", str(tmp_path / "out")])
    assert result.exit_code == 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(path.name for path in CONTRACTS)
