"""Parcel2Go's IdentityServer under `/auth` (carriers.md section 4.1): client-credentials tokens,
the implicit flow's authorize redirect, token revocation and the OIDC discovery document, and the
scope checks `/api` makes on every bearer token."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from werkzeug.wrappers import Response

from mock_carriers.carriers.base import RequestContext
from mock_carriers.core.aspnet.oauth import authenticate_client, client_credentials_request, require_bearer
from mock_carriers.core.aspnet.request_values import form_of
from mock_carriers.core.errors import Forbidden, OAuthError, empty_response, json_response
from mock_carriers.core.tokens import Token

TOKEN_LIFETIME = 7200.0
API_SCOPE = "public-api"
OPENID = "openid"
NO_STORE = {"Cache-Control": "no-store, no-cache, max-age=0", "Pragma": "no-cache"}


def _scopes(requested: str | None, allowed: list[str], extra: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The scopes granted: all the client may have when none are asked for; invalid_scope if
    any asked for is not allowed to it."""
    wanted = tuple(dict.fromkeys((requested or "").split()))
    if not wanted:
        return tuple(allowed)
    if any(scope not in allowed and scope not in extra for scope in wanted):
        raise OAuthError("invalid_scope")
    return wanted


def issue_token(ctx: RequestContext) -> Response:
    grant = client_credentials_request(ctx.request, ctx.model.client_secrets)
    scopes = _scopes(grant.scope, ctx.model.client(grant.client_id)["scopes"])
    token = ctx.tokens.issue(grant.client_id, scopes)
    return json_response(
        {"access_token": token.value, "expires_in": int(TOKEN_LIFETIME), "token_type": "Bearer"}, headers=NO_STORE
    )


def authorize(ctx: RequestContext) -> Response:
    """The implicit flow. The mock has no login page: the client's own account signs in at once.
    Errors about the client or its return URL cannot be redirected and answer 400 here; the
    rest go back to the return URL, as IdentityServer does."""
    args = ctx.request.args
    client_id, redirect_uri = args.get("client_id", ""), args.get("redirect_uri", "")
    client = ctx.model.client(client_id)
    if client is None:
        raise OAuthError("unauthorized_client", "Unknown client or client not enabled")
    if redirect_uri not in client.get("redirect_uris", []):
        raise OAuthError("invalid_request", "Invalid redirect_uri")
    answer: dict[str, Any] = {}
    if args.get("response_type") != "token":
        answer = {"error": "unsupported_response_type"}
    else:
        try:
            scopes = _scopes(args.get("scope") or API_SCOPE, client["scopes"], (OPENID,))
        except OAuthError as error:
            answer = {"error": error.code}
        else:
            token = ctx.tokens.issue(client_id, scopes)
            answer = {
                "access_token": token.value,
                "token_type": "Bearer",
                "expires_in": int(TOKEN_LIFETIME),
                "scope": " ".join(scopes),
            }
    if args.get("state"):
        answer["state"] = args["state"]
    return empty_response(302, {"Location": _with_fragment(redirect_uri, answer)})


def _with_fragment(url: str, values: dict) -> str:
    """IdentityServer appends the answer after a `#`, or straight onto a return URL that already
    has one (the official demo registers `.../#/token?` and reads the values from there)."""
    return url + ("" if "#" in url else "#") + urlencode(values)


def revoke_token(ctx: RequestContext) -> Response:
    """RFC 7009: the client revokes one of its own tokens; an unknown token is not an error."""
    authenticate_client(ctx.request, ctx.model.client_secrets)
    value = form_of(ctx.request).get("token", "")
    if not value:
        raise OAuthError("invalid_request")
    ctx.tokens.revoke(token=value)
    return empty_response(200)


def discovery(ctx: RequestContext) -> Response:
    auth = f"{ctx.base_url}/auth"
    return json_response(
        {
            "issuer": auth,
            "jwks_uri": f"{auth}/.well-known/openid-configuration/jwks",
            "authorization_endpoint": f"{auth}/connect/authorize",
            "token_endpoint": f"{auth}/connect/token",
            "revocation_endpoint": f"{auth}/connect/revocation",
            "scopes_supported": [OPENID, API_SCOPE, "payment", "my-profile"],
            "claims_supported": ["sub"],
            "grant_types_supported": ["client_credentials", "implicit"],
            "response_types_supported": ["token"],
            "response_modes_supported": ["fragment"],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
        }
    )


def jwks(ctx: RequestContext) -> Response:
    """The mock's access tokens are opaque reference tokens, so it publishes no signing keys."""
    return json_response({"keys": []})


def authorized(ctx: RequestContext, scope: str = API_SCOPE) -> Token:
    """The request's valid token with `public-api` and `scope`: 401 without one, 403 without the scope."""
    token = require_bearer(ctx.tokens, ctx.request.headers.get("Authorization"))
    if API_SCOPE not in token.scopes or scope not in token.scopes:
        raise Forbidden(f"the token lacks the {scope} scope")
    return token
