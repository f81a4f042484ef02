"""parcelLab's records as they stand at a moment: orders, their trackings (each exists from its
creation on), the carrier's checkpoints (known to parcelLab `sync_delay` after they happen, unless
a live refresh asks the carrier), the delivery day the carrier announces with a checkpoint, and the
retailer's later data updates of a tracking. Built from the fixtures; no Flask, no clock of its own."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Callable, Mapping


@dataclass(frozen=True)
class Checkpoint:
    at: datetime  # when it happened at the carrier
    known_at: datetime  # when parcelLab has it without a live refresh
    status: str
    location: str
    announced: date | None = None  # the delivery day the carrier announced with it, if it did


@dataclass(frozen=True)
class Update:
    at: datetime  # the retailer's data transfer reaches parcelLab at once
    fields: Mapping[str, Any]


@dataclass
class Tracking:
    data: Mapping[str, Any]  # as created by the retailer
    created: datetime
    checkpoints: list[Checkpoint]
    updates: list[Update] = field(default_factory=list)
    announced: date | None = None  # the delivery day known when it was created

    def data_at(self, now: datetime) -> Mapping[str, Any]:
        """Its data with the retailer's updates made by `now`."""
        merged = dict(self.data)
        for update in self.updates:
            if update.at <= now:
                merged.update(update.fields)
        return merged

    def visible(self, now: datetime, live: bool) -> list[Checkpoint]:
        return [c for c in self.checkpoints if (c.at if live else c.known_at) <= now]

    def announced_after(self, seen: list[Checkpoint]) -> date | None:
        """The delivery day announced last by the checkpoints `seen` (else the one it was created with)."""
        return next((c.announced for c in reversed(seen) if c.announced is not None), self.announced)


@dataclass
class Order:
    number: str
    data: Mapping[str, Any]
    trackings: list[Tracking]
    order_date: datetime

    @property
    def account(self) -> str:
        return self.data["account"]

    def trackings_at(self, now: datetime) -> list[Tracking]:
        """The trackings that exist by `now`."""
        return [t for t in self.trackings if t.created <= now]


def load_orders(fixtures: Mapping[str, Any], at: Callable[[str], datetime], delay: timedelta) -> list[Order]:
    """The fixtures' orders; `at` reads a fixture's relative time ("-2d")."""

    def day(text: str | None) -> date | None:
        return at(text).date() if text else None

    orders = []
    for number, data in fixtures["orders"].items():
        trackings = []
        for tracking in data["trackings"]:
            checkpoints = [
                Checkpoint(
                    at(c["at"]), at(c["at"]) + delay, c["status"], c["location"], day(c.get("announced_delivery_date"))
                )
                for c in tracking["checkpoints"]
            ]
            updates = [Update(at(u["at"]), u["set"]) for u in tracking.get("updates", [])]
            trackings.append(
                Tracking(
                    tracking,
                    at(tracking["created"]),
                    checkpoints,
                    updates,
                    day(tracking.get("announced_delivery_date")),
                )
            )
        orders.append(Order(number, data, trackings, at(data["order_date"])))
    return orders
