"""Settings of one mock-carriers app, from CLI flags or MOCK_CARRIERS_* environment variables."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, Callable, Mapping, TypeGuard

from mock_carriers.core.durations import parse_duration
from mock_carriers.core.journal import DEFAULT_BODY_LIMIT, JournalEntry

_ENV_PREFIX = "MOCK_CARRIERS_"
PORT_RANGE = "a whole number from 0 to 65535 (0 picks a free one)"


def is_port(value: object) -> TypeGuard[int]:
    """A TCP port (0: the system picks a free one); a bool is not a number here."""
    return type(value) is int and 0 <= value <= 65535


@dataclass
class Settings:
    host: str = "127.0.0.1"
    port: int = 8080
    fixtures_dir: Path | None = None  # per-carrier files here replace the shipped ones
    seed: int = 0  # default RNG seed of every namespace
    admin_token: str | None = None  # when set, every /__admin call needs `Authorization: Bearer <it>`
    journal_limit: int = 1000  # entries kept per namespace
    journal_body_limit: int = DEFAULT_BODY_LIMIT  # bytes of each request and response body a journal entry keeps
    max_namespaces: int = 10_000  # live namespaces besides `default` (and a start-up scenario's)
    namespace_idle_seconds: float = 300.0  # beyond the cap, only a namespace unused this long is dropped
    contracts_dir: Path | None = None  # per-carrier contracts here replace the shipped ones
    strict: bool = False  # check every request against its carrier's contract (a namespace may choose)
    check_responses: bool = False  # validate every response against contracts/ (the test suite does)
    on_contract_violation: Callable[[str], None] | None = None
    on_request: Callable[[str, JournalEntry], None] | None = None  # (namespace, entry) per journaled request
    request_timeout: float = 10.0  # seconds a client has to send a request's head, then its body
    max_connections: int | None = None  # open client connections at once; None: from the descriptor limit
    https_port: int | None = None  # also serve HTTPS for the carriers' hosts here (0: a free port)
    ca_dir: Path | None = None  # the local CA's folder for HTTPS (None: mock_carriers.tls.default_ca_dir())
    # peers (REMOTE_ADDR) whose X-Forwarded-* / Forwarded headers say the scheme and host the client used:
    # addresses or CIDR ranges (a string may hold several, comma-separated), "*" every peer, "none" nobody
    trust_forwarded: str | tuple[str, ...] = ("127.0.0.0/8", "::1")

    def __post_init__(self) -> None:
        if self.admin_token is not None and not self.admin_token.strip():  # it would leave /__admin open
            raise ValueError(
                "the admin token is empty: give one (--admin-token / MOCK_CARRIERS_ADMIN_TOKEN), "
                "or leave it unset for an admin API without authentication"
            )
        for name in ("port", "https_port"):
            value = getattr(self, name)
            if value is not None and not is_port(value):
                raise ValueError(f"{name} must be {PORT_RANGE}, not {value!r:.40}")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> "Settings":
        """Defaults, then MOCK_CARRIERS_<FIELD> variables, then explicit overrides (CLI flags)."""
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for item in fields(cls):
            raw = environ.get(_ENV_PREFIX + item.name.upper())
            if raw is None or item.name in ("on_contract_violation", "on_request"):
                continue
            values[item.name] = _convert(item.name, raw)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)


def _convert(name: str, raw: str) -> Any:  # the field's value: an int, float, bool, Path or text
    if name in ("port", "https_port"):
        value = int(raw) if re.fullmatch(r"\s*-?[0-9]{1,6}\s*", raw) else None
        if not is_port(value):
            raise ValueError(f"{_ENV_PREFIX}{name.upper()} must be a port: {PORT_RANGE}, not {raw[:40]!r}")
        return value
    if name in ("seed", "journal_limit", "max_namespaces", "max_connections", "journal_body_limit"):
        try:
            value = int(raw)
        except ValueError:
            raise ValueError(f"{_ENV_PREFIX}{name.upper()} must be a whole number, not {raw[:40]!r}") from None
        if name == "journal_body_limit" and value < 0:
            raise ValueError(f"{_ENV_PREFIX}{name.upper()} must be 0 or more, not {value}")
        return value
    if name == "request_timeout":
        try:
            return float(raw)
        except ValueError:
            raise ValueError(f"{_ENV_PREFIX}REQUEST_TIMEOUT must be a number of seconds, not {raw!r}") from None
    if name == "namespace_idle_seconds":
        try:
            return parse_duration(raw).total_seconds()
        except ValueError as exc:
            raise ValueError(f"{_ENV_PREFIX}{name.upper()} must be a duration (300, 90s, 5m): {exc}") from None
    if name in ("fixtures_dir", "contracts_dir", "ca_dir"):
        return Path(raw)
    if name in ("check_responses", "strict"):
        return raw.strip().lower() in ("1", "true", "yes", "on")
    return raw
