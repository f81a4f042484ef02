"""The journal endpoint's filters (`?since=&operation=&status=&faulted=&violated=`), read from the query
string once and checked the admin API's way: a bad value is an Invalid naming the parameter. A tool
that follows a namespace (the dashboard, `journal --follow`) asks only for what is new with `since`,
so it never reads the whole journal again."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping

from mock_carriers.core.errors import Invalid
from mock_carriers.core.journal import JournalEntry

_WHOLE = re.compile(r"[0-9]{1,9}")
_STATUS = re.compile(r"([1-5])(?:xx|XX|[0-9]{2})")
_BOOLEANS = {"true": True, "false": False}


@dataclass(frozen=True)
class JournalQuery:
    since: int = 0  # only entries with a greater id
    operation: str | None = None
    status: str | None = None  # "4xx" (a class) or "401" (one status)
    faulted: bool | None = None  # a fault rule was applied to the request, or none was
    violated: bool | None = None  # the request broke its contract, or did not

    def matches(self, entry: JournalEntry) -> bool:
        return (
            entry.id > self.since
            and (self.operation is None or entry.operation == self.operation)
            and (self.status is None or _status_matches(self.status, entry.status))
            and (self.faulted is None or bool(entry.faults) == self.faulted)
            and (self.violated is None or bool(entry.contract_violations) == self.violated)
        )


def _status_matches(wanted: str, status: int) -> bool:
    if wanted[1:].lower() == "xx":
        return str(status)[:1] == wanted[0]
    return str(status) == wanted


def parse(args: Mapping[str, str]) -> JournalQuery:
    """The filters of a journal request; Invalid lists every bad one."""
    errors: dict[str, list[str]] = {}
    since = args.get("since")
    if since is not None and not _WHOLE.fullmatch(since):
        errors["since"] = ["must be a whole number (a journal entry id) from 0 to 999999999"]
    operation = args.get("operation") or None
    if operation is not None and len(operation) > 300:
        errors["operation"] = ["must be an operationId of at most 300 characters"]
    status = args.get("status") or None
    if status is not None and not _STATUS.fullmatch(status):
        errors["status"] = ["must be a status class (1xx to 5xx) or a status such as 401"]
    flags = {}
    for name in ("faulted", "violated"):
        value = args.get(name)
        if value is not None and value not in _BOOLEANS:
            errors[name] = ["must be true or false"]
        flags[name] = _BOOLEANS.get(value) if value is not None else None
    if errors:
        raise Invalid(errors)
    return JournalQuery(int(since) if since else 0, operation, status, flags["faulted"], flags["violated"])
