"""Contract files read into Contracts: a book of a folder's contracts, each loaded on first use and
kept for the process, with a user's own files replacing shipped ones."""

from __future__ import annotations

import functools
import threading
from pathlib import Path

from werkzeug.wrappers import Response

from mock_carriers.core.contracts.checking import Contract
from mock_carriers.core.contracts.lint import contract_problems
from mock_carriers.core.contracts.violations import Violation
from mock_carriers.core.fixtures import FixtureError, load_frozen


class ContractError(ValueError):
    """A contract file that cannot be read or is not a usable OpenAPI 3.1 document; the message
    names the file and the problem."""


def load_contract(path: Path) -> Contract:
    """A contract file read and checked: ContractError names the file and the problem."""
    try:
        document = load_frozen(path)
    except OSError as exc:
        raise ContractError(f"{path}: cannot be read: {exc.strerror or exc}") from None
    except FixtureError as exc:
        raise ContractError(str(exc)) from None
    for problem in contract_problems(document):
        raise ContractError(f"{path}: {problem}")
    return Contract(path.name.removesuffix(".openapi.yaml"), document)


class ContractBook:
    """Every contract of a folder, each loaded on first use; files in `overrides` replace the shipped
    ones of the same name (they are checked when the book is made, so a mistake stops start-up)."""

    def __init__(self, directory: Path, overrides: Path | None = None) -> None:
        self._directory = directory
        self._overrides = overrides
        self._contracts: dict[str, Contract] = {}
        self._lock = threading.Lock()
        for path in sorted(overrides.glob("*.openapi.yaml")) if overrides else ():
            contract = load_contract(path)
            self._contracts[contract.name] = contract

    def path(self, name: str) -> Path:
        return self._directory / f"{name}.openapi.yaml"

    def contract(self, name: str) -> Contract:
        found = self._contracts.get(name)
        if found is not None:
            return found
        with self._lock:
            found = self._contracts.get(name)
            if found is None:
                found = _shipped(self.path(name))
                self._contracts[name] = found
            return found

    def has(self, name: str) -> bool:
        return name in self._contracts or self.path(name).is_file()

    def check_response(
        self, name: str, operation_id: str | None, response: Response, method: str = "GET"
    ) -> list[Violation]:
        """Violations of `response` against the contract; none for requests no route matched."""
        if operation_id is None:
            return []
        if not self.has(name):
            return [Violation(name, "response", "operation", name, "contract", f"no contracts/{name}.openapi.yaml")]
        return self.contract(name).check_response(operation_id, response, method)


@functools.lru_cache(maxsize=None)
def contract_book(directory: Path, overrides: Path | None = None) -> ContractBook:
    """One book per set of files in a process: contracts load once, however many apps read them."""
    return ContractBook(directory, overrides)


def _shipped(path: Path) -> Contract:
    """A shipped contract, read without the full check (the test suite makes that); a broken one
    still names the file and the problem."""
    try:
        return Contract(path.name.removesuffix(".openapi.yaml"), load_frozen(path))
    except OSError as exc:
        raise ContractError(f"{path}: cannot be read: {exc.strerror or exc}") from None
    except FixtureError as exc:
        raise ContractError(str(exc)) from None
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise ContractError(
            f"{path}: not a usable contract ({type(exc).__name__}: {exc}); `mock-carriers contracts validate` says more"
        ) from None
