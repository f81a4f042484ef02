"""AppState: everything one app instance owns, reachable from any request."""

from __future__ import annotations

from dataclasses import dataclass, field

from werkzeug.wrappers import Response

from mock_carriers.carriers.base import CarrierRegistry
from mock_carriers.core.fixtures import FixtureStore
from mock_carriers.core.namespaces import NamespaceRegistry
from mock_carriers.settings import Settings


@dataclass
class AppState:
    settings: Settings
    carriers: CarrierRegistry
    store: FixtureStore
    namespaces: NamespaceRegistry
    hosts: dict[str, str] = field(default_factory=dict)
    _contracts: object | None = None

    def check_contract(self, contract: str, operation: str | None, response: Response, method: str) -> list[str]:
        """Contract violations of a response (only when settings.check_responses is on)."""
        if self._contracts is None:
            from mock_carriers.core.contracts import ContractBook
            from mock_carriers.resources import data_dir

            self._contracts = ContractBook(data_dir("contracts"))
        violations = self._contracts.check_response(contract, operation, response, method)
        if violations and self.settings.on_contract_violation is not None:
            for violation in violations:
                self.settings.on_contract_violation(violation)
        return violations
