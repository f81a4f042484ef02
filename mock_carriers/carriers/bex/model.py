"""BEX state and rules: users and tokens, places and services, pricing, waybills walking their
timelines, and the events those timelines send as webhooks. No Flask here."""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Mapping

from mock_carriers.carriers.bex.places import RATE_CATEGORIES, Place, fixture_places, gazetteer, packaged_places
from mock_carriers.core.errors import BadRequest
from mock_carriers.core.fixtures import unknown
from mock_carriers.core.lifecycle import Occurred, Step, steps_from_fixture
from mock_carriers.core.namespaces import Namespace
from mock_carriers.core.timelines import StartedTimeline
from mock_carriers.core.tokens import TokenAuthority, TokenState
from mock_carriers.core.webhooks import CarrierWebhooks

SAST = timezone(timedelta(hours=2), "SAST")  # South Africa: UTC+2 all year
FUEL_RATE = 0.125
VAT_RATE = 0.15
MAX_SEARCH_ITEMS = 10
SUBMITTED_TIMELINE = (  # (offset, tracking type id, description, user) of a newly submitted waybill
    (timedelta(0), 13, "Waybill integrated", "API"),
    (timedelta(hours=2), 1, "Handed to courier", "BEX COLLECTIONS"),
    (timedelta(hours=8), 4, "Departed {origin}", "BEX LINEHAUL"),
    (timedelta(hours=20), 5, "Arrived {destination}", "BEX LINEHAUL"),
    (timedelta(hours=22), 7, "Loaded for delivery", "BEX DELIVERIES"),
)
DELIVERED_AFTER = timedelta(hours=26)


class BexError(BadRequest):
    """A business error: BEX answers it as HTTP 200 with the text in `ex`."""


def anonymous(operation: str) -> BexError:
    return BexError(f"Access to 'Service.{operation}' does not allow anonymous access")


@dataclass
class Waybill:
    number: str
    account: str
    service: str
    senders_ref: str
    sender: dict
    receiver: dict
    parcels: list[dict]
    timeline: StartedTimeline
    charges: dict = field(default_factory=dict)
    internal_id: int = 0

    def parcel_numbers(self) -> list[str]:
        return [f"{self.number}{index:03d}" for index in range(1, len(self.parcels) + 1)]


