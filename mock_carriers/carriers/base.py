"""What a carrier is to the platform: its routes, error dialect, fixtures and token policy.

A carrier package exposes one `CARRIER`; everything mechanical (tokens, clock, routing, error
rendering, journal) comes from core/ and is configured here, never re-written per carrier.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Callable, Mapping

from flask import Request

from mock_carriers.core.clock import VirtualClock
from mock_carriers.core.cors import CorsPolicy
from mock_carriers.core.credentials import Credentials, authorization
from mock_carriers.core.errors import BadRequest, CarrierError, ErrorDialect
from mock_carriers.core.fixtures import CrossCheck
from mock_carriers.core.links import external_url
from mock_carriers.core.namespaces import Namespace
from mock_carriers.core.routing import RouteTable, Target
from mock_carriers.core.tokens import TokenAuthority
from mock_carriers.core.webhooks import CarrierEnvelope, FixtureRetries, JsonEnvelope, RetryPolicy

CARRIER_NAME = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*\Z")  # its URL segment and file names
RETRY_AFTER_FORMATS = ("seconds", "http-date")


@dataclass
class Carrier:
    """One carrier's configuration of core, checked when its package is imported.

    Required: `name` (matches CARRIER_NAME, as in its registry entry and file names), `routes` (a
    non-empty RouteTable), `dialect` (an ErrorDialect), `model_factory` and `describe` (callables).
    Every other field is optional, with the default shown.
    A missing field is Python's TypeError; a wrong one is a TypeError or ValueError naming the
    carrier and the field, so a new carrier fails at import rather than on its first request.
    """

    name: str
    routes: RouteTable
    dialect: ErrorDialect
    # (fixtures, namespace) -> the carrier's state; (fixtures, namespace, webhooks) if it sends webhooks
    model_factory: Callable[..., Any]
    describe: Callable[[Any], dict]  # fixtures -> {"credentials": ..., "references": ...}
    # its fixtures' JSON Schema; None: the `fixture_schema.yaml` of its package, set as the registry loads it
    fixture_schema_path: Path | None = None
    token_lifetime: float | None = None  # seconds; None: tokens live until expired or revoked
    webhook_events: tuple[str, ...] = ()  # the event types it sends; empty: it sends no webhooks
    webhook_envelope: CarrierEnvelope = JsonEnvelope()  # how each delivery is wrapped, signed and encoded
    # when it retries: fixed, or set by the fixtures' `webhook_retries` section
    webhook_policy: RetryPolicy | FixtureRetries = FixtureRetries()
    check_fixtures: CrossCheck | None = None  # checks its fixture schema cannot express
    # fixtures -> [(token, client)] handed out by hand
    fixed_tokens: Callable[[Any], list[tuple[str, str]]] | None = None
    business_error: Callable[[str | None], CarrierError] = BadRequest  # its typical refusal (the carrier_error fault)
    retry_after_format: str = "seconds"  # how its 429s write Retry-After: "seconds" or "http-date"
    cors: CorsPolicy | None = None  # how it answers browsers from other origins; None: it does not
    # the tokens a request presents, where its clients send them (token faults and quotas act on them)
    credentials: Credentials = authorization("Bearer", "Token")

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not CARRIER_NAME.match(self.name):
            raise ValueError(
                f"Carrier {self.name!r}: field 'name' must be lower-case letters, digits and "
                "single hyphens, starting with a letter"
            )
        self._expect("routes", isinstance(self.routes, RouteTable), "a RouteTable")
        if not any(True for _ in self.routes):
            raise ValueError(f"Carrier {self.name!r}: field 'routes' has no routes")
        self._expect("dialect", isinstance(self.dialect, ErrorDialect), "an ErrorDialect")
        for name in ("model_factory", "describe", "business_error"):
            self._expect(name, callable(getattr(self, name)), "callable")
        for name in ("check_fixtures", "fixed_tokens"):
            self._expect(name, getattr(self, name) is None or callable(getattr(self, name)), "None or callable")
        if self.fixture_schema_path is not None:
            self._expect("fixture_schema_path", isinstance(self.fixture_schema_path, Path), "None or a Path")
            self._expect_file("fixture_schema_path")
        lifetime = self.token_lifetime
        self._expect(
            "token_lifetime",
            lifetime is None or (isinstance(lifetime, (int, float)) and not isinstance(lifetime, bool)),
            "None or seconds",
        )
        if lifetime is not None and not lifetime > 0:
            raise ValueError(f"Carrier {self.name!r}: field 'token_lifetime' must be above 0, not {lifetime!r}")
        self._expect(
            "webhook_events",
            isinstance(self.webhook_events, tuple) and all(isinstance(event, str) for event in self.webhook_events),
            "a tuple of str",
        )
        if self.retry_after_format not in RETRY_AFTER_FORMATS:
            raise ValueError(
                f"Carrier {self.name!r}: field 'retry_after_format' must be one of "
                f"{', '.join(RETRY_AFTER_FORMATS)}, not {self.retry_after_format!r}"
            )
        self._expect("cors", self.cors is None or isinstance(self.cors, CorsPolicy), "None or a CorsPolicy")

    def in_package(self, folder: Path) -> Carrier:
        """Itself, with what it leaves to its package's files found in `folder` (checked)."""
        if self.fixture_schema_path is None:
            self.fixture_schema_path = folder / "fixture_schema.yaml"
            self._expect_file("fixture_schema_path")
        return self

    def _expect_file(self, field_name: str) -> None:
        if not getattr(self, field_name).is_file():
            raise ValueError(f"Carrier {self.name!r}: field {field_name!r}: no file at {getattr(self, field_name)}")

    def _expect(self, field_name: str, ok: bool, what: str) -> None:
        if not ok:
            value = getattr(self, field_name)
            raise TypeError(
                f"Carrier {self.name!r}: field {field_name!r} must be {what}, not {type(value).__name__} {value!r:.60}"
            )

    def create_model(self, fixtures: Any, namespace: Namespace) -> Any:
        if self.webhook_events:  # its model emits through the namespace's hub, bound to this carrier
            return self.model_factory(fixtures, namespace, namespace.webhooks.for_carrier(self))
        return self.model_factory(fixtures, namespace)

    def preissued_tokens(self, fixtures: Any) -> list[tuple[str, str]]:
        return self.fixed_tokens(fixtures) if self.fixed_tokens else []


