"""Cross-origin resource sharing, as the CORS layer in front of a carrier's app answers browsers.

A browser asks first (a preflight: `OPTIONS` with `Origin` and `Access-Control-Request-Method`)
and the CORS layer answers it itself, before routing, authentication or anything of the app. Every
other answer of the app (errors, 401s and 429s included) gets `Access-Control-Allow-Origin`, or
the page that asked cannot read it. A carrier configures one CorsPolicy; the pipeline applies it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping

from werkzeug.datastructures import Headers
from werkzeug.wrappers import Response

from mock_carriers.core.errors import empty_response

REQUESTED = None  # allow what the preflight asks for
# the headers a browser client of a carrier reads: a 429's wait, a 401's challenge, a redirect, a download's name
CLIENT_READ_HEADERS = ("Retry-After", "WWW-Authenticate", "Location", "Content-Disposition")
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}\Z")  # an HTTP token: a method or a header name
_ORIGIN = re.compile(r"[\x21-\x7e]{1,2048}\Z")  # printable, no spaces: never a header injection


@dataclass(frozen=True)
class CorsPolicy:
    """What the CORS layer allows and how it answers a preflight.

    `preflight_status` is 200 (ASP.NET Web API's and django-cors-headers' preflight) or 204
    (ASP.NET Core's); `allow_methods` / `allow_headers` None answer with what the preflight asks for.
    """

    preflight_status: int = 200
    echo_origin: bool = True  # False: `*`
    allow_methods: tuple[str, ...] | None = REQUESTED
    allow_headers: tuple[str, ...] | None = REQUESTED
    expose_headers: tuple[str, ...] = CLIENT_READ_HEADERS
    max_age: int | None = None  # seconds a browser may keep a preflight's answer
    allow_credentials: bool = False

    def preflight(self, request_headers: Headers | Mapping[str, str], method: str) -> Response | None:
        """The answer to a preflight, None for any other request (it goes on to the app)."""
        asked = request_headers.get("Access-Control-Request-Method")
        if method != "OPTIONS" or asked is None or _origin(request_headers) is None:
            return None
        response = empty_response(self.preflight_status)
        methods = self.allow_methods if self.allow_methods is not REQUESTED else _tokens(asked)
        if methods:
            response.headers["Access-Control-Allow-Methods"] = ", ".join(methods)
        headers = (
            self.allow_headers
            if self.allow_headers is not REQUESTED
            else _tokens(request_headers.get("Access-Control-Request-Headers", ""))
        )
        if headers:
            response.headers["Access-Control-Allow-Headers"] = ", ".join(headers)
        if self.max_age is not None:
            response.headers["Access-Control-Max-Age"] = str(self.max_age)
        return response

    def decorate(self, request_headers: Headers | Mapping[str, str], method: str, response: Response) -> None:
        """Add the Access-Control headers to an answer (a preflight's included) of a request with an Origin."""
        origin = _origin(request_headers)
        if origin is None:
            return
        response.headers["Access-Control-Allow-Origin"] = origin if self.echo_origin else "*"
        if self.echo_origin:
            response.vary.add("Origin")
        if self.allow_credentials:
            response.headers["Access-Control-Allow-Credentials"] = "true"
        is_preflight = method == "OPTIONS" and "Access-Control-Request-Method" in request_headers
        if self.expose_headers and not is_preflight:
            response.headers["Access-Control-Expose-Headers"] = ", ".join(self.expose_headers)

    def describe(self) -> dict[str, Any]:
        """The policy as the contracts document it (`x-mock-cors`)."""
        return {
            "preflight_status": self.preflight_status,
            "allow_origin": "echo" if self.echo_origin else "*",
            "allow_methods": "requested" if self.allow_methods is REQUESTED else list(self.allow_methods),
            "allow_headers": "requested" if self.allow_headers is REQUESTED else list(self.allow_headers),
            "expose_headers": list(self.expose_headers),
            "max_age": self.max_age,
            "allow_credentials": self.allow_credentials,
        }


def _origin(request_headers: Headers | Mapping[str, str]) -> str | None:
    origin = request_headers.get("Origin")
    return origin if origin is not None and _ORIGIN.match(origin) else None


def _tokens(text: str) -> list[str]:
    """The methods or header names of a comma-separated list, anything not a token left out."""
    return [item for item in (part.strip() for part in text.split(",")) if _TOKEN.match(item)]
