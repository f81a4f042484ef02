"""The contracts under contracts/: OpenAPI 3.1 documents, one per carrier plus the admin API.

They are the single description of what each API looks like. The test suite checks every
response the mock gives against them (Settings.check_responses), so the mock cannot drift; strict
mode checks every request a client sends against them, so a client cannot drift from the real API.

One job per module: `loading` (files into a cached book), `checking` (requests and responses
against an operation), `schemas` (the validators built from a document), `lint` (is a document a
usable contract), `violations` (what a check finds), `fields` (violations as a framework's
invalid-field errors), `pointers` (finding one's way in a document).
"""

from mock_carriers.core.contracts.checking import MAX_CHECKED_BODY, MAX_CHECKED_DEPTH, Contract, Operation
from mock_carriers.core.contracts.fields import indexed_fields, nested_fields
from mock_carriers.core.contracts.loading import ContractBook, ContractError, contract_book, load_contract
from mock_carriers.core.contracts.violations import Violation

__all__ = [
    "MAX_CHECKED_BODY",
    "MAX_CHECKED_DEPTH",
    "Contract",
    "ContractBook",
    "ContractError",
    "Operation",
    "Violation",
    "contract_book",
    "indexed_fields",
    "load_contract",
    "nested_fields",
]
