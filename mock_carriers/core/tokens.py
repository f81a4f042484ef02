"""TokenAuthority: the access tokens of one carrier in one namespace.

Tokens are opaque random strings bound to a client, scopes and an expiry on the namespace clock.
A carrier asks `check()`, or `require()` for the refusal saying why, and renders each answer as its
own 401/403; the admin API expires or revokes tokens to let tests exercise a client's
re-authentication path.
"""

from __future__ import annotations

import enum
import secrets
from dataclasses import dataclass

from mock_carriers.core.clock import VirtualClock
from mock_carriers.core.errors import Unauthorized


class TokenState(enum.Enum):
    VALID = "valid"
    EXPIRED = "expired"
    REVOKED = "revoked"
    UNKNOWN = "unknown"


@dataclass
class Token:
    value: str
    client_id: str
    scopes: tuple[str, ...]
    issued_at: float
    expires_at: float | None
    revoked: bool = False
    expired_by_admin: bool = False


_REASONS = {TokenState.EXPIRED: "expired", TokenState.REVOKED: "revoked", TokenState.UNKNOWN: "invalid"}


class TokenAuthority:
    def __init__(self, clock: VirtualClock, lifetime_seconds: float | None, token_bytes: int = 48) -> None:
        self._clock = clock
        self._lifetime = lifetime_seconds
        self._token_bytes = token_bytes
        self._tokens: dict[str, Token] = {}

    def issue(self, client_id: str, scopes: tuple[str, ...] = (), value: str | None = None) -> Token:
        """A new token; `value` fixes it (a carrier whose tokens are handed out by hand, say)."""
        now = self._clock.timestamp()
        expires_at = None if self._lifetime is None else now + self._lifetime
        token = Token(value or secrets.token_urlsafe(self._token_bytes), client_id, tuple(scopes), now, expires_at)
        self._tokens[token.value] = token
        return token

    def check(self, value: str | None) -> tuple[TokenState, Token | None]:
        token = self._tokens.get(value) if value else None
        if token is None:
            return TokenState.UNKNOWN, None
        if token.revoked:
            return TokenState.REVOKED, token
        if token.expired_by_admin or (token.expires_at is not None and self._clock.timestamp() >= token.expires_at):
            return TokenState.EXPIRED, token
        return TokenState.VALID, token

    def require(self, value: str | None, message: str | None = None) -> Token:
        """The valid token `value` names, else Unauthorized whose reason says why: "expired",
        "revoked", or "invalid" for one never issued. `message` is the carrier's wording of it."""
        state, token = self.check(value)
        if state is TokenState.VALID and token is not None:  # a valid state always comes with its token
            return token
        raise Unauthorized(_REASONS[state], message)

    def expire(self, token: str | None = None, client_id: str | None = None) -> int:
        """Make matching tokens expired now; answers how many were live before."""
        return self._mark(token, client_id, "expired_by_admin")

    def revoke(self, token: str | None = None, client_id: str | None = None) -> int:
        return self._mark(token, client_id, "revoked")

    def _mark(self, token: str | None, client_id: str | None, flag: str) -> int:
        count = 0
        for candidate in self._select(token, client_id):
            if self.check(candidate.value)[0] is TokenState.VALID:
                count += 1
            setattr(candidate, flag, True)
        return count

    def _select(self, token: str | None, client_id: str | None) -> list[Token]:
        if token is not None:
            found = self._tokens.get(token)
            return [found] if found is not None else []
        if client_id is not None:
            return [t for t in self._tokens.values() if t.client_id == client_id]
        return list(self._tokens.values())

    def __len__(self) -> int:
        return len(self._tokens)
