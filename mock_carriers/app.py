"""create_app: the Flask application factory that mounts every carrier and the admin API."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from flask import Flask, request
from werkzeug.exceptions import HTTPException
from werkzeug.routing import PathConverter, Rule
from werkzeug.wrappers import Response

from mock_carriers import pipeline
from mock_carriers.admin import dashboard
from mock_carriers.admin.api import admin
from mock_carriers.carriers import CARRIERS
from mock_carriers.core.contracts.loading import contract_book
from mock_carriers.core.errors import CarrierError, HttpError, Internal
from mock_carriers.core.fixtures import FixtureStore
from mock_carriers.core.forwarded import ForwardedHeaders, TrustedPeers
from mock_carriers.core.namespaces import NamespaceRegistry
from mock_carriers.resources import data_dir
from mock_carriers.settings import Settings
from mock_carriers.state import AppState

ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
MAX_BODY_BYTES = 10 * 1024 * 1024
ADMIN_DIALECT = pipeline.ADMIN_DIALECT


class CarrierPath(PathConverter):
    """Any path but the admin API's, so a wrong method on an admin route is its 405, not a 404."""

    regex = r"(?!__admin(?:/|$))[^/](?s:.*?)"


UrlBuilder = Callable[..., tuple[str, str]]  # werkzeug's compiled (domain, path) builder of one rule


class ReusedBuilderRule(Rule):
    """A rule whose URL builders are compiled once per process, not once per app: werkzeug compiles
    two Python functions for every rule it binds, which was nine tenths of create_app (an app per
    test, in a test suite). A builder depends only on the rule's parsed parts and its defaults, and
    reaches the rule's own converters through the rule it is bound to, so apps can share it. The hook
    is werkzeug's internal `_compile_builder`: where a werkzeug has none, rules compile as before."""

    _builders: ClassVar[dict[tuple[str, bool, tuple[tuple[bool, str], ...]], UrlBuilder]] = {}

    def _compile_builder(self, append_unknown: bool = True, *more: Any, **options: Any) -> UrlBuilder:
        trace = getattr(self, "_trace", None)
        # a default may go through a converter of this map; arguments a later werkzeug may add are not in the key
        if self.defaults or trace is None or more or options:
            return super()._compile_builder(append_unknown, *more, **options)
        key = (self.rule, append_unknown, tuple(trace))
        builder = self._builders.get(key)
        if builder is None:
            builder = self._builders[key] = super()._compile_builder(append_unknown)
        return builder


class _App(Flask):
    url_rule_class = ReusedBuilderRule  # for the routes Flask adds itself too (its static files')


def create_app(settings: Settings | None = None) -> Flask:
    """A ready app; raises FixtureError (or ContractError) if a file under settings.fixtures_dir (or
    settings.contracts_dir) is wrong."""
    settings = settings or Settings()
    try:
        peers = TrustedPeers.parse(settings.trust_forwarded)
    except ValueError as error:
        raise ValueError(f"trust_forwarded (--trust-forwarded, MOCK_CARRIERS_TRUST_FORWARDED): {error}") from None
    store = FixtureStore(data_dir("fixtures"), settings.fixtures_dir)
    state = AppState(
        settings,
        CARRIERS,
        store,
        NamespaceRegistry(
            store,
            settings.seed,
            settings.journal_limit,
            settings.max_namespaces,
            settings.namespace_idle_seconds,
            settings.journal_body_limit,
        ),
        hosts=CARRIERS.hosts,
    )
    for entry in CARRIERS.entries:  # a user's own fixture files are checked now, not on first use
        if store.is_overridden(entry.name):
            store.get(CARRIERS.load(entry.name))
    if settings.contracts_dir is not None:  # and so are their own contracts
        contract_book(data_dir("contracts"), settings.contracts_dir)
    if settings.strict:  # a strict server checks every request: each contract must load before it serves
        for entry in CARRIERS.entries:
            state.contracts.contract(entry.name)

    app = _App("mock_carriers")
    # before anything reads the scheme or Host (Flask's documented way to add WSGI middleware)
    app.wsgi_app = ForwardedHeaders(app.wsgi_app, peers)  # type: ignore[method-assign]
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    app.config["PROVIDE_AUTOMATIC_OPTIONS"] = False  # OPTIONS on an admin route is its 405, not HTML
    app.url_map.merge_slashes = False
    app.url_map.strict_slashes = False
    app.url_map.converters["carrier_path"] = CarrierPath
    app.extensions["mock_carriers"] = state
    app.register_blueprint(admin, url_prefix="/__admin")
    dashboard.mount(app)  # its routes only: the dashboard itself is imported when first opened

    def carrier_gateway(path: str = "") -> Response:
        return pipeline.handle(state, request)

    @app.before_request
    def other_methods() -> Response | None:
        """TRACE, PROPFIND and any other method no route lists reach the carrier, which answers
        its own 405 with Allow (and the journal records them)."""
        if request.method not in ALL_METHODS and not request.path.startswith("/__admin"):
            return pipeline.handle(state, request)
        return None

    for rule in ("/", "/<carrier_path:path>"):
        app.add_url_rule(rule, "carrier_gateway", carrier_gateway, methods=ALL_METHODS, provide_automatic_options=False)

    @app.errorhandler(HTTPException)
    def framework_error(error: HTTPException) -> Response:
        """Werkzeug's own 404/405/400 (admin routes) as JSON, never its HTML page."""
        code = (error.name or "error").lower().replace(" ", "_")
        return ADMIN_DIALECT.render(HttpError(error.code or 500, code, error.description), "")

    @app.errorhandler(CarrierError)
    def admin_error(error: CarrierError) -> Response:
        return ADMIN_DIALECT.render(error, "")

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception) -> Response:
        app.logger.exception("unhandled error on %s %s", request.method, request.path)
        return ADMIN_DIALECT.render(Internal("internal error; see the server log"), "")

    return app
