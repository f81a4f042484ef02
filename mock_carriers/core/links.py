"""Absolute URLs back to the mock: the one place one is built from a request.

A link must bring the client back the way it came, so it takes the scheme, host and port the client
used (the default port left out; a trusted reverse proxy's word already applied to the request, see
forwarded.py) and the app's root path; the caller adds the URL prefix the client used, if any.
"""

from __future__ import annotations

from werkzeug.sansio.utils import get_current_url
from werkzeug.wrappers import Request


def external_url(request: Request, path: str = "") -> str:
    """`scheme://host[:port]` and the root path as this client addressed the mock, then `path`
    ("" or from "/"; quoted as Werkzeug quotes a request's own URL). No trailing slash when `path`
    is empty, so callers append "/..." to it."""
    if not path:
        return get_current_url(request.scheme, request.host, request.root_path).rstrip("/")
    return get_current_url(request.scheme, request.host, request.root_path, path)
