"""Parcel2Go prices and dates, deterministic from the fixtures: the same parcels on the same route
cost the same on every run. Money is kept in whole pence, so VAT + ex-VAT is the total exactly."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Iterable, Mapping
from zoneinfo import ZoneInfo

UK = ZoneInfo("Europe/London")
VOLUMETRIC_DIVISOR = 5000  # cm3 per chargeable kg
COLLECTION_DAYS = 10


def pence(pounds: float) -> int:
    return int(math.floor(pounds * 100 + 0.5))


def pounds(amount: int) -> float:
    return round(amount / 100, 2)


@dataclass(frozen=True)
class Charge:
    """An ex-VAT amount and its VAT, in pence."""

    ex_vat: int
    vat: int

    @classmethod
    def of(cls, ex_vat: int, vat_rate: float) -> "Charge":
        return cls(ex_vat, int(math.floor(ex_vat * vat_rate + 0.5)))

    @property
    def total(self) -> int:
        return self.ex_vat + self.vat

    def __add__(self, other: "Charge") -> "Charge":
        return Charge(self.ex_vat + other.ex_vat, self.vat + other.vat)

    def fields(self, prefix: str = "Total") -> dict[str, float]:
        return {
            f"{prefix}Price": pounds(self.total),
            f"{prefix}Vat": pounds(self.vat),
            f"{prefix}PriceExVat": pounds(self.ex_vat),
        }


NOTHING = Charge(0, 0)


def total(charges: Iterable[Charge]) -> Charge:
    return sum(charges, NOTHING)


def chargeable_weight(parcel: Mapping[str, float]) -> float:
    """The greater of actual and volumetric weight (cm, kg), rounded up to the half kilogram."""
    volumetric = parcel["Length"] * parcel["Width"] * parcel["Height"] / VOLUMETRIC_DIVISOR
    return math.ceil(max(parcel["Weight"], volumetric) * 2) / 2


def fits(service: Mapping[str, Any], parcel: Mapping[str, float]) -> bool:
    """Within the service's weight and its size limits (limits in metres, parcels in cm, longest
    side against the longest limit)."""
    sides = sorted((parcel["Length"], parcel["Width"], parcel["Height"]), reverse=True)
    limits = sorted(service["max_dimensions"], reverse=True)
    return parcel["Weight"] <= service["max_weight"] and all(s <= limit * 100 for s, limit in zip(sides, limits))


def parcel_price(service: Mapping[str, Any], zone_factor: float, surcharge: float, parcel: Mapping[str, float]) -> int:
    """Ex-VAT pence: the base price covers the first kilogram, then a rate per chargeable kg."""
    extra_kg = max(chargeable_weight(parcel) - 1, 0)
    return pence((service["base"] + service["per_kg"] * extra_kg) * zone_factor + surcharge)


def extra_price(
    kind: str,
    extras: Mapping[str, Mapping[str, float]],
    service: Mapping[str, Any],
    value: float,
    chosen: Iterable[str],
) -> int:
    """Ex-VAT pence of one extra for an order line, `chosen` the extras it has. Cover protects "the
    value of your item, or maximum protection limit offered by the service - which ever is the
    lowest"; with ExtendedBaseCover chosen too, only "any protection above" its included cover costs
    (the carrier's docs). A service without a `max_cover` has no limit."""
    terms = extras[kind]
    if "rate" in terms:
        protected = min(value, service.get("max_cover", value))
        included = extras.get("ExtendedBaseCover", {}).get("included_cover", 0) if "ExtendedBaseCover" in chosen else 0
        return pence(terms["rate"] * max(protected - included, 0))
    return pence(terms["price"])


# dates


def uk(moment: datetime) -> datetime:
    return moment.astimezone(UK)


def working_days_from(start: date, count: int) -> list[date]:
    days: list[date] = []
    day = start
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def add_working_days(start: date, count: int) -> date:
    return working_days_from(start + timedelta(days=1), count)[-1] if count else start


def first_collection(service: Mapping[str, Any], now: datetime) -> date:
    """Today if it is a working day before the service's cut-off, else the next working day."""
    local = uk(now)
    cutoff = time.fromisoformat(service["cutoff"])
    start = local.date() if local.time() < cutoff else local.date() + timedelta(days=1)
    return working_days_from(start, 1)[0]


def collection_dates(service: Mapping[str, Any], now: datetime) -> list[date]:
    return working_days_from(first_collection(service, now), COLLECTION_DAYS)


def cutoff_at(service: Mapping[str, Any], day: date) -> datetime:
    return datetime.combine(day, time.fromisoformat(service["cutoff"]), UK)
