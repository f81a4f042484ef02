"""Outbound webhooks: subscriptions, the outbox, the dispatcher, signers and retry policies.

A carrier supplies the data (how a delivery is signed, which answers count as success, when to
retry, when to stop) and an envelope, once, on its own definition; its models then emit through
`hub.for_carrier(carrier).emit(event, document)`, and this module does the rest, on the namespace clock:
`advance 5m` makes the retries of those five minutes before it returns. Every delivery ends as
delivered, gave_up or unsubscribed, with every attempt (exact bytes, headers, answer) kept; the
outbox keeps every pending delivery and trims only finished ones beyond its limit, counting them.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import logging
import threading
import time
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Mapping, Protocol

from mock_carriers.core import compact_json
from mock_carriers.core.clock import VirtualClock
from mock_carriers.core.durations import format_instant, parse_duration
from mock_carriers.core.faults import FaultBook
from mock_carriers.core.outbound import Outbound

log = logging.getLogger("mock_carriers.webhooks")

PENDING, DELIVERED, GAVE_UP, UNSUBSCRIBED = "pending", "delivered", "gave_up", "unsubscribed"
HELD_GAP = 1.0  # seconds between the delivery that overtakes and the one held back (real-time posts run in parallel)


def _seconds(params: Mapping[str, Any] | None) -> float:
    return parse_duration(params["by"]).total_seconds() if params else 0.0


def hmac_sha256_hex(secret: str, message: bytes, uppercase: bool = False) -> str:
    digest = hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()
    return digest.upper() if uppercase else digest


@dataclass(frozen=True)
class HeaderSigner:
    """HMAC-SHA256 of the exact body bytes, in a header: `<header>: <prefix><hex>`."""

    header: str
    prefix: str = ""
    uppercase: bool = False

    def headers(self, secret: str | None, body: bytes) -> dict[str, str]:
        if not secret:
            return {}
        return {self.header: self.prefix + hmac_sha256_hex(secret, body, self.uppercase)}


@dataclass(frozen=True)
class RetryPolicy:
    """`delays`: seconds before each retry, counted from the attempt before it. `timeout`: each
    attempt's deadline, connecting and the whole answer. `success`: the statuses that end a delivery
    well (None: any 2xx)."""

    delays: tuple[float, ...]
    unsubscribe_on: frozenset[int] = frozenset()
    timeout: float = 10.0
    success: frozenset[int] | None = None

    @classmethod
    def backoff(cls, first: float, attempts: int, factor: float = 2.0, **options: Any) -> "RetryPolicy":
        """Exponential backoff: `attempts` in all, the first retry `first` seconds after the first try."""
        return cls(tuple(first * factor**n for n in range(max(attempts - 1, 0))), **options)

    def succeeded(self, status: int | None) -> bool:
        if status is None:
            return False
        return status in self.success if self.success is not None else 200 <= status < 300

    def resolve(self, fixtures: Any) -> "RetryPolicy":
        """A fixed policy: the fixtures have no say."""
        return self


def retry_delays(section: Any) -> tuple[float, ...]:
    """The `webhook_retries` fixture section: `{delays: [1m, 5m, ...]}`, seconds before each retry.
    Older fixtures wrote a bare list, `{first_delay, attempts}` (doubling each time) or
    `{every, retries}`; they are still read (deprecated), and win over `delays` in an overlay."""
    if isinstance(section, list):
        return tuple(parse_duration(delay).total_seconds() for delay in section)
    if "attempts" in section:
        first = parse_duration(section["first_delay"]).total_seconds()
        return RetryPolicy.backoff(first, section["attempts"]).delays
    if "every" in section:
        every: tuple[float, ...] = (parse_duration(section["every"]).total_seconds(),) * section["retries"]
        return every
    return tuple(parse_duration(delay).total_seconds() for delay in section["delays"])


@dataclass(frozen=True)
class FixtureRetries:
    """A RetryPolicy whose delays each namespace's fixtures set (their `webhook_retries` section),
    for carriers that publish no schedule."""

    unsubscribe_on: frozenset[int] = frozenset()
    timeout: float = 10.0
    success: frozenset[int] | None = None

    def resolve(self, fixtures: Any) -> RetryPolicy:
        return RetryPolicy(retry_delays(fixtures["webhook_retries"]), self.unsubscribe_on, self.timeout, self.success)


@dataclass
class Subscription:
    id: str
    carrier: str
    url: str
    secret: str | None = None
    filters: tuple[str, ...] = ()  # event types; empty means every event
    headers: dict[str, str] = field(default_factory=dict)
    description: str = ""
    active: bool = True
    owner: str | None = None  # who registered it (an API key, say), for the carrier's own bookkeeping
    scope: tuple[str, ...] = ()  # the scope keys (accounts, say) whose events it gets; empty: all

    def wants(self, event: str, scope_key: str | None) -> bool:
        return (
            self.active and (not self.filters or event in self.filters) and (not self.scope or scope_key in self.scope)
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "carrier": self.carrier,
            "url": self.url,
            "filters": list(self.filters),
            "headers": self.headers,
            "description": self.description,
            "active": self.active,
            "scope": list(self.scope),
        }


@dataclass
class Attempt:
    number: int
    at: float
    body: bytes
    headers: dict[str, str]
    status: int | None = None
    error: str | None = None
    duration_ms: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "at": format_instant(self.at),
            "status": self.status,
            "error": self.error,
            "duration_ms": round(self.duration_ms, 3),
            "headers": self.headers,
            "body": self.body.decode("utf-8", "replace"),
        }


# Builds one attempt's body and headers: (delivery, attempt number, send time) -> (bytes, headers).
Envelope = Callable[["Delivery", int, float], tuple[bytes, dict[str, str]]]


class CarrierEnvelope(Protocol):
    """How a carrier wraps its documents. `seal` runs when the event happens and gives what every
    attempt of the delivery keeps (ids drawn then, bytes frozen then); `attempt` gives one attempt's
    exact bytes and headers."""

    def seal(self, document: Any, random_bits: Callable[[int], int]) -> Any: ...

    def attempt(self, delivery: "Delivery", number: int, sent_at: float) -> tuple[bytes, dict[str, str]]: ...


@dataclass(frozen=True)
class JsonEnvelope:
    """The default envelope: the document itself as compact JSON, encoded when the event happens
    (what changes later does not change a retry), the same bytes on every attempt, unsigned."""

    content_type: str = "application/json"

    def seal(self, document: Any, random_bits: Callable[[int], int]) -> bytes:
        return compact_json.encode(document)

    def attempt(self, delivery: "Delivery", number: int, sent_at: float) -> tuple[bytes, dict[str, str]]:
        return delivery.payload, {"Content-Type": self.content_type}


class WebhookSpec(Protocol):
    """What emitting needs of a carrier (see carriers/base.py)."""

    name: str
    webhook_envelope: CarrierEnvelope
    webhook_policy: RetryPolicy | FixtureRetries


@dataclass
class Delivery:
    id: str
    carrier: str
    event: str
    payload: Any
    subscription: Subscription
    envelope: Envelope
    policy: RetryPolicy
    state: str = PENDING
    attempts: list[Attempt] = field(default_factory=list)
    next_attempt_at: float | None = None
    faults: list[str] = field(default_factory=list)  # the webhook fault effects applied to it
    forged: bool = False  # bad_signature: signed with the wrong secret, the subscription's headers spoiled
    stale_by: float = 0.0  # stale_timestamp: the envelope is stamped this many seconds early
    started: bool = False
    redelivery_of: str | None = None  # the delivery this one sends again (the admin API's redeliver)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "carrier": self.carrier,
            "event": self.event,
            "url": self.subscription.url,
            "subscription": self.subscription.id,
            "state": self.state,
            "next_attempt_at": format_instant(self.next_attempt_at) if self.next_attempt_at else None,
            "faults": self.faults,
            "attempts": [attempt.to_dict() for attempt in self.attempts],
            "retry_delays": list(self.policy.delays),
            "redelivery_of": self.redelivery_of,
        }


class WebhookHub:
    """The subscriptions and outbox of one namespace."""

    def __init__(
        self,
        clock: VirtualClock,
        outbox_limit: int,
        outbound: Outbound | None = None,
        faults: FaultBook | None = None,
        fixtures: Callable[[Any], Any] | None = None,
        random_bits: Callable[[int], int] | None = None,
    ) -> None:
        self._clock = clock
        self._fixtures = fixtures  # carrier -> its fixtures in this namespace (for its retry policy)
        self._random_bits = random_bits  # the namespace's seeded draws (ids in envelopes)
        self._subscriptions: dict[str, Subscription] = {}
        self._outbox: list[Delivery] = []  # oldest first
        self._outbox_limit = outbox_limit
        self._finished = 0  # deliveries in the outbox that have ended: the only ones it may trim
        self._trimmed = 0
        self._ids = itertools.count(1)
        self._lock = threading.RLock()
        self._outbound = outbound or Outbound()
        self._faults = faults
        self._held: dict[str, list[Delivery]] = {}  # subscription -> deliveries waiting to arrive out of order

    def subscribe(
        self,
        carrier: str,
        url: str,
        secret: str | None = None,
        filters: tuple[str, ...] = (),
        headers: Mapping[str, str] | None = None,
        description: str = "",
        active: bool = True,
        owner: str | None = None,
        scope: tuple[str, ...] = (),
    ) -> Subscription:
        with self._lock:
            subscription = Subscription(
                f"sub_{next(self._ids)}",
                carrier,
                url,
                secret,
                tuple(filters),
                dict(headers or {}),
                description,
                active,
                owner,
                tuple(scope),
            )
            self._subscriptions[subscription.id] = subscription
            return subscription

    def set_active(self, carrier: str, owner: str, active: bool) -> int:
        """Activate or pause every subscription `owner` registered; answers how many."""
        with self._lock:
            owned = [s for s in self._subscriptions.values() if s.carrier == carrier and s.owner == owner]
            for subscription in owned:
                subscription.active = active
            return len(owned)

    def subscriptions(self, carrier: str | None = None) -> list[Subscription]:
        with self._lock:
            return [s for s in self._subscriptions.values() if carrier is None or s.carrier == carrier]

    def deliveries(self, carrier: str | None = None) -> list[Delivery]:
        with self._lock:
            return [d for d in self._outbox if carrier is None or d.carrier == carrier]

    @property
    def trimmed(self) -> int:
        """How many finished deliveries left the outbox to keep it within its limit."""
        return self._trimmed

    def for_carrier(self, carrier: WebhookSpec) -> "CarrierWebhooks":
        """The emitter a carrier's model calls: its name, envelope and retry policy bound once."""
        fixtures = self._fixtures(carrier) if self._fixtures is not None else None
        return CarrierWebhooks(
            self, carrier.name, carrier.webhook_envelope, carrier.webhook_policy.resolve(fixtures), self._random_bits
        )

    def emit(
        self,
        carrier: str,
        event: str,
        payload: Any,
        envelope: Envelope,
        policy: RetryPolicy,
        scope_key: str | None = None,
    ) -> list[Delivery]:
        """One delivery per active subscription that wants `event`, first attempt right away
        (on the scheduler, never on the request thread)."""
        created, now = [], self._clock.timestamp()
        with self._lock:
            for subscription in self._subscriptions.values():
                if not (subscription.carrier == carrier and subscription.wants(event, scope_key)):
                    continue
                rules = self._faults.decide_delivery(carrier, event) if self._faults is not None else []
                effects = {rule.effect: rule.params for rule in rules}
                for _ in range(2 if "duplicate" in effects else 1):
                    delivery = Delivery(
                        f"dlv_{next(self._ids)}",
                        carrier,
                        event,
                        payload,
                        subscription,
                        envelope,
                        policy,
                        faults=list(effects),
                        forged="bad_signature" in effects,
                        stale_by=_seconds(effects.get("stale_timestamp")),
                    )
                    self._outbox.append(delivery)
                    created.append((delivery, effects))
            self._trim()
            for delivery, effects in created:  # under the lock: `_held` is shared by every emitting thread
                if "out_of_order" in effects:  # waits for the subscription's next delivery to go first
                    self._held.setdefault(delivery.subscription.id, []).append(delivery)
                    self._start_at(delivery, now + _seconds(effects["out_of_order"]))
                    continue
                when = now + _seconds(effects.get("delay"))
                self._start_at(delivery, when)
                for held in self._held.pop(delivery.subscription.id, []):
                    self._start_at(held, when + HELD_GAP)
        return [delivery for delivery, _ in created]

    def redeliver(self, delivery_id: str) -> Delivery | None:
        """Send a delivery's event again to its subscription, as a new delivery: the same sealed
        payload (so the same event id), attempts counted afresh, no webhook faults, the first attempt
        right away. None if the outbox has no such delivery (never made, or trimmed)."""
        with self._lock:
            original = next((d for d in self._outbox if d.id == delivery_id), None)
            if original is None:
                return None
            delivery = Delivery(
                f"dlv_{next(self._ids)}",
                original.carrier,
                original.event,
                original.payload,
                original.subscription,
                original.envelope,
                original.policy,
                redelivery_of=original.id,
            )
            self._outbox.append(delivery)
            self._trim()
            self._start_at(delivery, self._clock.timestamp())
        return delivery

    def _start_at(self, delivery: Delivery, when: float) -> None:
        """The first attempt at `when`, once, however many times it is planned."""

        def first() -> None:
            if not delivery.started:
                delivery.started = True
                self.attempt(delivery)

        delivery.next_attempt_at = when
        self._clock.call_at(when, first)

    def _schedule(self, delivery: Delivery, when: float) -> None:
        delivery.next_attempt_at = when
        self._clock.call_at(when, lambda: self.attempt(delivery))

    def attempt(self, delivery: Delivery) -> None:
        """POST one attempt and decide what comes next: done, retry later, or give up."""
        if delivery.state != PENDING:
            return
        if not delivery.subscription.active:
            self._finish(delivery, UNSUBSCRIBED)
            return
        number = len(delivery.attempts) + 1
        sent_at = self._clock.timestamp()
        signed = (
            replace(
                delivery,
                subscription=replace(delivery.subscription, secret=(delivery.subscription.secret or "") + "-forged"),
            )
            if delivery.forged
            else delivery
        )
        body, headers = delivery.envelope(signed, number, sent_at - delivery.stale_by)
        custom = delivery.subscription.headers
        if delivery.forged:  # a forger knows neither the secret nor the receiver's own credentials
            custom = {name: f"{value}-forged" for name, value in custom.items()}
        headers = {**headers, **custom}
        attempt = Attempt(number, sent_at, body, headers)
        delivery.attempts.append(attempt)
        started = time.perf_counter()
        try:
            attempt.status = self._outbound.request(
                "POST", delivery.subscription.url, body, headers, delivery.policy.timeout
            ).status
        except Exception as exc:  # a dead or misbehaving receiver is an outcome, not a crash
            attempt.error = f"{type(exc).__name__}: {exc}"
        attempt.duration_ms = (time.perf_counter() - started) * 1000
        self._decide(delivery, attempt)

    def _decide(self, delivery: Delivery, attempt: Attempt) -> None:
        policy = delivery.policy
        if policy.succeeded(attempt.status):
            self._finish(delivery, DELIVERED)
        elif attempt.status in policy.unsubscribe_on:
            delivery.subscription.active = False
            self._finish(delivery, UNSUBSCRIBED)
        elif attempt.number <= len(policy.delays):  # counted from the attempt's start: a fixed schedule
            self._schedule(delivery, attempt.at + policy.delays[attempt.number - 1])
        else:
            self._finish(delivery, GAVE_UP)
            log.info(
                "webhook %s to %s gave up after %d attempts", delivery.id, delivery.subscription.url, attempt.number
            )

    def _finish(self, delivery: Delivery, state: str) -> None:
        with self._lock:
            delivery.state, delivery.next_attempt_at = state, None
            self._finished += 1
            self._trim()

    def _trim(self) -> None:
        """Beyond the limit, the oldest finished deliveries go (counted); a pending one never does."""
        excess = min(len(self._outbox) - self._outbox_limit, self._finished)
        if excess <= 0:
            return
        kept = []
        for delivery in self._outbox:
            if excess and delivery.state != PENDING:
                excess -= 1
                self._finished -= 1
                self._trimmed += 1
            else:
                kept.append(delivery)
        self._outbox = kept


@dataclass(frozen=True)
class CarrierWebhooks:
    """One carrier's webhooks in one namespace: `emit(event, document)` wraps the document in the
    carrier's envelope and sends it to every subscription of that carrier that wants the event."""

    hub: WebhookHub
    carrier: str
    envelope: CarrierEnvelope
    policy: RetryPolicy
    random_bits: Callable[[int], int] | None = None

    def emit(self, event: str, document: Any, scope: str | None = None) -> list[Delivery]:
        """`scope`: the key (an account, say) a subscription's scope must hold to get the event."""
        payload = self.envelope.seal(document, self._draw)
        return self.hub.emit(self.carrier, event, payload, self.envelope.attempt, self.policy, scope_key=scope)

    def _draw(self, bits: int) -> int:
        if self.random_bits is None:
            raise RuntimeError("this hub draws no random bits: give it the namespace's")
        return self.random_bits(bits)
