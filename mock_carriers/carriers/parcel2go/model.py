"""Parcel2Go state and rules: clients and accounts, countries and services, quotes, orders and
their validation, PrePay payments, and paid order lines walking their tracking stages (each stage
and case a webhook event). No Flask and no wire formats here: the model answers plain values and
raises core's errors (or the two below, which say which of Parcel2Go's refusals it is); outputs.py
and webhooks.py write them as Parcel2Go does.
"""

from __future__ import annotations

import base64
import math
import re
from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Any, Iterable, Mapping

from mock_carriers.carriers.parcel2go import pricing
from mock_carriers.carriers.parcel2go.pricing import Charge
from mock_carriers.carriers.parcel2go.webhooks import case_document, tracking_document
from mock_carriers.core.durations import parse_relative_time
from mock_carriers.core.errors import BadRequest, Invalid, NotFound
from mock_carriers.core.fixtures import unknown
from mock_carriers.core.lifecycle import Occurred, Step, steps_after, steps_from_fixture
from mock_carriers.core.namespaces import Namespace
from mock_carriers.core.timelines import StartedTimeline
from mock_carriers.core.webhooks import CarrierWebhooks

DROP_OFF_TYPES = ("Shop", "Locker")
CUSTOMS_ERRORS = (  # (field, text) in the order Parcel2Go lists them
    ("ExportReason", "Please supply the reason for exporting your parcel."),
    ("VatStatus", "Please supply your VAT status."),
    ("OriginCountry", "Please supply details of your parcel's country of manufacture."),
)
CONTENTS_ERROR = "Please supply details of your international parcel's contents."
NO_PRICE = "A price could not be found for these specifications."
EARTH_RADIUS_M = 6_371_000
MAX_DROPSHOPS = 20


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an order: `kind` is Parcel2Go's class of it (Item, Address, Customs,
    Service, Upsell), `item_id` the order item it is about (None for the order as a whole)."""

    item_id: str | None
    kind: str
    text: str


class OrderRejected(Invalid):
    """An order Parcel2Go refuses, with every problem in the order Parcel2Go lists them."""

    def __init__(self, problems: list[Problem]) -> None:
        fields: dict[str, list[str]] = {}
        for problem in problems:
            fields.setdefault(problem.item_id or "request", []).append(problem.text)
        super().__init__(fields)
        self.problems = problems


class PaymentRefused(BadRequest):
    """A payment Parcel2Go refuses; `reason` is which refusal (InvalidHash, StoredCardNotFound,
    OrderAlreadyPaid, InsufficientFunds)."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass
class Parcel:
    id: str  # the client's parcel id
    number: int  # Parcel2Go's ParcelId
    weight: float
    length: float
    width: float
    height: float
    value: float
    delivery_address: dict
    contents_summary: str = ""
    contents: list = field(default_factory=list)
    tracking_number: str | None = None
    print_in_store_barcode: str | None = None

    def dimensions(self) -> dict[str, float]:
        return {"Weight": self.weight, "Length": self.length, "Width": self.width, "Height": self.height}


@dataclass
class OrderLine:
    id: int
    item_id: str
    hash: str
    service: str
    collection_date: datetime
    collection_address: dict
    parcels: list[Parcel]
    upsells: tuple[str, ...]
    charge: Charge
    extras: list[tuple[str, Charge]]
    reference: str = ""
    customer_reference: str = ""
    timeline: StartedTimeline | None = None


@dataclass
class Order:
    id: str
    hash: str
    account: str
    created_at: datetime
    customer: dict
    lines: list[OrderLine]
    paid_at: datetime | None = None

    @property
    def charge(self) -> Charge:
        return pricing.total(line.charge for line in self.lines)


