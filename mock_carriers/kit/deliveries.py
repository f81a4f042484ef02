"""Webhook deliveries the kit sends a `receive-webhooks` driver: genuine, forged, stale, repeated
or out of order, each built by the carrier's own envelope, so its bytes and signature are exactly
what the mock sends a subscriber with that secret.

The events come from the mock itself: a private in-process app (no server, no network) plays one
day of the carrier's fixtures with a subscription nobody listens on, and keeps what each event
sealed (its id and document). A run then seals nothing anew: it stamps and signs those events
for the driver's secret, at the time it sends them.
"""

from __future__ import annotations

import hashlib
import json
import socket
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable

import requests

from mock_carriers.core.webhooks import Delivery, FixtureRetries, RetryPolicy, Subscription

PLAY = "1d"  # how much of the fixtures' future the events are drawn from


@dataclass(frozen=True)
class Sealed:
    """One event as the carrier sealed it when it happened, with the carrier's attempt builder."""

    carrier: str
    event: str
    payload: Any
    attempt: Callable[[Delivery, int, float], tuple[bytes, dict[str, str]]]


@dataclass
class Sent:
    """One delivery the kit sent, and what the driver answered."""

    index: int
    spec: dict
    event: str
    id: str
    genuine: bool
    headers: dict
    body: bytes
    status: int | None = None
    error: str | None = None
    seconds: float = 0.0

    def describe(self) -> str:
        kind = "genuine" if self.genuine else ("forged" if self.spec.get("forged") else "stale")
        answer = f"answered {self.status}" if self.status is not None else f"no answer ({self.error})"
        return f"delivery {self.index + 1} ({kind} {self.event}, id {self.id}): {answer}"

    def to_dict(self) -> dict:
        return {
            "index": self.index,
            "event": self.event,
            "id": self.id,
            "genuine": self.genuine,
            "spec": self.spec,
            "status": self.status,
            "error": self.error,
            "seconds": round(self.seconds, 3),
        }


_harvests: dict[tuple[str, int], list[Sealed]] = {}
_harvest_lock = threading.Lock()


def harvest(carrier: str, seed: int) -> list[Sealed]:
    """The carrier's events over the next day of its shipped fixtures, in the order they happen
    (the same for the same seed). Played once per carrier and seed per process."""
    with _harvest_lock:
        if (carrier, seed) not in _harvests:
            _harvests[(carrier, seed)] = _play(carrier, seed)
        return _harvests[(carrier, seed)]


def _play(carrier_name: str, seed: int) -> list[Sealed]:
    from mock_carriers.app import create_app
    from mock_carriers.settings import Settings

    app = create_app(Settings(seed=seed))
    state = app.extensions["mock_carriers"]
    carrier = state.carriers.load(carrier_name)
    client = app.test_client()
    overlay: dict = {carrier_name: {"webhook_retries": {"delays": []}}} if _fixture_retries(carrier) else {}
    deaf = socket.socket()  # bound, never listening: every attempt is refused at once, on this machine
    try:
        deaf.bind(("127.0.0.1", 0))
        path = "/__admin/namespaces/kit-harvest"
        for method, suffix, body in (
            ("PUT", "", {"seed": seed, "fixtures": overlay}),
            ("POST", "/clock", {"action": "freeze"}),
            (
                "POST",
                "/webhooks/subscriptions",
                {"carrier": carrier_name, "url": f"http://127.0.0.1:{deaf.getsockname()[1]}/noecho"},
            ),
            ("POST", "/clock", {"action": "advance", "by": PLAY}),
        ):
            answer = client.open(path + suffix, method=method, json=body)
            if answer.status_code >= 400:
                raise RuntimeError(f"could not play {carrier_name}'s webhooks: {answer.get_json()}")
        deliveries = state.namespaces.get("kit-harvest").webhooks.deliveries(carrier_name)
        return [Sealed(carrier_name, d.event, d.payload, d.envelope) for d in deliveries]
    finally:
        deaf.close()
        state.namespaces.close()


def _fixture_retries(carrier: Any) -> bool:
    return isinstance(carrier.webhook_policy, FixtureRetries)


def build(sealed: Sealed, spec: dict, secret: str, plan: dict, index: int) -> Sent:
    """One delivery of `sealed` for a receiver whose secret is `secret`: signed with another secret
    (and the receiver's credential spoiled) when `forged`, stamped `stale` seconds early if set."""
    forged = bool(spec.get("forged"))
    credential = {name: value.format(secret=secret) for name, value in (plan.get("credential") or {}).items()}
    subscription = Subscription("kit", sealed.carrier, "", secret + "-forged" if forged else secret)
    delivery = Delivery("kit", sealed.carrier, sealed.event, sealed.payload, subscription, sealed.attempt, _NO_RETRY)
    body, headers = sealed.attempt(delivery, 1, time.time() - float(spec.get("stale", 0)))
    if forged:  # as the mock's bad_signature fault: a forger knows neither the secret nor the credential
        credential = {name: f"{value}-forged" for name, value in credential.items()}
    return Sent(
        index,
        spec,
        sealed.event,
        delivery_id(body, plan),
        genuine=not forged and not spec.get("stale"),
        headers={**headers, **credential},
        body=body,
    )


_NO_RETRY = RetryPolicy(())


def delivery_id(body: bytes, plan: dict) -> str:
    """The id a driver reports for a delivery: a field of the envelope, or the body's SHA-256."""
    where = plan.get("id", "sha256")
    if where == "sha256":
        return hashlib.sha256(body).hexdigest()
    return str(_at(json.loads(body), where))


def _at(document: Any, path: list) -> Any:
    for step in path:
        try:
            document = document[step]
        except (KeyError, IndexError, TypeError):
            return None
    return document


def choose(events: list[Sealed], specs: list[dict], plan: dict) -> list[Sealed]:
    """The events a check's plan names: `{event: i}` the i-th event, `{subject: i}` the i-th event
    about the one shipment (order, waybill) that has the most events, in the order they happened."""
    by_subject: dict[str, list[Sealed]] = {}
    for sealed in events:
        document = json.loads(build(sealed, {}, "x", plan, 0).body)
        subject = _at(document, plan["subject"])
        if subject is None and plan.get("or"):
            subject = _at(document, plan["or"])
        by_subject.setdefault(str(subject), []).append(sealed)
    busiest = max(by_subject.values(), key=len)
    chosen = []
    for spec in specs:
        pool, position = (busiest, spec["subject"]) if "subject" in spec else (events, spec["event"])
        if position >= len(pool):
            raise RuntimeError(f"the fixtures have too few {events[0].carrier} events for {spec}")
        chosen.append(pool[position])
    return chosen


def send(sent: Sent, url: str, timeout: float) -> None:
    """POST one delivery, one connection of its own, and record the answer."""
    started = time.monotonic()
    with requests.Session() as session:
        session.trust_env = False  # straight to the driver on this machine, whatever proxy the shell names
        try:
            answer = session.post(
                url,
                data=sent.body,
                headers={**sent.headers, "Connection": "close"},
                timeout=timeout,
                allow_redirects=False,
            )
            sent.status = answer.status_code
        except requests.RequestException as exc:
            sent.error = type(exc).__name__
    sent.seconds = time.monotonic() - started
