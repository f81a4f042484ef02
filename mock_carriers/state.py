"""AppState: everything one app instance owns, reachable from any request."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from werkzeug.wrappers import Response

from mock_carriers.carriers.base import CarrierRegistry
from mock_carriers.core.contracts.loading import ContractBook, contract_book
from mock_carriers.core.contracts.violations import Violation
from mock_carriers.core.fixtures import FixtureStore
from mock_carriers.core.namespaces import Namespace, NamespaceRegistry
from mock_carriers.resources import data_dir
from mock_carriers.settings import Settings


@dataclass
class AppState:
    settings: Settings
    carriers: CarrierRegistry
    store: FixtureStore
    namespaces: NamespaceRegistry
    hosts: dict[str, str] = field(default_factory=dict)

    @cached_property
    def contracts(self) -> ContractBook:
        """The contracts, shared by every app of the process that reads the same files."""
        return contract_book(data_dir("contracts"), self.settings.contracts_dir)

    def is_strict(self, namespace: Namespace) -> bool:
        return self.settings.strict if namespace.strict is None else namespace.strict

    def check_contract(self, contract: str, operation: str | None, response: Response, method: str) -> list[Violation]:
        """Contract violations of a response (only when settings.check_responses is on)."""
        violations = self.contracts.check_response(contract, operation, response, method)
        if violations and self.settings.on_contract_violation is not None:
            for violation in violations:
                self.settings.on_contract_violation(str(violation))
        return violations
