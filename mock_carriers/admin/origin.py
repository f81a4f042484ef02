"""Refusing cross-site changes to the admin API. A server without an admin token trusts whoever
reaches it, and a browser reaches it on behalf of any page it shows: a page of another site could
post a form to `http://127.0.0.1:8080/__admin/reset` (a "simple" request, sent without a preflight).
Browsers say where such a request comes from (`Origin`, and `Sec-Fetch-Site`), so a change that a
browser sends for another origin is refused. curl, the CLI, the Python client and the pytest plugin
send neither header, and the dashboard sends its own origin, so none of them notices."""

from __future__ import annotations

from typing import Mapping
from urllib.parse import urlsplit

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_DEFAULT_PORTS = {"http": 80, "https": 443}


def cross_site(method: str, headers: Mapping[str, str], own_url: str) -> str | None:
    """Why a request must be refused (a browser sent a change from another origin), else None.
    `own_url` is where the request came to (scheme and host, after trusted forwarded headers)."""
    if method.upper() in SAFE_METHODS:
        return None
    site = headers.get("Sec-Fetch-Site")
    if site in ("cross-site", "same-site"):
        return f"a page of another origin may not change the mock (Sec-Fetch-Site: {site})"
    origin = headers.get("Origin")
    if origin is None or _origin(origin) == _origin(own_url):
        return None
    shown = origin if len(origin) <= 100 else origin[:100] + "..."
    return (
        f"a page of another origin ({shown}) may not change the mock; behind a reverse proxy, "
        "let it through with --trust-forwarded so the mock knows the address its users see"
    )


def _origin(url: str) -> tuple[str, str, int | None] | None:
    """(scheme, host, port) with the default port filled in; None for `null` or what is no URL."""
    try:
        parts = urlsplit(url.strip())
        scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
        port = parts.port or _DEFAULT_PORTS.get(scheme)
    except ValueError:
        return None
    if scheme not in _DEFAULT_PORTS or not host:
        return None
    return scheme, host, port