class BexModel:
    def __init__(self, fixtures: Mapping[str, Any], namespace: Namespace, webhooks: CarrierWebhooks) -> None:
        self._fixtures = fixtures
        self._namespace = namespace
        self._webhooks = webhooks
        self._places = gazetteer(tuple(fixture_places(fixtures.get("places", {}))))
        self._logins: dict[tuple[str, str], str] = {}  # (username, scope) -> the token login hands out
        self._waybills: dict[str, Waybill] = {}
        for number, data in fixtures["waybills"].items():
            sender, receiver = dict(data["sender"]), dict(data["receiver"])
            self._store(
                number,
                data["account"],
                data["service"],
                data.get("senders_ref", ""),
                sender,
                receiver,
                list(data["parcels"]),
                steps_from_fixture(data["events"], namespace.started_at),
                self._categories(sender, receiver),
                internal_id=data.get("id"),
            )

    # users, accounts and tokens

    def user(self, username: str) -> Mapping[str, Any] | None:
        return next((u for name, u in self._fixtures["users"].items() if name.lower() == username.lower()), None)

    def username(self, username: str) -> str | None:
        return next((name for name in self._fixtures["users"] if name.lower() == username.lower()), None)

    def login_token(self, tokens: TokenAuthority, username: str, scope: str) -> str:
        """The user's token of this kind: the same on every login while it is usable ("unique to
        your integration user identity", "can be persisted"); a new one once it was revoked or expired."""
        value = self._logins.get((username, scope))
        if value is None or tokens.check(value)[0] is not TokenState.VALID:
            value = self._logins[(username, scope)] = tokens.issue(username, (scope,)).value
        return value

    def webhook_key(self, key: str) -> Mapping[str, Any] | None:
        return self._fixtures["webhook_api_keys"].get(key)

    def account(self, username: str, account: str) -> str:
        """The account a call transacts for: the one named, which the user must hold, else the user's
        first (the token's default account)."""
        user = self.user(username)
        if user is None:  # a token outlives its user only if the fixtures changed under it
            raise BexError("Account number is not registered for transactions with this token.")
        accounts = user["accounts"]
        if not account:
            return accounts[0]
        if account not in accounts:
            raise BexError("Account number is not registered for transactions with this token.")
        return account

    def check_account(self, username: str, account: str) -> None:
        if not account:
            raise BexError("accountNumber is required.")
        self.account(username, account)

    def account_name(self, account: str) -> str:
        return self._fixtures["accounts"][account]["name"]

    # places, services and prices

    def place(self, suburb: str, postcode: str, town: str, lat: float | None, lon: float | None, side: str) -> Place:
        found = self._places.resolve(suburb, postcode, town, lat, lon)
        if found is None:
            raise BexError(f"Unable to resolve the {side} suburb '{(suburb or postcode or town)[:40]}'.")
        return found

    def branch_name(self, hub: str) -> str:
        return self._fixtures["branches"][hub]

    @property
    def services(self) -> Mapping[str, Mapping[str, Any]]:
        return self._fixtures["services"]

    def transit_days(self, service_code: str, categories: tuple[str, ...]) -> int:
        """The service's days, plus the slowest end's extra days (a remote town takes longer)."""
        extra = max(self._fixtures["rate_categories"][category]["extra_days"] for category in categories)
        return self.services[service_code]["transit_days"] + extra

    def price(self, service_code: str, weight: float, dim_mass: float, categories: tuple[str, ...]) -> dict:
        """Deterministic charges: base plus a rate per chargeable kg (the greater of the actual and
        the volumetric weight, by the service's volumetric ratio), fuel, each end's area surcharge,
        15% VAT."""
        service = self.services[service_code]
        volumetric = dim_mass / service["vol_ratio"]
        chargeable = math.ceil(max(weight, volumetric) * 2) / 2  # charged in half kilograms
        base = round(service["base"] + service["per_kg"] * chargeable, 2)
        fuel = round(base * FUEL_RATE, 2)
        other = round(sum(self._fixtures["rate_categories"][category]["surcharge"] for category in categories), 2)
        sub_total = round(base + fuel + other, 2)
        vat = round(sub_total * VAT_RATE, 2)
        return {
            "actual_weight": round(weight, 2),
            "volumetric_weight": round(volumetric, 2),
            "chargeable_weight": chargeable,
            "base": base,
            "fuel": fuel,
            "other": other,
            "surcharges": round(fuel + other, 2),
            "sub_total": sub_total,
            "vat": vat,
            "total": round(sub_total + vat, 2),
            "vol_ratio": service["vol_ratio"],
        }

    def _categories(self, *parties: dict) -> tuple[str, ...]:
        """The rate categories of stored parties (a fixture party the table lacks counts as MAJOR)."""
        found = (self._places.resolve(party["suburb"], party["postcode"]) for party in parties)
        return tuple(place.rate_category if place else RATE_CATEGORIES[0] for place in found)

    # waybills

    def waybill(self, number: str) -> Waybill | None:
        return self._waybills.get(number.upper())

    def waybill_of_parcel(self, number: str) -> Waybill | None:
        found = self.waybill(number)
        if found is None:
            found = next((w for w in self._waybills.values() if number.upper() in w.parcel_numbers()), None)
        return found

    def search(self, text: str) -> list[Waybill]:
        """Waybills by number or sender's reference, in the order searched, each once."""
        items = [item.strip() for item in text.split(",") if item.strip()]
        if not items:
            raise BexError("Please supply at least one waybill or reference number in searchItems.")
        if len(items) > MAX_SEARCH_ITEMS:
            raise BexError(f"A maximum of {MAX_SEARCH_ITEMS} search items is allowed.")
        if any(ch in item for item in items for ch in "*%?"):
            raise BexError("Wildcard and partial searches are not supported.")
        found: list[Waybill] = []
        for item in items:
            for waybill in self._waybills.values():
                if (waybill.number == item.upper() or waybill.senders_ref == item) and waybill not in found:
                    found.append(waybill)
        return found

    def events(self, waybill: Waybill) -> list[Occurred]:
        return waybill.timeline.due(self._namespace.clock.now())

    def submit(
        self,
        account: str,
        service: str,
        number: str,
        senders_ref: str,
        sender: dict,
        receiver: dict,
        parcels: list[dict],
        categories: tuple[str, ...],
    ) -> Waybill:
        if not number:
            number = self._new_number()
        elif self.waybill(number) is not None:
            raise BexError(f"Waybill number {number} already exists.")
        now = self._namespace.clock.now()
        names = {"origin": sender["branch"], "destination": receiver["branch"]}
        steps = [
            Step({"type_id": type_id, "description": text.format(**names), "user": user}, now + offset)
            for offset, type_id, text, user in SUBMITTED_TIMELINE
        ]
        signee = receiver.get("contact") or receiver.get("company") or "RECEIVER"
        steps.append(
            Step(
                {
                    "description": f"Delivered to {signee.upper()}",
                    "user": signee.upper(),
                    "delivered": {"signee": signee.upper(), "pieces": len(parcels)},
                },
                now + DELIVERED_AFTER,
            )
        )
        waybill = self._store(number, account, service, senders_ref, sender, receiver, parcels, steps, categories, now)
        self._emit("waybill_update", waybill)
        return waybill

    def _new_number(self) -> str:
        with self._namespace.lock:
            while True:
                number = f"BEX{self._namespace.rng.randint(2_000_000, 9_999_999)}"
                if number not in self._waybills:
                    return number

    def _store(
        self,
        number: str,
        account: str,
        service: str,
        senders_ref: str,
        sender: dict,
        receiver: dict,
        parcels: list[dict],
        steps: list[Step],
        categories: tuple[str, ...],
        since: datetime | None = None,
        internal_id: int | None = None,
    ) -> Waybill:
        """A waybill whose steps from `since` on (default: now) send their webhooks as the namespace
        clock reaches them."""
        dim_mass = sum(p["dimension1"] * p["dimension2"] * p["dimension3"] for p in parcels)
        key = number.upper()
        waybill = Waybill(
            key,
            account,
            service,
            senders_ref,
            sender,
            receiver,
            parcels,
            self._namespace.timelines.start(
                steps, lambda event: self._step_happened(self._waybills[key], event), history_before=since
            ),
            charges=self.price(service, sum(p["weight"] for p in parcels), dim_mass, categories),
            internal_id=internal_id or zlib.crc32(number.upper().encode()) % 90_000_000 + 10_000_000,
        )
        self._waybills[waybill.number] = waybill
        return waybill

    def _step_happened(self, waybill: Waybill, event: Occurred) -> None:
        data = event.data
        if "note" in data:
            self._emit("waybill_note", waybill, event)
            return
        if "delivered" in data:
            self._emit("pod", waybill, event)
            return
        if "attempted" in data:
            self._emit("attempted_delivery", waybill, event)
        if "type_id" in data:
            self._emit("tracking_event", waybill, event)

    def _emit(self, action: str, waybill: Waybill, event: Occurred | None = None) -> None:
        """One webhook event to the registrations of the waybill's account."""
        from mock_carriers.carriers.bex.webhooks import notification  # deferred: it reads this module's types

        self._webhooks.emit(action, notification(action, waybill, event), scope=waybill.account)


def check_fixtures(fixtures: Mapping[str, Any]):
    """What the schema cannot say: names that must refer to something defined elsewhere (a
    waybill's service and account, a user's accounts, a place's branch, the packaged places' too)."""
    services, accounts, branches = fixtures["services"], fixtures["accounts"], fixtures["branches"]
    for number, waybill in fixtures["waybills"].items():
        yield from unknown(waybill["service"], services, ("waybills", number, "service"), "services", listed=True)
        yield from unknown(waybill["account"], accounts, ("waybills", number, "account"), "accounts")
    for name, user in fixtures["users"].items():
        for index, account in enumerate(user["accounts"]):
            yield from unknown(account, accounts, ("users", name, "accounts", index), "accounts")
    for name, place in fixtures.get("places", {}).items():
        yield from unknown(place["hub"], branches, ("places", name, "hub"), "branches", listed=True)
    missing = sorted({place.hub for place in packaged_places()} - set(branches))
    if missing:
        yield ("branches",), f"the packaged places need the branches {', '.join(missing)}"


def sast(moment: datetime) -> datetime:
    return moment.astimezone(SAST)