def first(section: Mapping[str, Any]) -> tuple[str, Any]:
    """The first entry of a fixtures section, (key, value): the client a namespace document shows."""
    return next(iter(section.items()))


def described(fixtures: Any, credentials: dict[str, Any], references: Mapping[str, str] | None = None) -> dict:
    """What a carrier's `describe` answers: the credentials its clients use, and the fixtures' magic
    references (with those the carrier works out itself, `references`)."""
    return {"credentials": credentials, "references": {**fixtures["references"], **(references or {})}}


def tokens_of(section: str) -> Callable[[Any], list[tuple[str, str]]]:
    """`fixed_tokens` for fixtures that list each client's API tokens, `{section: {client: {tokens: [...]}}}`:
    keys made in the carrier's own app, there from the start and valid until revoked."""
    return lambda fixtures: [(token, client) for client, data in fixtures[section].items() for token in data["tokens"]]


@dataclass
class RequestContext:
    """What a route handler gets: the HTTP request and the namespace it acts in."""

    request: Request
    carrier: Carrier
    namespace: Namespace
    target: Target

    @property
    def model(self) -> Any:
        return self.namespace.model(self.carrier)

    @property
    def base_url(self) -> str:
        """The carrier's root as this client reached it, for links that must lead back to the mock."""
        return external_url(self.request, self.target.prefix)

    @property
    def url(self) -> str:
        """This request's own URL as the client reached it, without the query (pagination links)."""
        return external_url(self.request, self.request.path)

    @property
    def tokens(self) -> TokenAuthority:
        return self.namespace.tokens(self.carrier)

    @property
    def clock(self) -> VirtualClock:
        return self.namespace.clock


@dataclass(frozen=True)
class CarrierEntry:
    """A carrier known by name and hosts before its code is imported (imports are lazy)."""

    name: str
    package: str  # folder under carriers/
    hosts: tuple[str, ...] = ()


@dataclass
class CarrierRegistry:
    entries: tuple[CarrierEntry, ...]
    _loaded: dict[str, Carrier] = field(default_factory=dict)

    @cached_property  # read on every request; the registry never changes
    def names(self) -> tuple[str, ...]:
        return tuple(entry.name for entry in self.entries)

    @cached_property
    def hosts(self) -> dict[str, str]:
        return {host: entry.name for entry in self.entries for host in entry.hosts}

    def entry(self, name: str) -> CarrierEntry:
        return next(entry for entry in self.entries if entry.name == name)

    def load(self, name: str) -> Carrier:
        carrier = self._loaded.get(name)
        if carrier is None:
            module = importlib.import_module(f"mock_carriers.carriers.{self.entry(name).package}")
            assert module.__file__, f"{module.__name__} has an __init__.py, which declares its CARRIER"
            carrier = self._loaded.setdefault(name, module.CARRIER.in_package(Path(module.__file__).parent))
        return carrier
