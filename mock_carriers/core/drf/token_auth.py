"""`Authorization: <Keyword> <token>`, checked the way Django REST Framework's TokenAuthentication
checks it, with its messages: no such header is "not provided", a malformed one and an unknown,
expired or revoked token are "invalid"."""

from __future__ import annotations

from mock_carriers.core.errors import Unauthorized
from mock_carriers.core.tokens import Token, TokenAuthority

NOT_PROVIDED = "Authentication credentials were not provided."


def keyword_token(authority: TokenAuthority, header: str | None, keyword: str = "Token") -> Token:
    parts = (header or "").split()
    if not parts or parts[0].lower() != keyword.lower():
        raise Unauthorized("missing", NOT_PROVIDED)
    if len(parts) == 1:
        raise Unauthorized("invalid", "Invalid token header. No credentials provided.")
    if len(parts) > 2:
        raise Unauthorized("invalid", "Invalid token header. Token string should not contain spaces.")
    return authority.require(parts[1], "Invalid token.")
