"""Which carrier and namespace a request is for, and which of the carrier's routes it hits.

Werkzeug's router has no case-insensitive mode, and ASP.NET matches paths case-insensitively,
so carriers declare their routes here as data (Werkzeug-style `<name>` placeholders) and this
module compiles them. Declaring routes as a table also lets a guessed path be swapped for the
real one in one line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Callable, Iterable, Iterator, Mapping
from urllib.parse import quote

from mock_carriers.core.drf.views import DrfViews
from mock_carriers.core.errors import BadRequest, MethodNotAllowed, Redirect, RouteNotFound

NAMESPACE_NAME = re.compile(r"[A-Za-z0-9_.-]{1,64}\Z")
DEFAULT_NAMESPACE = "default"
_PLACEHOLDER = re.compile(r"<([A-Za-z_][A-Za-z0-9_]*)>")
_REPEATED_SLASHES = re.compile(r"//+")


@dataclass(frozen=True)
class Route:
    methods: frozenset[str]
    rule: str
    handler: Callable[..., Any]  # called with the request's context and the rule's placeholders
    operation_id: str | None  # None: the framework's own answer (DRF's OPTIONS), no operation of the contract
    pattern: re.Pattern[str] = field(compare=False)
    dialect: Any = None  # an ErrorDialect for this route only (None: the carrier's)
    locked: bool = True  # False: a handler that waits on the network takes the namespace's lock itself, briefly


class RouteTable:
    """An ordered list of routes.

    `trailing_slash` is "tolerate" (ASP.NET: `/x/` is `/x`) or "append" (Django's APPEND_SLASH:
    `/x` answers 301 to `/x/` when only the slashed path exists). `dispatch` is "method" (ASP.NET:
    the first route whose path and method match wins; a 405 allows the methods of every route whose
    path matches) or "path" (Django: the first rule whose path matches is the view, and its routes'
    methods are all it allows, even if a later rule would take the method). With `options` (DRF),
    the paths it covers are DRF views: their routes run inside `options.dispatch` (negotiation,
    `Allow` on every answer), they answer OPTIONS with their metadata, and a 405's `Allow` lists
    OPTIONS too. `merge_slashes` reads `a//b` as `a/b` (IIS does, so a client's base URL ending in
    `/` still works).
    """

    def __init__(
        self,
        case_insensitive: bool,
        trailing_slash: str = "tolerate",
        dispatch: str = "method",
        options: DrfViews | None = None,
        merge_slashes: bool = False,
    ) -> None:
        if trailing_slash not in ("tolerate", "append") or dispatch not in ("method", "path"):
            raise ValueError((trailing_slash, dispatch))
        self._flags = re.IGNORECASE if case_insensitive else 0
        self._trailing_slash = trailing_slash
        self._by_path = dispatch == "path"
        self._options = options
        self._merge_slashes = merge_slashes
        self._routes: list[Route] = []
        self._views: dict[int, Route] = {}  # a DRF route's index -> that route run as its view

    def add(
        self,
        methods: Iterable[str],
        rule: str,
        handler: Callable[..., Any],
        operation_id: str,
        dialect: Any = None,
        locked: bool = True,
    ) -> None:
        methods = frozenset(m.upper() for m in methods)
        if "GET" in methods:
            methods |= {"HEAD"}
        self._routes.append(Route(methods, rule, handler, operation_id, self._compile(rule), dialect, locked))

    def _view(self, index: int) -> Route:
        """The route as it runs: inside its DRF view when `options` covers it."""
        route = self._routes[index]
        if self._options is None or not self._options.covers(route.rule):
            return route
        view = self._views.get(index)
        if view is None:
            methods = frozenset().union(*(r.methods for r in self._routes if r.rule == route.rule))
            handler = partial(self._options.dispatch, view=route.handler, rule=route.rule, methods=methods)
            view = self._views[index] = Route(
                route.methods, route.rule, handler, route.operation_id, route.pattern, route.dialect, route.locked
            )
        return view

    def _compile(self, rule: str) -> re.Pattern[str]:
        parts, position = [], 0
        for placeholder in _PLACEHOLDER.finditer(rule):
            parts.append(re.escape(rule[position : placeholder.start()]))
            parts.append(f"(?P<{placeholder.group(1)}>[^/]+)")
            position = placeholder.end()
        parts.append(re.escape(rule[position:]))
        body = "".join(parts)
        if self._trailing_slash == "tolerate":
            body = body.rstrip("/") + "/?"
        return re.compile(body + r"\Z", self._flags | re.DOTALL)

    def match(self, method: str, path: str, query_string: str = "") -> tuple[Route, dict[str, str]]:
        """The route and its path parameters; raises RouteNotFound, MethodNotAllowed or Redirect."""
        if self._merge_slashes:
            path = _REPEATED_SLASHES.sub("/", path)
        allowed: set[str] = set()
        first: Route | None = None  # the first route whose path matches (in Django, the view)
        for index, route in enumerate(self._routes):
            if self._by_path and first is not None and route.rule != first.rule:
                continue  # Django: that first rule's view answers, whatever the method
            found = route.pattern.match(path)
            if found is None:
                continue
            first = first or route
            if method in route.methods:
                return self._view(index), found.groupdict()
            allowed |= route.methods
        if first is not None:
            if self._options is None or not self._options.covers(first.rule):
                raise MethodNotAllowed(sorted(allowed), method)
            if method != "OPTIONS":
                raise MethodNotAllowed(self._options.allowed(allowed), method)
            answer = partial(self._options.answer, rule=first.rule, methods=frozenset(allowed))
            return Route(frozenset(allowed | {"OPTIONS"}), first.rule, answer, None, first.pattern), {}
        if self._trailing_slash == "append" and not path.endswith("/"):
            if any(route.pattern.match(path + "/") for route in self._routes):
                # escaped as Django's escape_uri_path does: the decoded path may hold a line break
                query = f"?{query_string}" if query_string else ""
                raise Redirect(quote(path, safe="/:@&+$,-_.!~*'()") + "/" + query)
        raise RouteNotFound()

    def __iter__(self) -> Iterator[Route]:
        return iter(self._routes)


@dataclass(frozen=True)
class Target:
    """A carrier request located: the carrier, the namespace, its path as the real API sees it,
    and the URL prefix the client used (so redirects and links keep the client on the mock)."""

    carrier: str
    namespace: str
    path: str
    prefix: str


def check_namespace_name(name: str) -> str:
    """`.` and `..` are refused too: in a base URL (`/ns/../<carrier>`) a client reads them as a path step."""
    if not NAMESPACE_NAME.match(name) or name in (".", ".."):
        raise BadRequest(f"invalid namespace name {name[:80]!r}: use 1-64 of A-Z a-z 0-9 _ . - (not . or ..)")
    return name


def resolve_target(
    path: str, host: str | None, namespace_header: str | None, carrier_names: Iterable[str], hosts: Mapping[str, str]
) -> Target | None:
    """Locate a carrier request from its URL form (prefix, /ns/ prefix, Host); None if it names none."""
    namespace = DEFAULT_NAMESPACE
    carrier = hosts.get((host or "").rsplit(":", 1)[0].lower())
    prefix = ""
    if carrier is None:
        segments = path.split("/", 4)
        if len(segments) > 3 and segments[1] == "ns":
            namespace, name = check_namespace_name(segments[2]), segments[3]
            prefix = f"/ns/{namespace}/{name}"
        else:
            name = segments[1] if len(segments) > 1 else ""
            prefix = f"/{name}"
        if name not in carrier_names:
            return None
        carrier, path = name, path[len(prefix) :] or "/"
    if namespace_header:
        namespace = check_namespace_name(namespace_header)
    return Target(carrier, namespace, path, prefix)
