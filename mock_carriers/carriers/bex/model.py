"""BEX state and rules: users and tokens, places and services, pricing, waybills walking their
timelines, and the events those timelines send as webhooks. No Flask here."""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Mapping

from mock_carriers.core.errors import BadRequest
from mock_carriers.core.lifecycle import Occurred, Step, Timeline, steps_from_fixture
from mock_carriers.core.namespaces import Namespace

SAST = timezone(timedelta(hours=2), "SAST")  # South Africa: UTC+2 all year
VOLUMETRIC_RATIO = 5000  # cm3 per chargeable kg
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
    timeline: Timeline
    charges: dict = field(default_factory=dict)
    internal_id: int = 0

    def parcel_numbers(self) -> list[str]:
        return [f"{self.number}{index:03d}" for index in range(1, len(self.parcels) + 1)]


class BexModel:
    def __init__(self, fixtures: Mapping[str, Any], namespace: Namespace,
                 notify: Callable[[str, dict, str], None]) -> None:
        self._fixtures = fixtures
        self._namespace = namespace
        self._notify = notify  # (action, payload, account) -> sends a webhook event
        self._waybills: dict[str, Waybill] = {}
        for number, data in fixtures["waybills"].items():
            steps = steps_from_fixture(data["events"], namespace.started_at)
            waybill = self._store(number, data["account"], data["service"], data.get("senders_ref", ""),
                                  dict(data["sender"]), dict(data["receiver"]), list(data["parcels"]), steps)
            self._schedule_events(waybill, steps, namespace.clock.now())

    # users and tokens

    def user(self, username: str) -> Mapping[str, Any] | None:
        return next((u for name, u in self._fixtures["users"].items() if name.lower() == username.lower()), None)

    def username(self, username: str) -> str | None:
        return next((name for name in self._fixtures["users"] if name.lower() == username.lower()), None)

    def webhook_key(self, key: str) -> Mapping[str, Any] | None:
        return self._fixtures["webhook_api_keys"].get(key)

    # places, services and prices

    def place(self, suburb: str, postcode: str, lat: float | None, lon: float | None, side: str) -> tuple[str, dict]:
        """A known place by coordinates (nearest wins), else by suburb name, else by postcode."""
        places = self._fixtures["places"]
        if lat is not None and lon is not None:
            name = min(places, key=lambda n: (places[n]["lat"] - lat) ** 2 + (places[n]["lon"] - lon) ** 2)
            return name, places[name]
        for name, place in places.items():
            if suburb and name.lower() == suburb.lower():
                return name, place
        for name, place in places.items():
            if postcode and place["postcode"] == postcode:
                return name, place
        raise BexError(f"Unable to resolve the {side} suburb '{suburb or postcode}'.")

    @property
    def services(self) -> Mapping[str, Mapping[str, Any]]:
        return self._fixtures["services"]

    def price(self, service_code: str, weight: float, dim_mass: float) -> dict:
        """Deterministic charges: base plus a rate per chargeable kg, fuel, 15% VAT."""
        service = self.services[service_code]
        volumetric = dim_mass / VOLUMETRIC_RATIO
        chargeable = math.ceil(max(weight, volumetric) * 2) / 2  # charged in half kilograms
        base = round(service["base"] + service["per_kg"] * chargeable, 2)
        fuel = round(base * FUEL_RATE, 2)
        sub_total = round(base + fuel, 2)
        vat = round(sub_total * VAT_RATE, 2)
        return {"actual_weight": round(weight, 2), "volumetric_weight": round(volumetric, 2),
                "chargeable_weight": chargeable, "base": base, "fuel": fuel, "surcharges": fuel,
                "sub_total": sub_total, "vat": vat, "total": round(sub_total + vat, 2)}

    def check_account(self, username: str, account: str) -> None:
        if not account:
            raise BexError("accountNumber is required.")
        if account not in self.user(username)["accounts"]:
            raise BexError("Account number is not registered for transactions with this token.")

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
        if any(ch in item for item in items for ch in "*%?_"):
            raise BexError("Wildcard and partial searches are not supported.")
        found: list[Waybill] = []
        for item in items:
            for waybill in self._waybills.values():
                if (waybill.number == item.upper() or waybill.senders_ref == item) and waybill not in found:
                    found.append(waybill)
        return found

    def events(self, waybill: Waybill) -> list[Occurred]:
        return waybill.timeline.due(self._namespace.clock.now())

    def submit(self, account: str, service: str, number: str, senders_ref: str, sender: dict, receiver: dict,
               parcels: list[dict]) -> Waybill:
        if not number:
            number = self._new_number()
        elif self.waybill(number) is not None:
            raise BexError(f"Waybill number {number} already exists.")
        now = self._namespace.clock.now()
        names = {"origin": sender["branch"], "destination": receiver["branch"]}
        steps = [Step({"type_id": type_id, "description": text.format(**names), "user": user}, now + offset)
                 for offset, type_id, text, user in SUBMITTED_TIMELINE]
        signee = receiver.get("contact") or receiver.get("company") or "RECEIVER"
        steps.append(Step({"description": f"Delivered to {signee.upper()}", "user": signee.upper(),
                           "delivered": {"signee": signee.upper(), "pieces": len(parcels)}}, now + DELIVERED_AFTER))
        waybill = self._store(number, account, service, senders_ref, sender, receiver, parcels, steps)
        self._notify("waybill_update", {"waybill": waybill}, account)
        self._schedule_events(waybill, steps, now)
        return waybill

    def _new_number(self) -> str:
        with self._namespace.lock:
            while True:
                number = f"BEX{self._namespace.rng.randint(2_000_000, 9_999_999)}"
                if number not in self._waybills:
                    return number

    def _store(self, number: str, account: str, service: str, senders_ref: str, sender: dict, receiver: dict,
               parcels: list[dict], steps: list[Step]) -> Waybill:
        dim_mass = sum(p["dimension1"] * p["dimension2"] * p["dimension3"] for p in parcels)
        waybill = Waybill(number.upper(), account, service, senders_ref, sender, receiver, parcels, Timeline(steps),
                          charges=self.price(service, sum(p["weight"] for p in parcels), dim_mass),
                          internal_id=zlib.crc32(number.upper().encode()) % 9_000_000 + 1_000_000)
        self._waybills[waybill.number] = waybill
        return waybill

    def _schedule_events(self, waybill: Waybill, steps: list[Step], now: datetime) -> None:
        """Each step from `now` on sends its webhooks when the namespace clock reaches it."""
        for step in steps:
            if step.at is not None and step.at >= now:
                self._namespace.clock.call_at(step.at.timestamp(), lambda s=step: self._step_happened(waybill, s))

    def _step_happened(self, waybill: Waybill, step: Step) -> None:
        event = Occurred(step.at, step.data)
        data = step.data
        if "note" in data:
            self._notify("waybill_note", {"waybill": waybill, "event": event}, waybill.account)
            return
        if "delivered" in data:
            self._notify("pod", {"waybill": waybill, "event": event}, waybill.account)
            return
        if "attempted" in data:
            self._notify("attempted_delivery", {"waybill": waybill, "event": event}, waybill.account)
        if "type_id" in data:
            self._notify("tracking_event", {"waybill": waybill, "event": event}, waybill.account)


def check_fixtures(fixtures: Mapping[str, Any]):
    """What the schema cannot say: every waybill names a known service."""
    for number, waybill in fixtures["waybills"].items():
        if waybill["service"] not in fixtures["services"]:
            yield (("waybills", number, "service"),
                   f"{waybill['service']!r} is not one of the services: {', '.join(fixtures['services'])}")


def sast(moment: datetime) -> datetime:
    return moment.astimezone(SAST)
