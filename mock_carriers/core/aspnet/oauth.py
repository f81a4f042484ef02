"""OAuth 2.0 pieces carriers share: the client-credentials token request and bearer tokens.

The wire rules are the RFC's (6749 section 4.4, 6750), so a carrier only supplies its client
list and renders its own token JSON.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Mapping
from urllib.parse import unquote_plus

from flask import Request

from mock_carriers.core.aspnet.request_values import form_of
from mock_carriers.core.credentials import decode_pair
from mock_carriers.core.errors import OAuthError, Unauthorized
from mock_carriers.core.tokens import Token, TokenAuthority


@dataclass(frozen=True)
class TokenRequest:
    client_id: str
    grant_type: str
    scope: str | None


def authenticate_client(request: Request, client_secrets: Mapping[str, str]) -> str:
    """The client id of a request that authenticates with form fields or HTTP Basic, else
    invalid_client. A body that is not a form counts as an empty form."""
    form = form_of(request)
    client_id, secret = form.get("client_id"), form.get("client_secret")
    if not client_id:
        client_id, secret = _basic_credentials(request.headers.get("Authorization"))
    expected = client_secrets.get(client_id) if client_id else None
    if not client_id or expected is None or not hmac.compare_digest((secret or "").encode(), expected.encode()):
        raise OAuthError("invalid_client")
    return client_id


def client_credentials_request(request: Request, client_secrets: Mapping[str, str]) -> TokenRequest:
    """An authenticated client-credentials request, or the OAuthError the token endpoint answers.
    The client is checked before the grant type, as OWIN and IdentityServer do."""
    client_id = authenticate_client(request, client_secrets)
    form = form_of(request)
    grant_type = form.get("grant_type") or ""
    if grant_type != "client_credentials":
        raise OAuthError("unsupported_grant_type")
    return TokenRequest(client_id, grant_type, form.get("scope"))


def _basic_credentials(header: str | None) -> tuple[str | None, str | None]:
    """HTTP Basic client authentication: each part form-encoded first (RFC 6749 section 2.3.1)."""
    scheme, _, value = (header or "").partition(" ")
    pair = decode_pair(value) if scheme.lower() == "basic" else None
    if pair is None:
        return None, None
    return unquote_plus(pair[0]), unquote_plus(pair[1])


def bearer_token(header: str | None) -> str | None:
    """The token of an `Authorization: Bearer <token>` header (scheme case-insensitive)."""
    scheme, _, value = (header or "").strip().partition(" ")
    value = value.strip()
    if scheme.lower() != "bearer" or not value or " " in value:
        return None
    return value


def require_bearer(authority: TokenAuthority, header: str | None) -> Token:
    """The valid token the request carries, or Unauthorized saying why (missing/invalid/expired/revoked)."""
    value = bearer_token(header)
    if value is None:
        raise Unauthorized("missing" if not header else "invalid")
    return authority.require(value)
