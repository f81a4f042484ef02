"""Namespaces: isolated worlds, one per test, so tests in parallel never see each other.

A namespace holds everything a test can change: each carrier's model state, tokens, clock,
journal and RNG. It is created lazily from the shared, read-only fixtures on first use and reset
by dropping it, which costs the same whatever it holds.
"""

from __future__ import annotations

import logging
import math
import random
import threading
import time
import weakref
from collections import OrderedDict
from typing import Any, Callable, Literal, Protocol, overload

from mock_carriers.core.clock import Scheduler, VirtualClock
from mock_carriers.core.errors import Unavailable
from mock_carriers.core.faults import FaultBook
from mock_carriers.core.fixtures import FixtureSpec, FixtureStore
from mock_carriers.core.journal import DEFAULT_BODY_LIMIT, Journal
from mock_carriers.core.outbound import Outbound
from mock_carriers.core.routing import DEFAULT_NAMESPACE
from mock_carriers.core.timelines import Timelines
from mock_carriers.core.tokens import TokenAuthority
from mock_carriers.core.webhooks import WebhookHub

log = logging.getLogger("mock_carriers.namespaces")


class CarrierSpec(FixtureSpec, Protocol):
    """What a namespace needs of a carrier to build its state (see carriers/base.py)."""

    token_lifetime: float | None

    def create_model(self, fixtures: Any, namespace: "Namespace") -> Any: ...

    def preissued_tokens(self, fixtures: Any) -> list[tuple[str, str]]: ...


class Namespace:
    def __init__(
        self,
        name: str,
        seed: int,
        journal_limit: int,
        fixtures: Callable[[CarrierSpec], Any],
        overlays: dict[str, Any] | None = None,
        scheduler: Scheduler | None = None,
        strict: bool | None = None,
        journal_body_limit: int = DEFAULT_BODY_LIMIT,
    ) -> None:
        self.name = name
        self.seed = seed
        self.strict = strict  # check requests against the contracts; None: as the server says
        self.clock = VirtualClock(on_timer=scheduler.watch if scheduler else None)
        self.started_at = self.clock.now()
        self.created_at = time.time()
        self.last_used = time.monotonic()  # kept by the registry: an idle namespace may make room for another
        self.rng = random.Random(seed)
        self._trace_rng = random.Random(f"trace:{seed}")  # errors must not shift the ids the models draw
        self.lock = threading.RLock()
        self.timelines = Timelines(self.clock, self.lock)  # objects' steps falling due, under the lock
        self.journal = Journal(journal_limit, journal_body_limit)
        self.faults = FaultBook(seed)
        self.outbound = Outbound()  # every request the namespace sends: cut when it is dropped
        this = weakref.proxy(self)  # the hub's callbacks must not keep the namespace alive (see `model`)
        self.webhooks = WebhookHub(
            self.clock,
            outbox_limit=journal_limit,
            outbound=self.outbound,
            faults=self.faults,
            fixtures=lambda carrier: this.fixtures(carrier),
            random_bits=lambda bits: this.random_bits(bits),
        )
        self.overlays = dict(overlays or {})  # carrier -> fixtures already merged and checked
        self._base_fixtures = fixtures
        self._models: dict[str, Any] = {}
        self._tokens: dict[str, TokenAuthority] = {}

    def fixtures(self, carrier: CarrierSpec) -> Any:
        return self.overlays.get(carrier.name) or self._base_fixtures(carrier)

    def model(self, carrier: CarrierSpec) -> Any:
        model = self._models.get(carrier.name)
        if model is None:
            with self.lock:
                model = self._models.get(carrier.name)
                if model is None:
                    # the model and its callbacks get a weak proxy: holding the namespace itself
                    # would make a cycle, and a dropped namespace (and every body in its journal)
                    # would live on until the cycle collector ran
                    model = carrier.create_model(self.fixtures(carrier), weakref.proxy(self))
                    self._models[carrier.name] = model
        return model

    def tokens(self, carrier: CarrierSpec) -> TokenAuthority:
        authority = self._tokens.get(carrier.name)
        if authority is None:
            with self.lock:
                authority = self._tokens.get(carrier.name)
                if authority is None:
                    authority = TokenAuthority(self.clock, carrier.token_lifetime)
                    for value, client_id in carrier.preissued_tokens(self.fixtures(carrier)):
                        authority.issue(client_id, value=value)
                    self._tokens[carrier.name] = authority
        return authority

    def random_bits(self, bits: int) -> int:
        """The next `bits` of the namespace's seeded sequence (the one the models draw ids from)."""
        with self.lock:
            return self.rng.getrandbits(bits)

    def trace_id(self) -> str:
        """A W3C trace id (as ASP.NET Core puts in ProblemDetails), seeded like everything else but
        from its own sequence, so a failed request leaves the next order number where it was."""
        with self.lock:
            return f"00-{self._trace_rng.getrandbits(128):032x}-{self._trace_rng.getrandbits(64):016x}-00"


class NamespacesFull(Unavailable):
    """No namespace can be made now: the cap is reached and every namespace is in use."""

    code = "namespaces_full"

    def __init__(self, capacity: int, idle_seconds: float, retry_after: int) -> None:
        super().__init__(
            503,
            f"every one of the {capacity} live namespaces is in use (none idle for "
            f"{idle_seconds:g} s): drop finished namespaces, or retry in {retry_after} s",
        )
        self.headers["Retry-After"] = str(retry_after)


