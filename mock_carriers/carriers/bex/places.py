"""South African places for the BEX world: the packaged table (places.csv, a few hundred real
suburbs and towns) plus any the fixtures add, and how an address finds one. BEX favours coordinates
when it gets them (its quoting docs say so), else the suburb and postcode; a real address whose
suburb the table lacks still resolves through its postcode or town, so a client's real data works."""

from __future__ import annotations

import csv
import functools
import math
from collections import defaultdict
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Iterable, Mapping

TABLE = Path(__file__).resolve().parent / "places.csv"
RATE_CATEGORIES = ("MAJOR", "REGIONAL", "REMOTE")
MAX_DISTANCE_KM = 100.0  # coordinates farther than this from every known place resolve to none
KM_PER_DEGREE = 111.2


@dataclass(frozen=True)
class Place:
    suburb: str
    postcode: str
    town: str
    province: str
    lat: float
    lon: float
    hub: str  # the code of the BEX branch serving it
    rate_category: str
    town_code: str = ""

    def km_to(self, lat: float, lon: float) -> float:
        """Flat-earth distance: exact enough within 100 km, which is all it is asked about."""
        across = (self.lon - lon) * math.cos(math.radians((self.lat + lat) / 2))
        return math.hypot(self.lat - lat, across) * KM_PER_DEGREE


@functools.cache
def packaged_places() -> tuple[Place, ...]:
    """The shipped table, read once per process (and only when a place is first looked up)."""
    with TABLE.open(encoding="utf-8", newline="") as lines:
        rows = csv.DictReader(line for line in lines if not line.startswith("#"))
        return tuple(
            Place(
                row["suburb"],
                row["postcode"],
                row["town"],
                row["province"],
                float(row["lat"]),
                float(row["lon"]),
                row["hub"],
                row["rate_category"],
                row["town_code"],
            )
            for row in rows
        )


def fixture_places(places: Mapping[str, Mapping[str, Any]]) -> list[Place]:
    """The fixtures' `places` (suburb -> fields), in the table's shape."""
    return [
        Place(
            name,
            data["postcode"],
            data["town"],
            data["province"],
            float(data["lat"]),
            float(data["lon"]),
            data["hub"],
            data["rate_category"],
            data.get("town_code", ""),
        )
        for name, data in places.items()
    ]


@functools.lru_cache(maxsize=8)
def gazetteer(extra: tuple[Place, ...] = ()) -> Gazetteer:
    """One shared, read-only index per set of fixture places (namespaces of one world share it)."""
    return Gazetteer(extra)


class Gazetteer:
    """Places by suburb, postcode and town; `extra` places come first, so they win ties."""

    def __init__(self, extra: Iterable[Place] = ()) -> None:
        self._places = [*extra, *packaged_places()]
        self._by_suburb: dict[str, list[Place]] = defaultdict(list)
        self._by_postcode: dict[str, list[Place]] = defaultdict(list)
        self._by_town: dict[str, list[Place]] = defaultdict(list)
        for place in self._places:
            self._by_suburb[place.suburb.casefold()].append(place)
            self._by_postcode[place.postcode].append(place)
            self._by_town[place.town.casefold()].append(place)

    def resolve(
        self, suburb: str, postcode: str, town: str = "", lat: float | None = None, lon: float | None = None
    ) -> Place | None:
        """The place an address means, or None.

        Coordinates (both given, not both 0) win when a known place lies within 100 km. Then a
        known suburb (its postcode, else its town, choosing among suburbs of one name). Then a
        known postcode or town, or the nearest known postcode of the same area (same first two
        digits): these keep the suburb and postcode the client gave, in the town they found.
        """
        if lat is not None and lon is not None and (lat, lon) != (0, 0):
            nearest = min(self._places, key=lambda place: place.km_to(lat, lon))
            if nearest.km_to(lat, lon) <= MAX_DISTANCE_KM:
                return nearest
        named = self._by_suburb.get(suburb.casefold(), []) if suburb else []
        if named:
            return _prefer(named, postcode, town)
        found = (
            _prefer(self._by_postcode.get(postcode, []), "", town)
            or _prefer(self._by_town.get(town.casefold(), []) if town else [], "", "")
            or self._near_postcode(postcode)
        )
        if found is None:
            return None
        return replace(found, suburb=suburb or found.suburb, postcode=postcode or found.postcode)

    def _near_postcode(self, postcode: str) -> Place | None:
        if len(postcode) != 4 or not postcode.isdigit():
            return None
        area = [place for place in self._places if place.postcode[:2] == postcode[:2]]
        return min(area, key=lambda place: abs(int(place.postcode) - int(postcode)), default=None)


def _prefer(places: list[Place], postcode: str, town: str) -> Place | None:
    """The first of `places` with this postcode, else in this town, else the first."""
    for wanted in (lambda p: p.postcode == postcode, lambda p: p.town.casefold() == town.casefold()):
        match = next((place for place in places if wanted(place)), None)
        if match is not None:
            return match
    return places[0] if places else None