class Parcel2GoModel:
    def __init__(self, fixtures: Mapping[str, Any], namespace: Namespace, webhooks: CarrierWebhooks) -> None:
        self._fixtures = fixtures
        self._namespace = namespace
        self._webhooks = webhooks  # events by their Type, with their Payload
        self._vat_rate = fixtures["vat_rate"]
        self._balances = {
            name: pricing.pence(account["prepay_balance"]) for name, account in fixtures["accounts"].items()
        }
        self._positions = {key.upper(): tuple(value) for key, value in fixtures["postcodes"].items()}
        self._rows = {(c["iso3"], c.get("subdivision") or None): c for c in reversed(fixtures["countries"])}
        self._orders: dict[str, Order] = {}
        self._lines: dict[int, tuple[Order, OrderLine]] = {}
        for order_id, data in fixtures["orders"].items():
            self._load_order(order_id, data)

    # clients and accounts

    @property
    def client_secrets(self) -> dict[str, str]:
        return {client_id: client["client_secret"] for client_id, client in self._fixtures["clients"].items()}

    def client(self, client_id: str) -> Mapping[str, Any] | None:
        return self._fixtures["clients"].get(client_id)

    def account_for(self, client_id: str) -> str:
        return self._fixtures["clients"][client_id]["account"]

    def account(self, name: str) -> Mapping[str, Any]:
        return self._fixtures["accounts"][name]

    def balance(self, account: str) -> int:
        return self._balances[account]

    # reference data

    @property
    def countries(self) -> list[Mapping[str, Any]]:
        return self._fixtures["countries"]

    def country(self, iso3: str | None, subdivision: str | None = None) -> Mapping[str, Any] | None:
        """A country row by ISO 3166 alpha-3 code, its subdivision row when one is named."""
        return self._rows.get(((iso3 or "").upper(), (subdivision or "").upper() or None))

    @property
    def services(self) -> Mapping[str, Mapping[str, Any]]:
        return self._fixtures["services"]

    def service(self, slug: str) -> Mapping[str, Any] | None:
        return self.services.get(slug.lower())

    @property
    def extras(self) -> Mapping[str, Mapping[str, float]]:
        return self._fixtures["extras"]

    def dropshops(self, provider: str) -> list[Mapping[str, Any]]:
        found = next(
            (shops for code, shops in self._fixtures["dropshops"].items() if code.upper() == provider.upper()), None
        )
        if found is None:
            raise NotFound(f"No drop shops were found for the provider '{provider[:50]}'.")
        return found

    @staticmethod
    def nearest(shops: list[Mapping[str, Any]], position: tuple[float, float]) -> list[tuple[float, Mapping[str, Any]]]:
        """The nearest of `shops` to `position` with their distance in metres, nearest first."""
        found = sorted(((_distance(position, (s["Latitude"], s["Longitude"])), s) for s in shops), key=lambda p: p[0])
        return found[:MAX_DROPSHOPS]

    def locate(self, postcode: str) -> tuple[float, float] | None:
        """A postcode's position, else its outward code's (the part before the space)."""
        normal = " ".join(postcode.upper().split())
        return self._positions.get(normal) or self._positions.get(normal.split(" ")[0] if normal else "")

    # prices

    def route_price(
        self, service: Mapping[str, Any], parcels: Iterable[Mapping[str, float]], destination: Mapping[str, Any]
    ) -> Charge | None:
        """The carriage of `parcels` to `destination`, or None where the service cannot carry them."""
        zone = destination["zone"]
        parcels = list(parcels)
        if zone not in service["zones"] or not all(pricing.fits(service, p) for p in parcels):
            return None
        factor, surcharge = self._fixtures["zones"][zone], destination.get("surcharge", 0.0)
        return Charge.of(sum(pricing.parcel_price(service, factor, surcharge, p) for p in parcels), self._vat_rate)

    def extra_charge(self, kind: str, service: Mapping[str, Any], value: float, chosen: Iterable[str]) -> Charge:
        return Charge.of(pricing.extra_price(kind, self.extras, service, value, tuple(chosen)), self._vat_rate)

    def quotes(self, request: Mapping[str, Any]) -> list[dict]:
        """Every service that can carry the parcels on the route, cheapest first."""
        origin = self.country(request["CollectionAddress"]["Country"], request["CollectionAddress"]["Subdivision"])
        destination = self.country(request["DeliveryAddress"]["Country"], request["DeliveryAddress"]["Subdivision"])
        if origin is None or destination is None or origin["zone"] != "domestic":
            return []  # the mock, like its fixtures, ships from the UK only
        chosen = [extra["Type"] for extra in request["Extras"] or []]
        value = sum(p["Value"] or 0 for p in request["Parcels"])
        now = self._namespace.clock.now()
        found = []
        for slug, service in self.services.items():
            carriage = self.route_price(service, request["Parcels"], destination)
            if carriage is None:
                continue
            included = [kind for kind in dict.fromkeys(chosen) if kind in service["extras"]]
            extras = [(kind, self.extra_charge(kind, service, value, included)) for kind in included]
            found.append(
                {
                    "slug": slug,
                    "service": service,
                    "carriage": carriage,
                    "extras": extras,
                    "available": [
                        (kind, self.extra_charge(kind, service, value, included))
                        for kind in service["extras"]
                        if kind not in included
                    ],
                    "collection": pricing.first_collection(service, now),
                }
            )
        return sorted(
            found, key=lambda q: (pricing.total([q["carriage"], *(c for _, c in q["extras"])]).total, q["slug"])
        )

    @staticmethod
    def requires_customs(destination: Mapping[str, Any] | None) -> bool:
        """Whether a parcel from the UK mainland to `destination` needs customs details."""
        return bool(destination and destination.get("requires_customs"))

    def customs_needed(self, destinations: Iterable[Mapping[str, Any]]) -> bool:
        """Whether parcels to these addresses (`CountryIsoCode`, `Subdivision`) need customs details."""
        return any(
            self.requires_customs(self.country(d.get("CountryIsoCode"), d.get("Subdivision"))) for d in destinations
        )

    def international(self, line: OrderLine) -> bool:
        return any(
            self.requires_customs(
                self.country(p.delivery_address["CountryIsoCode"], p.delivery_address.get("Subdivision"))
            )
            for p in line.parcels
        )

    def drop_off(self, line: OrderLine) -> bool:
        """Taken to a drop shop or locker rather than collected."""
        return self.services[line.service]["collection_type"] in DROP_OFF_TYPES

    # orders

    def price_order(self, request: Mapping[str, Any]) -> list[dict]:
        """Validate an order's items as Parcel2Go does and price each; OrderRejected with every problem."""
        problems: list[Problem] = []
        priced = []
        ids = [item["Id"] for item in request["Items"]]
        for item in request["Items"]:
            item_errors: list[tuple[str, str]] = []
            if ids.count(item["Id"]) > 1:
                item_errors.append(("Item", "Each item must have a unique Id."))
            priced.append(self._price_item(item, item_errors))
            problems += [Problem(item["Id"], kind, text) for kind, text in item_errors]
        if problems:
            raise OrderRejected(problems)
        return priced

    def _price_item(self, item: Mapping[str, Any], errors: list[tuple[str, str]]) -> dict:
        """One item's price, appending (Type, Error) for each problem in the order Parcel2Go lists them."""
        origin = self._place(item["CollectionAddress"], "collection", errors)
        destinations = [self._place(parcel["DeliveryAddress"], "delivery", errors) for parcel in item["Parcels"]]
        if any(self.requires_customs(d) for d in destinations):
            errors += self._customs_errors(item)
        service = self.service(item["Service"])
        upsells = tuple(dict.fromkeys(u["Type"] for u in item["Upsells"] or []))
        carriage = None
        places = [d for d in destinations if d is not None]  # each parcel's, if every one is known
        domestic = origin is not None and origin["zone"] == "domestic"
        if service is not None and domestic and len(places) == len(destinations):
            prices = [self.route_price(service, [p], d) for p, d in zip(item["Parcels"], places)]
            charges = [price for price in prices if price is not None]
            carriage = pricing.total(charges) if len(charges) == len(prices) else None
        if carriage is None or service is None:  # no carriage without a service
            errors.append(("Service", NO_PRICE))
        else:
            errors += [
                ("Upsell", f"The extra '{kind}' is not available on this service.")
                for kind in upsells
                if kind not in service["extras"]
            ]
        value = sum(p["EstimatedValue"] or 0 for p in item["Parcels"])
        extras = [
            (kind, self.extra_charge(kind, service, value, upsells))
            for kind in upsells
            if kind in self.extras and service is not None
        ]
        charge = pricing.total([carriage or pricing.NOTHING, *(c for _, c in extras)])
        return {
            "item": item,
            "service": item["Service"].lower(),
            "charge": charge,
            "extras": extras,
            "upsells": upsells,
            "collection_date": self._collection_date(service, item["CollectionDate"]),
        }

    def _collection_date(self, service: Mapping[str, Any] | None, asked: datetime | None) -> datetime | None:
        """The date asked for; none, or one before the service's first collection date (the docs'
        own examples book dates years past), gets that first date (the mock's proposal)."""
        if service is None:
            return asked
        first = pricing.first_collection(service, self._namespace.clock.now())
        if asked is None or pricing.uk(asked).date() < first:
            return datetime.combine(first, time(), pricing.UK)
        return asked

    def _place(self, address: Mapping[str, Any], side: str, errors: list[tuple[str, str]]) -> Mapping[str, Any] | None:
        """The country row of an address, once its parts are checked; None (and an error) if unknown."""
        country = self.country(address["CountryIsoCode"], address["Subdivision"])
        if country is None:
            errors.append(("Address", f"Please supply a valid {side} country."))
        else:
            self._check_address(address, country, side, errors)
        return country

    @staticmethod
    def _customs_errors(item: Mapping[str, Any]) -> list[tuple[str, str]]:
        errors = [("Customs", text) for name, text in CUSTOMS_ERRORS if not item[name]]
        if item["VatStatus"] == "Registered" and not item["VatNumber"]:
            errors.append(("Customs", "Please supply your VAT number."))
        if any(not parcel["Contents"] for parcel in item["Parcels"]):
            errors.append(("Customs", CONTENTS_ERROR))
        return errors

    @staticmethod
    def _check_address(
        address: Mapping[str, Any], country: Mapping[str, Any], side: str, errors: list[tuple[str, str]]
    ) -> None:
        for name, label in (("Property", "house name or number"), ("Street", "street"), ("Town", "town")):
            if not (address.get(name) or "").strip():
                errors.append(("Address", f"Please supply the {side} {label}."))
        pattern = country.get("postcode_regex")
        postcode = (address.get("Postcode") or "").strip()
        if pattern and not re.match(pattern, postcode):
            errors.append(("Address", f"Please supply a valid {side} postcode."))

    def create_order(self, account: str, request: Mapping[str, Any]) -> Order:
        priced = self.price_order(request)
        now = self._namespace.clock.now()
        order = Order(
            self._new_id(self._orders, 76_500_000, 99_999_999),
            self._new_hash(),
            account,
            now,
            dict(request["CustomerDetails"]),
            [],
        )
        for entry in priced:
            item = entry["item"]
            parcels = [
                Parcel(
                    p["Id"] or "00000000-0000-0000-0000-000000000000",
                    self._new_parcel_number(),
                    p["Weight"],
                    p["Length"],
                    p["Width"],
                    p["Height"],
                    p["EstimatedValue"] or 0,
                    dict(p["DeliveryAddress"]),
                    p["ContentsSummary"] or "",
                    list(p["Contents"] or []),
                )
                for p in item["Parcels"]
            ]
            line = OrderLine(
                self._new_id(self._lines, 115_100_000, 999_999_999),
                item["Id"],
                self._new_hash(),
                entry["service"],
                entry["collection_date"],
                dict(item["CollectionAddress"]),
                parcels,
                entry["upsells"],
                entry["charge"],
                entry["extras"],
                item["Reference"] or "",
                item["CustomerReference"] or "",
            )
            order.lines.append(line)
        self._store(order)
        return order

    def order(self, order_id: str) -> Order:
        order = self._orders.get(order_id.strip())
        if order is None:
            raise NotFound(f"The order '{order_id[:50]}' could not be found.")
        return order

    def order_with_hash(self, order_id: str, hash_: str) -> Order:
        """The order whose hash matches; a query string turns the hash's `+` into a space, and the
        real API still accepts it, so spaces count as `+` here too."""
        order = self.order(order_id)
        if hash_.replace(" ", "+") != order.hash:
            raise NotFound(f"The order '{order_id[:50]}' could not be found.")
        return order

    def line(self, line_id: str) -> tuple[Order, OrderLine]:
        found = self._lines.get(int(line_id)) if re.fullmatch(r"[0-9]{1,11}", line_id) else None
        if found is None:
            raise NotFound(f"The order line '{line_id[:50]}' could not be found.")
        return found

    def owned_order(self, account: str, order_id: str, hash_: str) -> Order:
        """The order, when it is the caller's: its account made it, or the caller knows its hash."""
        order = self.order(order_id)
        self._check_owner(account, order, hash_, (order.hash,))
        return order

    def owned_line(self, account: str, line_id: str, hash_: str) -> tuple[Order, OrderLine]:
        """The order line, when the caller's account made its order or the caller knows either hash."""
        order, line = self.line(line_id)
        self._check_owner(account, order, hash_, (order.hash, line.hash))
        return order, line

    @staticmethod
    def _check_owner(account: str, order: Order, hash_: str, hashes: tuple[str, ...]) -> None:
        if order.account != account and (not hash_ or hash_ not in hashes):
            raise NotFound(f"The order '{order.id}' could not be found.")

    # payment

    def pay(self, order: Order, account: str, hash_: str, card: str | None = None) -> None:
        """Pay by PrePay (debits the account's balance), or by the stored card `card` (no balance
        change), given the order's hash. PaymentRefused says why not: a wrong hash, an unknown card,
        an order paid already (when fixtures reject a repeat), or a balance that cannot cover it."""
        if hash_ != order.hash:
            raise PaymentRefused("InvalidHash", "The hash supplied is not valid for this order.")
        if card is not None and not any(str(c["Id"]) == card.strip() for c in self.account(account)["stored_cards"]):
            raise PaymentRefused("StoredCardNotFound", "The stored card could not be found.")
        if order.paid_at is not None and self._fixtures["repeat_payment"] == "reject":
            raise PaymentRefused("OrderAlreadyPaid", "This order has already been paid for.")
        amount = order.charge.total
        if card is None:
            if self._balances[account] < amount:
                raise PaymentRefused(
                    "InsufficientFunds",
                    f"Your PrePay balance of £{pricing.pounds(self._balances[account]):.2f} is not "
                    f"enough to pay £{pricing.pounds(amount):.2f}.",
                )
            self._balances[account] -= amount
        if order.paid_at is None:
            order.paid_at = self._namespace.clock.now()
            for line in order.lines:
                self._dispatch(line, order.paid_at)

    def _dispatch(self, line: OrderLine, paid_at: datetime) -> None:
        """A paid line gets its courier numbers and starts walking from its collection."""
        drop_off = self.drop_off(line)
        for parcel in line.parcels:
            parcel.tracking_number = self._tracking_number(self.services[line.service]["tracking_prefix"])
            if drop_off:
                parcel.print_in_store_barcode = f"P2G{self._digits(10)}"
        steps = steps_after(self._fixtures["tracking_walk"], max(paid_at, line.collection_date))
        if drop_off:
            first = steps[0]
            steps[0] = Step(
                dict(first.data, stage="DroppedOff", code="DRP", description="Dropped off at the drop shop"), first.at
            )
        self._walk(line, steps, since=paid_at)

    # tracking

    def tracking(self, line: OrderLine) -> list[Occurred]:
        if line.timeline is None:
            return []
        return [event for event in line.timeline.due(self._namespace.clock.now()) if "stage" in event.data]

    def stage(self, line: OrderLine) -> str | None:
        events = self.tracking(line)
        return events[-1].data["stage"] if events else None

    def _walk(self, line: OrderLine, steps: list[Step], since: datetime | None = None) -> None:
        """The line's stages and cases from `since` on (default: now), each sending its webhook as
        the namespace clock reaches it."""
        line.timeline = self._namespace.timelines.start(
            steps, lambda event: self._happened(line, event), history_before=since
        )

    def _happened(self, line: OrderLine, event: Occurred) -> None:
        if "case" in event.data:
            self._webhooks.emit("Case", case_document(line, event.data["case"]))
        else:
            self._webhooks.emit("Tracking", tracking_document(line, event.data, event.at))

    # fixtures and identifiers

    def _load_order(self, order_id: str, data: Mapping[str, Any]) -> None:
        origin = self._namespace.started_at
        order = Order(
            order_id,
            data["hash"],
            data["account"],
            parse_relative_time(data["created"], origin),
            dict(data["customer"]),
            [],
            parse_relative_time(data["paid"], origin) if "paid" in data else None,
        )
        for line_id, line_data in data["lines"].items():
            service = self.services[line_data["service"]]
            parcels = [
                Parcel(
                    f"00000000-0000-0000-0000-{index:012d}",
                    int(line_id) * 10 + index,
                    p["weight"],
                    p["length"],
                    p["width"],
                    p["height"],
                    p["value"],
                    dict(p["delivery_address"]),
                    p.get("contents", ""),
                    [],
                    p.get("tracking_number"),
                )
                for index, p in enumerate(line_data["parcels"], start=1)
            ]
            destination = self.country(
                parcels[0].delivery_address["CountryIsoCode"], parcels[0].delivery_address.get("Subdivision")
            )
            assert destination is not None, "the fixtures' addresses are checked at load"
            charge = self.route_price(service, [p.dimensions() for p in parcels], destination) or pricing.NOTHING
            line = OrderLine(
                int(line_id),
                line_data["item_id"],
                line_data["hash"],
                line_data["service"],
                parse_relative_time(line_data["collection_date"], origin),
                dict(line_data["collection_address"]),
                parcels,
                (),
                charge,
                [],
                reference=line_data.get("reference", ""),
                customer_reference=line_data.get("customer_reference", ""),
            )
            order.lines.append(line)
            self._walk(line, steps_from_fixture(line_data.get("events", []), origin))
        self._store(order)

    def _store(self, order: Order) -> None:
        self._orders[order.id] = order
        for line in order.lines:
            self._lines[line.id] = (order, line)

    def _new_id(self, taken: Mapping, low: int, high: int) -> Any:
        while True:
            number = self._namespace.rng.randint(low, high)
            key = str(number) if taken is self._orders else number
            if key not in taken:
                return key

    def _new_parcel_number(self) -> int:
        return self._namespace.rng.randint(300_000_000, 399_999_999)

    def _new_hash(self) -> str:
        return base64.b64encode(self._namespace.rng.getrandbits(256).to_bytes(32, "big")).decode("ascii")

    def _digits(self, count: int) -> str:
        return f"{self._namespace.rng.randrange(10**count):0{count}d}"

    def _tracking_number(self, prefix: str) -> str:
        return prefix + self._digits(max(14 - len(prefix), 6))


def _distance(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in metres (haversine)."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(h))


def check_fixtures(fixtures: Mapping[str, Any]):
    """What the schema cannot say: names that must point at something defined elsewhere."""
    for client_id, client in fixtures["clients"].items():
        yield from unknown(client["account"], fixtures["accounts"], ("clients", client_id, "account"), "accounts")
    for slug, service in fixtures["services"].items():
        for kind in service["extras"]:
            yield from unknown(kind, fixtures["extras"], ("services", slug, "extras"), "extras")
        for zone in service["zones"]:
            yield from unknown(zone, fixtures["zones"], ("services", slug, "zones"), "zones")
    for row, country in enumerate(fixtures["countries"]):
        yield from unknown(country["zone"], fixtures["zones"], ("countries", row, "zone"), "zones")
    for order_id, order in fixtures["orders"].items():
        yield from unknown(order["account"], fixtures["accounts"], ("orders", order_id, "account"), "accounts")
        for line_id, line in order["lines"].items():
            where = ("orders", order_id, "lines", line_id, "service")
            yield from unknown(line["service"], fixtures["services"], where, "services")
