"""The contracts match the code: every route is an operation, every operation a route."""

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
    views = {rule.endpoint.removeprefix("admin."): rule for rule in app.url_map.iter_rules()
             if rule.endpoint.startswith("admin.")}
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
