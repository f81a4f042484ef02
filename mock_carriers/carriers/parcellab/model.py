"""parcelLab order status: the records (records.py) on the namespace clock, the lookup sets that
find an order, the access levels, the mock's own `s` hash, and the webhook events: a tracking's
creation, the retailer's updates of it, and what each checkpoint means once parcelLab learns of it.
No Flask here."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial
from typing import Any, Mapping

from mock_carriers.carriers.parcellab.records import Checkpoint, Order, Tracking, load_orders
from mock_carriers.core.drf.throttle import SimpleRateThrottle
from mock_carriers.core.durations import parse_duration, parse_relative_time
from mock_carriers.core.errors import Invalid, NotFound, Unauthorized
from mock_carriers.core.fixtures import unknown
from mock_carriers.core.lifecycle import Occurred, Step
from mock_carriers.core.namespaces import Namespace
from mock_carriers.core.tokens import TokenAuthority, TokenState
from mock_carriers.core.webhooks import CarrierWebhooks, hmac_sha256_hex

PRIMARY = (
    "order_number",
    "external_order_id",
    "external_reference",
    "tracking_number",
    "customer_number",
    "tracking_id",
)
NEEDS = {
    "order_number": "account",
    "external_order_id": "account",
    "external_reference": "account",
    "customer_number": "account",
    "tracking_number": "courier",
    "recipient_email": "account",
}
FULL, REDUCED = "full", "reduced"


def security_hash_of(secret: str, account: str, order_number: str) -> str:
    """The mock's own `s` for an order (parcelLab's algorithm is not public): keyed, per order."""
    return hmac_sha256_hex(secret, f"{account}:{order_number}".encode())[:16]


class ParcelLabModel:
    def __init__(self, fixtures: Mapping[str, Any], namespace: Namespace, webhooks: CarrierWebhooks) -> None:
        self._fixtures = fixtures
        self._namespace = namespace
        self._webhooks = webhooks
        origin = namespace.started_at
        self.orders = load_orders(
            fixtures, lambda text: parse_relative_time(text, origin), parse_duration(fixtures["sync_delay"])
        )
        limit = fixtures["rate_limit"]
        self.rate_limit = SimpleRateThrottle(limit["requests"], parse_duration(limit["per"]).total_seconds())
        self._schedule()

    def _emit(self, event: str, order: Order, tracking: Tracking, checkpoint: Checkpoint | None) -> None:
        """An event of a consignment; `checkpoint`: the one it concerns (None: the retailer's data)."""
        from mock_carriers.carriers.parcellab.webhooks import document  # deferred: its outputs read this module

        self._webhooks.emit(
            event, document(event, order, tracking, checkpoint, self._namespace.clock.now(), self._fixtures["statuses"])
        )

    def now(self) -> datetime:
        return self._namespace.clock.now()

    @property
    def statuses(self) -> Mapping[str, Mapping[str, Any]]:
        return self._fixtures["statuses"]

    def courier(self, code: str) -> Mapping[str, Any]:
        return self._fixtures["couriers"].get(code, {"name": code, "tracking_url": "", "reroute_url": ""})

    # credentials

    def account_of(self, credentials: tuple[str, str | None] | None, tokens: TokenAuthority) -> str | None:
        """The account (token, claimed account) proves; None for an anonymous caller; Unauthorized
        if the token is bad, was expired or revoked (admin API), or belongs to another account than claimed."""
        if credentials is None:
            return None
        value, account = credentials
        state, token = tokens.check(value)
        if token is None or state is not TokenState.VALID or (account is not None and token.client_id != account):
            raise Unauthorized("invalid")
        return token.client_id

    def legacy_account(self, user: str | None, token: str | None) -> str:
        if not user or not token:
            raise Unauthorized("missing", "No credentials given.")
        account = self._fixtures["accounts"].get(user)
        if account is None or account["legacy_token"] != token:
            raise Unauthorized("invalid", "Invalid credentials.")
        return user

    # the mock's `s` (carriers.md 5.3: parcelLab's own algorithm is not public)

    def security_hash(self, order: Order) -> tuple[str, datetime]:
        created = min((t.created for t in order.trackings), default=order.order_date)
        value = security_hash_of(self._fixtures["security_hash_secret"], order.account, order.number)
        return value, created + timedelta(days=self._fixtures["security_hash_days"])

    # lookups

    def find(self, params: Mapping[str, Any]) -> tuple[Order, list[Tracking]]:
        """The order one lookup set names, and the trackings to show; Invalid for a set that is
        missing a part or mixes two, NotFound for one that finds nothing."""
        given = [name for name in PRIMARY if params.get(name) is not None]
        if len(given) > 1:
            raise Invalid({"non_field_errors": [f"Only one lookup may be used at a time, got: {', '.join(given)}."]})
        if not given and params.get("recipient_email") is None:
            raise Invalid(
                {
                    "non_field_errors": [
                        "One of order_number, external_order_id, external_reference, tracking_number, customer_number, "
                        "recipient_email (with account) or tracking_id is required."
                    ]
                }
            )
        key = given[0] if given else "recipient_email"
        needed = NEEDS.get(key)
        if needed and params.get(needed) is None:
            raise Invalid({needed: [f"This field is required when looking up by {key}."]})
        now = self.now()
        matches = [
            (order, tracking)
            for order in self.orders
            if order.order_date <= now
            for tracking in order.trackings_at(now) or (None,)
            if self._matches(key, params, order, tracking, now)
        ]
        if not matches:
            raise NotFound("No order found for the given parameters.")
        order = max((o for o, _ in matches), key=lambda o: o.order_date)  # several orders: the latest
        named = (
            [t for o, t in matches if o is order and t is not None]
            if key in ("tracking_number", "external_reference", "tracking_id")
            else []
        )
        trackings = named if named and params.get("single_tracking") else order.trackings_at(now)
        if not params.get("show_returns"):  # returns stay hidden, unless the lookup named one
            trackings = [t for t in trackings if not t.data.get("is_return") or t in named]
        return order, trackings

    @staticmethod
    def _matches(key: str, params: Mapping[str, Any], order: Order, tracking: Tracking | None, now: datetime) -> bool:
        """Whether the lookup set names the order (with this tracking of it, or none yet)."""
        data, account = order.data, params.get("account")
        if account is not None and str(account) != order.account:
            return False
        if key in ("tracking_number", "external_reference", "tracking_id"):
            if tracking is None:
                return False
            found = tracking.data_at(now)
            if key == "tracking_number":
                return found["tracking_number"] == params["tracking_number"] and found["courier"] == params["courier"]
            return found.get(key) == params[key]
        if key == "order_number":
            client = params.get("client_key")
            return order.number == params["order_number"] and (client is None or data.get("client_key") == client)
        if key == "recipient_email":
            return (data.get("recipient_email") or "").lower() == params["recipient_email"].lower()
        return data.get(key) == params[key]  # external_order_id, customer_number

    def access(self, order: Order, account: str | None, params: Mapping[str, Any]) -> str:
        """FULL for the order's own account (a `recipient_email` filters: another one is a 404, as
        is another account's token). Without a token: FULL for the recipient, whom a valid `s`
        tells (S-PL7), checked again against `recipient_email` and `recipient_postal_code` when
        sent; anyone else (no `s`, or a wrong or expired one) gets the REDUCED view, never a 401."""
        email, postal = params.get("recipient_email"), params.get("recipient_postal_code")
        email_matches = not email or email.lower() == (order.data.get("recipient_email") or "").lower()
        if account is not None:
            if account != order.account or not email_matches:
                raise NotFound("No order found for the given parameters.")
            return FULL
        s, valid_until = self.security_hash(order)
        postal_matches = (
            not postal
            or postal.replace(" ", "").upper()
            == (order.data.get("recipient_postal_code") or "").replace(" ", "").upper()
        )
        if params.get("s") == s and self.now() < valid_until and email_matches and postal_matches:
            return FULL
        return REDUCED

    def tracking_by_legacy(self, account: str, query: Mapping[str, str]) -> tuple[Order, Tracking]:
        """The tracking the legacy `/tracking-securityhash` query names (orderNo, courier+trackingNo, xid, tid)."""
        for order in self.orders:
            if order.account != account:
                continue
            for tracking in order.trackings:
                data = tracking.data
                if (
                    query.get("tid")
                    and data["tracking_id"] == query["tid"]
                    or query.get("xid")
                    and order.data.get("external_order_id") == query["xid"].lower()
                    or query.get("trackingNo")
                    and data["tracking_number"] == query["trackingNo"]
                    and query.get("courier", data["courier"]) == data["courier"]
                    or query.get("orderNo")
                    and order.number == query["orderNo"]
                ):
                    return order, tracking
        raise NotFound("No matching tracking found.")

    # webhooks (parcelLab's webhooks page): onCreated when the retailer's data creates a tracking,
    # onUpdated when the retailer's data updates it, and what a checkpoint means once parcelLab
    # learns of it: onDispatch (once), onScheduled (the announced delivery day changed), onDelay,
    # onDelivered. Events before the namespace started are history: none is sent.

    def _schedule(self) -> None:
        """Each tracking's timeline: its creation, the retailer's updates and the checkpoints as
        parcelLab learns of them, in time order (at one instant, in that order)."""
        for order in self.orders:
            for tracking in order.trackings:
                moments: list[tuple[datetime, Mapping[str, Any]]] = [
                    (tracking.created, {"event": "onCreated"}),
                    *((update.at, {"event": "onUpdated"}) for update in tracking.updates),
                    *((c.known_at, {"checkpoint": index}) for index, c in enumerate(tracking.checkpoints)),
                ]
                self._namespace.timelines.start(
                    [Step(data, at) for at, data in sorted(moments, key=lambda moment: moment[0])],
                    partial(self._fell_due, order, tracking),
                )

    def _fell_due(self, order: Order, tracking: Tracking, event: Occurred) -> None:
        if "checkpoint" in event.data:
            self._learned(order, tracking, event.data["checkpoint"])
        else:
            self._emit(event.data["event"], order, tracking, None)

    def _learned(self, order: Order, tracking: Tracking, index: int) -> None:
        checkpoint = tracking.checkpoints[index]
        status = self.statuses[checkpoint.status]
        earlier = tracking.checkpoints[:index]
        events = []
        if status["lifecycle"] == "InTransit" and all(
            self.statuses[c.status]["lifecycle"] != "InTransit" for c in earlier
        ):
            events.append("onDispatch")
        if checkpoint.announced is not None and checkpoint.announced != tracking.announced_after(earlier):
            events.append("onScheduled")
        if status.get("exception") == "delay":
            events.append("onDelay")
        if status["lifecycle"] == "Delivered":
            events.append("onDelivered")
        for event in events:
            self._emit(event, order, tracking, checkpoint)


def check_fixtures(fixtures: Mapping[str, Any]):
    """What the schema cannot say: accounts, couriers and statuses named exist."""
    for number, order in fixtures["orders"].items():
        yield from unknown(order["account"], fixtures["accounts"], ("orders", number, "account"), "accounts")
        for index, tracking in enumerate(order["trackings"]):
            if tracking["courier"] not in fixtures["couriers"]:
                yield ("orders", number, "trackings", index, "courier"), f"{tracking['courier']!r} is not a courier"
            for position, checkpoint in enumerate(tracking["checkpoints"]):
                where = ("orders", number, "trackings", index, "checkpoints", position, "status")
                yield from unknown(checkpoint["status"], fixtures["statuses"], where, "statuses")
