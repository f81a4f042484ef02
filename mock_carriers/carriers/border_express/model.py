"""Border Express state and rules: consignments walking their timelines, PODs and scans.

No Flask here: the model answers plain values and raises core errors; api.py renders them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Mapping

from mock_carriers.core.durations import parse_relative_time
from mock_carriers.core.errors import NotFound
from mock_carriers.core.lifecycle import Occurred, Timeline, steps_from_fixture
from mock_carriers.core.namespaces import Namespace

UNSAVED = "Unsaved"  # entered but not yet despatched; also the status while no event is due


@dataclass(frozen=True)
class Pod:
    id: int
    signed_by: str
    signed_at: datetime


@dataclass(frozen=True)
class Scan:
    barcode: str
    scan_type: str
    description: str
    occurred: Occurred


@dataclass(frozen=True)
class ConsignmentView:
    """A consignment as of one read: its fixture data and the events due so far."""

    number: str
    data: Mapping[str, Any]
    events: list[Occurred]  # oldest first
    eta: datetime | None

    @property
    def status(self) -> str:
        return self.events[-1].data["status"] if self.events else UNSAVED

    @property
    def despatched_at(self) -> datetime | None:
        """When its first status after `Unsaved` occurred; None until it is despatched."""
        return next((e.at for e in self.events if e.data["status"] != UNSAVED), None)

    @property
    def pods(self) -> list[Pod]:
        """Newest first, as "the most recent image" is the one served by default."""
        return [
            Pod(e.data["pod"]["id"], e.data["pod"]["signed_by"], e.at) for e in reversed(self.events) if "pod" in e.data
        ]

    def pod(self, pod_id: str | None = None) -> Pod:
        """The latest POD, or the one with `pod_id`."""
        pods = self.pods
        if pod_id is None:
            chosen = pods[0] if pods else None
        else:
            chosen = next((pod for pod in pods if str(pod.id) == pod_id), None)
        if chosen is None:
            raise NotFound(f"no such POD for consignment {self.number}")
        return chosen


class BorderExpressModel:
    def __init__(self, fixtures: Mapping[str, Any], namespace: Namespace) -> None:
        self._fixtures = fixtures
        self._clock = namespace.clock
        self._origin = namespace.started_at
        self._numbers = {number.upper(): number for number in fixtures["consignments"]}
        self._timelines: dict[str, Timeline] = {}  # made on first read: fixture data stays shared
        self._etas: dict[str, datetime | None] = {}

    @property
    def client_secrets(self) -> dict[str, str]:
        return {client_id: client["client_secret"] for client_id, client in self._fixtures["clients"].items()}

    def client(self, client_id: str) -> Mapping[str, Any]:
        return self._fixtures["clients"][client_id]

    @property
    def scan_types(self) -> Mapping[str, str]:
        return self._fixtures.get("scan_types", {})

    def read(self, number: str) -> ConsignmentView:
        """A consignment as it stands now; each read counts as one poll of its timeline.
        Numbers match case-insensitively, as the carrier's SQL Server collation does."""
        key = self._numbers.get(number.upper())
        if key is None:
            raise NotFound(f"consignment {number!r} not found")
        data = self._fixtures["consignments"][key]
        timeline = self._timelines.get(key)
        if timeline is None:
            timeline = self._timelines[key] = Timeline(steps_from_fixture(data["events"], self._origin))
        if key not in self._etas:
            self._etas[key] = parse_relative_time(data["eta"], self._origin) if "eta" in data else None
        return ConsignmentView(key, data, timeline.poll(self._clock.now()), self._etas[key])

    def scans(self, view: ConsignmentView, barcode: str | None = None) -> list[Scan]:
        """Every item's scans, newest first; `barcode` keeps one item's."""
        scans = []
        for event in reversed(view.events):
            code = event.data.get("scan")
            if code is None:
                continue
            for item in view.data.get("items", []):
                if barcode is None or item["barcode"].upper() == barcode.upper():
                    scans.append(Scan(item["barcode"], code, self.scan_types.get(code, event.data["status"]), event))
        return scans

    def consignment_of_barcode(self, barcode: str) -> str:
        wanted = barcode.upper()
        for number, data in self._fixtures["consignments"].items():
            if any(item["barcode"].upper() == wanted for item in data.get("items", [])):
                return number
        raise NotFound(f"barcode {barcode!r} not found")
