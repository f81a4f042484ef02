"""AppState: everything one app instance owns, reachable from any request."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Callable

from werkzeug.wrappers import Response

from mock_carriers.carriers.base import CarrierRegistry
from mock_carriers.core.contracts.loading import ContractBook, contract_book
from mock_carriers.core.contracts.violations import Violation
from mock_carriers.core.fixtures import FixtureStore
from mock_carriers.core.namespaces import Namespace, NamespaceRegistry
from mock_carriers.resources import data_dir
from mock_carriers.settings import Settings


class CheckedOverlays:
    """Fixture overlays already merged and checked, by carrier and overlay (as canonical JSON): the
    conformance kit sends the same big overlay for each of its checks, and a schema pass over it
    takes tens of milliseconds. At most `limit` are kept; the results are shared read-only, as the
    shipped fixtures are."""

    def __init__(self, limit: int = 32) -> None:
        self._limit = limit
        self._known: dict[tuple[str, str], Any] = {}
        self._lock = threading.Lock()

    def get(self, carrier: str, overlay: object, check: Callable[[], Any]) -> Any:
        """`check()`'s answer for this overlay, computed once (one at a time, so that checks sent
        together do not all compute it); an overlay that is no JSON is checked every time."""
        try:
            key = (carrier, json.dumps(overlay, sort_keys=True))
        except (TypeError, ValueError):  # a scenario's YAML can hold values JSON cannot
            return check()
        with self._lock:
            if key not in self._known:
                if len(self._known) >= self._limit:
                    self._known.clear()
                self._known[key] = check()  # raises for a bad overlay: nothing kept
            return self._known[key]


@dataclass
class AppState:
    settings: Settings
    carriers: CarrierRegistry
    store: FixtureStore
    namespaces: NamespaceRegistry
    hosts: dict[str, str] = field(default_factory=dict)
    checked_overlays: CheckedOverlays = field(default_factory=lambda: CheckedOverlays())

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