class NamespaceRegistry:
    """The live namespaces, least recently used first. Capped so a server running for days stays
    small, yet a namespace in use is never dropped under a test's feet: only one unused for
    `idle_seconds` makes room, and past the cap with none idle a new one is refused. `default`
    (always there) and pinned namespaces are never dropped and do not count against the cap."""

    def __init__(
        self,
        store: FixtureStore,
        seed: int,
        journal_limit: int,
        capacity: int,
        idle_seconds: float = 300.0,
        journal_body_limit: int = DEFAULT_BODY_LIMIT,
    ) -> None:
        self._scheduler = Scheduler()
        self._store = store
        self._seed = seed
        self._journal_limit = journal_limit
        self._journal_body_limit = journal_body_limit
        self._capacity = capacity
        self._idle_seconds = idle_seconds
        self._pinned = {DEFAULT_NAMESPACE}
        self._live: OrderedDict[str, Namespace] = OrderedDict({DEFAULT_NAMESPACE: self._new(DEFAULT_NAMESPACE)})
        self._lock = threading.Lock()

    def _base_fixtures(self, carrier: CarrierSpec) -> Any:
        return self._store.get(carrier)

    def _new(
        self, name: str, seed: int | None = None, overlays: dict[str, Any] | None = None, strict: bool | None = None
    ) -> Namespace:
        return Namespace(
            name,
            self._seed if seed is None else seed,
            self._journal_limit,
            self._base_fixtures,
            overlays,
            self._scheduler,
            strict,
            self._journal_body_limit,
        )

    def pin(self, name: str) -> None:
        """Never drop `name` to make room (a start-up scenario's namespace); it still resets when asked."""
        with self._lock:
            self._pinned.add(name)

    @overload
    def get(self, name: str, create: Literal[True] = True) -> Namespace: ...
    @overload
    def get(self, name: str, create: bool) -> Namespace | None: ...
    def get(self, name: str, create: bool = True) -> Namespace | None:
        """The live namespace `name`, now in use; created if need be (NamespacesFull if there is no room)."""
        with self._lock:
            namespace = self._live.get(name)
            if namespace is not None:
                self._live.move_to_end(name)
                namespace.last_used = time.monotonic()
                return namespace
            if not create:
                return None
            evicted = self._make_room(name)
            namespace = self._live[name] = self._new(name)
        _dispose(evicted)
        return namespace

    def replace(self, name: str, seed: int | None, overlays: dict[str, Any], strict: bool | None = None) -> Namespace:
        """A new world under `name`; strict mode stays as it was unless `strict` is given, since it
        belongs to the test using the namespace, not to the world in it."""
        namespace = self._new(name, seed, overlays, strict)
        with self._lock:
            doomed = self._live.pop(name, None)
            evicted = self._make_room(name) if doomed is None else []
            if strict is None and doomed is not None:
                namespace.strict = doomed.strict
            self._live[name] = namespace
        _dispose([doomed, *evicted])
        return namespace

    def _make_room(self, name: str) -> list[Namespace]:
        """Before `name` (not live) is added, under the lock: the namespace dropped for it, if any."""
        counted = len(self._live) - sum(pinned in self._live for pinned in self._pinned)
        if name in self._pinned or counted < self._capacity:
            return []
        oldest = next(namespace for key, namespace in self._live.items() if key not in self._pinned)
        idle = time.monotonic() - oldest.last_used
        if idle < self._idle_seconds:  # the least recently used is busy, so every other one is too
            raise NamespacesFull(self._capacity, self._idle_seconds, max(1, math.ceil(self._idle_seconds - idle)))
        del self._live[oldest.name]
        log.warning(
            "namespace %r dropped: more than %d live namespaces (the least recently used, idle %.0f s, goes first)",
            oldest.name,
            self._capacity,
            idle,
        )
        return [oldest]

    def drop(self, name: str) -> bool:
        """Reset `name`; `default` starts again at once, as it always exists."""
        with self._lock:
            doomed = self._live.pop(name, None)
            if name == DEFAULT_NAMESPACE:
                self._live[name] = self._new(name)
        _dispose([doomed])
        return doomed is not None

    def clear(self) -> int:
        """Reset every namespace; the count includes `default`, which starts again at once."""
        with self._lock:
            dropped = list(self._live.values())
            self._live = OrderedDict({DEFAULT_NAMESPACE: self._new(DEFAULT_NAMESPACE)})
        _dispose(dropped)
        return len(dropped)

    def live(self) -> list[Namespace]:
        with self._lock:
            return list(self._live.values())

    def close(self) -> None:
        """Drop every namespace and stop the timer thread: what a stopping server does."""
        with self._lock:
            dropped, self._live = list(self._live.values()), OrderedDict()
        _dispose(dropped)
        self._scheduler.stop()


_DISPOSE_DELAY = 0.05  # seconds: lets the reset's own response go out before the freeing starts


def _dispose(doomed: list[Namespace] | list[Namespace | None]) -> None:
    """Stop dropped namespaces' timers and cut their requests in flight (no webhook of a reset
    world goes out, no socket of it stays open), then free them on a timer thread, so a reset
    costs the caller O(1) instead of the time to deallocate every token and journal entry they
    held (which holds the GIL). The caller hands over the only references it has (the list), so
    they die on that thread."""
    for namespace in doomed:
        if namespace is not None:
            namespace.clock.close()
            namespace.timelines.close()
            namespace.outbound.close()
    if any(namespace is not None for namespace in doomed):
        timer = threading.Timer(_DISPOSE_DELAY, doomed.clear)
        timer.daemon = True
        timer.start()
