"""Borderless360 state and rules: clients, 3PLs, stock (stock.py), orders walking their states on
the namespace clock, returns and serial numbers. No Flask here.

Each order walks a timeline on the namespace (core/timelines.py): as a step falls due it is
applied, with its effects (state, tracking, stock) and webhooks. Every public call first settles
the namespace up to now, so a read after the clock was set sees every step before it. Steps before
the namespace started are history: they set states and tracking but neither move stock (the
fixture's stock is after them) nor send webhooks.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, Callable, Mapping

from mock_carriers.carriers.borderless360.stock import Stock
from mock_carriers.core.drf.serializers import REQUIRED
from mock_carriers.core.durations import parse_relative_time
from mock_carriers.core.errors import BadRequest, Invalid, NotFound
from mock_carriers.core.fixtures import unknown
from mock_carriers.core.lifecycle import Occurred, Step, steps_after, steps_from_fixture
from mock_carriers.core.namespaces import Namespace
from mock_carriers.core.timelines import StartedTimeline
from mock_carriers.core.webhooks import CarrierWebhooks

ACTIONS = {"draft": ["cancel"], "processing": ["cancel"], "shipping": ["return"], "delivered": ["return"]}
RETURNABLE = ("shipping", "delivered")
EDITABLE = ("draft", "processing")


def reference_of(order_id: int) -> str:
    return f"GVS{order_id:07d}"


def order_type_of(data: Mapping[str, Any]) -> str:
    """An order sent without `order_type` (the docs' ASN example has none): inbound when it names
    a 3PL or ASN details, else outbound. The mock's reading of that example."""
    return "asn" if data.get("three_pl") or data.get("asn_details") else "in_store"


def display(value: str) -> str:
    """DRF's choice display: "in_transit" -> "In transit"."""
    return value.replace("_", " ").capitalize()


@dataclass
class Order:
    id: int
    client: str
    order_type: str
    customer_reference: str
    created: datetime
    data: dict  # what the client sent (cleaned): addresses, items, notes, ...
    ids: dict  # the related objects' ids: destination_address, source_address, fulfilment, customs
    items: list[dict]  # {id, sku, product, quantity, quantity_per_item, order_item_type, customs_value, currency}
    three_pl: int | None
    shipping_option: str | None
    state: str = "draft"
    timeline: StartedTimeline | None = None  # its walk: steps of {state, tracking ({status, message})}
    tracking: list[dict] = field(default_factory=list)  # {status, message, at}, oldest first
    tracking_number: str | None = None
    shipped_at: datetime | None = None
    delivered_at: datetime | None = None
    is_return: bool = False
    shipping_label: str = ""  # a return's label URL, made when it is created

    @property
    def reference(self) -> str:
        return reference_of(self.id)

    @property
    def actions(self) -> list[str]:
        return [] if self.is_return else list(ACTIONS.get(self.state, []))

    @property
    def eta(self) -> datetime | None:
        """When the walk delivers it (None once delivered, or with no delivery ahead)."""
        if self.delivered_at is not None or self.timeline is None:
            return None
        return next((step.at for step in self.timeline.pending() if step.data.get("state") == "delivered"), None)


class Borderless360Model:
    def __init__(self, fixtures: Mapping[str, Any], namespace: Namespace, webhooks: CarrierWebhooks) -> None:
        self._fixtures = fixtures
        self._namespace = namespace
        self._webhooks = webhooks
        self._started = namespace.started_at
        self.stock = Stock(fixtures, self._started, parse_relative_time)
        self.orders: dict[int, Order] = {}
        self.serials: list[dict] = []
        self._ids = itertools.count(max(map(int, fixtures["orders"]), default=383_000) + 1)
        self._related_ids = itertools.count(1_015_352)
        self._item_ids = itertools.count(8_579_178)
        self._serial_ids = itertools.count(1)
        for order_id, data in fixtures["orders"].items():
            self._load(int(order_id), data)
        for order_id, serials in fixtures.get("serial_numbers", {}).items():
            for serial in serials:
                self._add_serial(
                    int(order_id),
                    serial["product_sku"],
                    serial["serial_number"],
                    parse_relative_time(serial["created"], self._started),
                )
        namespace.timelines.settle()  # the history, and what fell due since the namespace started

    # reference data

    @property
    def three_pls(self) -> list[Mapping[str, Any]]:
        return self._fixtures["three_pls"]

    def three_pl(self, three_pl_id: int | None) -> Mapping[str, Any] | None:
        return next((t for t in self.three_pls if t["id"] == three_pl_id), None)

    def warehouse_address(self, three_pl_id: int | None) -> Mapping[str, Any] | None:
        """A 3PL's own address (with its id): where its outbound orders leave from, returns go to."""
        row = self.three_pl(three_pl_id)
        return row["address"] if row else None

    def source_address(self, order: Order) -> tuple[int | None, Mapping[str, Any] | None]:
        """The order's source address and its id: its own when one was sent, else (outbound) the
        warehouse it ships from, as the docs' create response and full order show."""
        own = order.data.get("source_address")
        if own:
            return order.ids["source_address"], own
        warehouse = self.warehouse_address(order.three_pl) if order.order_type == "in_store" else None
        return (warehouse["id"], warehouse) if warehouse else (None, None)

    def shipping_option(self, name: str | None) -> Mapping[str, Any] | None:
        return self._fixtures["shipping_options"].get(name) if name else None

    def now(self) -> datetime:
        return self._namespace.clock.now()

    # the walk

    def _walk(self, order: Order, steps: list[Step]) -> None:
        order.timeline = self._namespace.timelines.start(
            steps,
            on_due=lambda event: self._apply(order, event, history=False),
            on_history=lambda event: self._apply(order, event, history=True),
            history_before=self._started,
        )

    def _apply(self, order: Order, event: Occurred, history: bool) -> None:
        option = self.shipping_option(order.shipping_option)
        state, tracking, at = event.data.get("state"), event.data.get("tracking"), event.at
        if state:
            order.state = state
            if state == "packed" and not history:
                self._serialise(order, at)
            if state == "shipping":
                order.shipped_at = at
                order.tracking_number = order.tracking_number or self._tracking_number(option)
                if not history and order.three_pl is not None:  # stock is kept at a 3PL's warehouse
                    for item in order.items:
                        self.stock.move(order.three_pl, item["product"], -item["quantity"], "order", order.id, at)
            if state == "received" and not history and order.three_pl is not None:
                for item in order.items:
                    self.stock.move(
                        order.three_pl,
                        item["product"],
                        item["quantity"] * item["quantity_per_item"],
                        "order",
                        order.id,
                        at,
                    )
            if state == "delivered":
                order.delivered_at = at
        if tracking:
            order.tracking.append({**tracking, "at": at})
        if not history:  # the full order on state and tracking changes alike, as the docs say
            self._emit("order_update", order)
            if tracking:
                self._emit("tracking_update", order)

    def _emit(self, event: str, order: Order) -> None:
        from mock_carriers.carriers.borderless360.webhooks import document  # deferred: its outputs read this module

        self._webhooks.emit(event, document(event, self, order))

    # orders

    def orders_of(self, client: str) -> list[Order]:
        return sorted((o for o in self.orders.values() if o.client == client), key=lambda o: -o.id)

    def order(self, client: str, order_id: str) -> Order:
        found = (
            self.orders.get(int(order_id)) if order_id.isascii() and order_id.isdigit() and len(order_id) < 12 else None
        )
        if found is None or found.client != client:
            raise NotFound()
        return found

    def create_order(self, client: str, data: dict) -> Order:
        data = {**data, "order_type": data.get("order_type") or order_type_of(data)}
        items, three_pl, option = self._check_order(client, data)
        now = self.now()
        order_id = next(self._ids)
        data.setdefault("customer_reference", reference_of(order_id))
        order = Order(
            order_id,
            client,
            data["order_type"],
            data["customer_reference"],
            now,
            data,
            self._new_related(data),
            items,
            three_pl,
            option,
        )
        walk = self._fixtures["outbound_walk" if order.order_type == "in_store" else "inbound_walk"]
        order.tracking_number = (data.get("fulfilment") or {}).get("tracking_number") or None  # an ASN's own
        self.orders[order.id] = order
        self._emit("order_update", order)
        self._walk(order, steps_after(walk, now))
        return order

    def update_order(self, client: str, order: Order, data: dict, partial: bool) -> Order:
        if order.state not in EDITABLE:
            raise BadRequest(f'Order in state "{order.state}" can not be edited.')
        merged = {
            **data,
            "order_type": data.get("order_type") or order.order_type,
            "customer_reference": data.get("customer_reference") or order.customer_reference,
        }
        if partial:  # a nested object sent in part updates the fields sent, as a nested serializer's update does
            merged = {
                **order.data,
                **{
                    key: {**order.data[key], **value}
                    if isinstance(value, dict) and isinstance(order.data.get(key), dict)
                    else value
                    for key, value in data.items()
                },
            }
        items, three_pl, option = self._check_order(client, merged, exclude=order)
        order.data = merged
        order.customer_reference, order.order_type = merged["customer_reference"], merged["order_type"]
        order.items, order.three_pl, order.shipping_option = items, three_pl, option
        for name in ("destination_address", "source_address"):
            if merged.get(name) and order.ids.get(name) is None:
                order.ids[name] = next(self._related_ids)
        return order

    def cancel(self, order: Order) -> Order:
        if "cancel" not in order.actions:
            raise BadRequest(f'Action "cancel" is not available for an order in state "{order.state}".')
        order.state = "cancelled"
        if order.timeline is not None:
            order.timeline.stop()
        self._emit("order_update", order)
        return order

    def _check_order(self, client: str, data: dict, exclude: Order | None = None):
        """What a serializer's validate() would check against the database; Invalid on failure."""
        errors: dict = {}
        in_store = data["order_type"] == "in_store"
        required = ("destination_address", "courier_reference") if in_store else ("three_pl", "source_address")
        for name in required:
            if not data.get(name):
                errors[name] = [REQUIRED]
        if data.get("customer_reference") and any(
            o.customer_reference == data["customer_reference"]
            for o in self.orders.values()
            if o.client == client and o is not exclude
        ):
            errors["customer_reference"] = ["order with this customer reference already exists."]
        option = self.shipping_option(data.get("courier_reference")) if in_store else None
        if in_store and data.get("courier_reference") and option is None:
            errors["courier_reference"] = [f'Shipping option "{data["courier_reference"][:100]}" does not exist.']
        three_pl = option["three_pl"] if option else None
        if not in_store and data.get("three_pl"):
            found = next((t for t in self.three_pls if t["company_name"] == data["three_pl"]), None)
            if found is None:
                errors["three_pl"] = [f"Object with company_name={data['three_pl'][:100]} does not exist."]
            three_pl = found["id"] if found else None
        item_errors, items = [], []
        for item in data["order_items"]:
            product = self.stock.by_sku(client, item["sku"])
            item_errors.append({} if product else {"sku": [f"Object with sku={item['sku'][:100]} does not exist."]})
            if product:
                items.append(
                    {
                        "id": next(self._item_ids),
                        "sku": item["sku"],
                        "product": product.id,
                        "quantity": item["quantity"],
                        "quantity_per_item": item.get("quantity_per_item") or 1,
                        "order_item_type": item.get("order_item_type") or "single",
                        "customs_value": item.get("customs_value"),
                        "currency": item.get("customs_value_currency") or "",
                    }
                )
        if any(item_errors):
            errors["order_items"] = item_errors
        elif len({item["currency"] for item in items if item["currency"]}) > 1:
            errors["order_items"] = ["The currency must be the same across all ordered items."]
        if errors:
            raise Invalid(errors)
        return items, three_pl, data.get("courier_reference") if in_store else None

    def _new_related(self, data: dict) -> dict:
        ids: dict[str, int | None] = {"fulfilment": next(self._related_ids), "customs": next(self._related_ids)}
        for name in ("destination_address", "source_address"):
            ids[name] = next(self._related_ids) if data.get(name) else None
        return ids

    # returns

    def create_return(self, client: str, data: dict, label_url: Callable[[str], str]) -> Order:
        original = self.orders.get(data["order_id"])
        if original is None or original.client != client:
            raise Invalid({"order_id": [f'Invalid pk "{data["order_id"]}" - object does not exist.']})
        if original.state not in RETURNABLE or original.is_return:
            raise Invalid({"non_field_errors": ["A return is not available for this order."]})
        errors: dict = {}
        if any(o.customer_reference == data["customer_reference"] for o in self.orders.values() if o.client == client):
            errors["customer_reference"] = ["order with this customer reference already exists."]
        shipped = {item["sku"]: item for item in original.items}
        item_errors = []
        for item in data["order_items"]:
            sent = shipped.get(item["sku"])
            if sent is None:
                item_errors.append({"sku": [f"Object with sku={item['sku'][:100]} is not in the order."]})
            elif item["quantity"] > sent["quantity"]:
                item_errors.append({"quantity": [f"Ensure this value is less than or equal to {sent['quantity']}."]})
            else:
                item_errors.append({})
        if any(item_errors):
            errors["order_items"] = item_errors
        if errors:
            raise Invalid(errors)
        now = self.now()
        option_name = "Returns"
        warehouse = self.warehouse_address(original.three_pl)
        if warehouse is None:  # nowhere to send it back to
            raise Invalid({"non_field_errors": ["A return is not available for this order."]})
        returned = Order(
            next(self._ids),
            client,
            "in_store",
            data["customer_reference"],
            now,
            {
                **data,
                "source": data.get("source") or "API",
                "notes": data.get("notes") or "",
                "destination_address": dict(warehouse),
                "source_address": original.data.get("destination_address"),
            },
            {
                "fulfilment": next(self._related_ids),
                "customs": next(self._related_ids),
                "destination_address": warehouse["id"],
                "source_address": next(self._related_ids),
            },
            [
                {**shipped[item["sku"]], "id": next(self._item_ids), "quantity": item["quantity"]}
                for item in data["order_items"]
            ],
            original.three_pl,
            option_name,
            is_return=True,
        )
        returned.tracking_number = self._tracking_number(self.shipping_option(option_name))
        returned.shipping_label = label_url(returned.reference)
        returned.tracking.append({"status": "pending", "message": "Return label created", "at": now})
        self.orders[returned.id] = returned
        self._emit("order_update", returned)
        return returned

    # serial numbers

    def _serialise(self, order: Order, at: datetime) -> None:
        """Serial numbers for the serialised products packed, unless the fixtures gave them already."""
        given = {s["product_sku"] for s in self.serials if s["order"] == order.id}
        for item in order.items:
            product = self.stock.products[item["product"]]
            if product.data.get("serial_tracking") and item["sku"] not in given:
                for unit in range(1, item["quantity"] + 1):
                    self._add_serial(order.id, item["sku"], f"{item['sku']}-{order.id}-{unit:03d}", at)

    def _add_serial(self, order_id: int, sku: str, number: str, at: datetime) -> None:
        self.serials.append(
            {
                "id": next(self._serial_ids),
                "order": order_id,
                "product_sku": sku,
                "serial_number": number,
                "created": at,
                "modified": at,
            }
        )

    def serials_of(self, client: str) -> list[dict]:
        now = self.now()
        return sorted(
            (s for s in self.serials if s["created"] <= now and self.orders[s["order"]].client == client),
            key=lambda s: (s["created"], s["id"]),
        )  # oldest first

    # fixtures and identifiers

    def _load(self, order_id: int, data: Mapping[str, Any]) -> None:
        def at(text: str) -> datetime:
            return parse_relative_time(text, self._started)

        kind = data.get("order_type", "in_store")
        option = self.shipping_option(data.get("courier_reference"))
        three_pl = (
            option["three_pl"]
            if option
            else next((t["id"] for t in self.three_pls if t["company_name"] == data.get("three_pl")), None)
        )
        body = {key: value for key, value in data.items() if key not in ("client", "created", "events")}
        if "asn_details" in body:
            body["asn_details"] = {"eta_date": at(body["asn_details"]["eta_date"]).date()}
        items = []
        for item in data["order_items"]:
            product = self.stock.by_sku(data["client"], item["sku"])
            assert product is not None, "the fixtures' order items name their client's products (checked at load)"
            items.append(
                {
                    "id": next(self._item_ids),
                    "sku": item["sku"],
                    "product": product.id,
                    "quantity": item["quantity"],
                    "quantity_per_item": item.get("quantity_per_item", 1),
                    "order_item_type": item.get("order_item_type", "single"),
                    "customs_value": Decimal(item["customs_value"]) if "customs_value" in item else None,
                    "currency": item.get("customs_value_currency", ""),
                }
            )
        order = Order(
            order_id,
            data["client"],
            kind,
            data["customer_reference"],
            at(data["created"]),
            {**body, "order_type": kind, "source": data.get("source", "API")},
            self._new_related(body),
            items,
            three_pl,
            data.get("courier_reference"),
        )
        order.tracking_number = (data.get("fulfilment") or {}).get("tracking_number") or None
        self.orders[order_id] = order
        self._walk(order, steps_from_fixture(data["events"], self._started))

    def _tracking_number(self, option: Mapping[str, Any] | None) -> str:
        with self._namespace.lock:
            digits = f"{self._namespace.rng.randrange(10**12):012d}"
        return (option["prefix"] if option else "B360") + digits


def check_fixtures(fixtures: Mapping[str, Any]):
    """What the schema cannot say: every name that points elsewhere points at something."""
    three_pls = {t["id"] for t in fixtures["three_pls"]}
    names = {t["company_name"] for t in fixtures["three_pls"]}
    products = {p["id"]: p for p in fixtures["products"]}
    clients = fixtures["clients"]
    for name, option in fixtures["shipping_options"].items():
        yield from unknown(option["three_pl"], three_pls, ("shipping_options", name, "three_pl"), "three_pls")
    for index, level in enumerate(fixtures["inventory"]):
        yield from unknown(level["three_pl"], three_pls, ("inventory", index, "three_pl"), "three_pls")
        yield from unknown(level["product"], products, ("inventory", index, "product"), "products")
    for index, product in enumerate(fixtures["products"]):
        yield from unknown(product["client"], clients, ("products", index, "client"), "clients")
    for order_id, order in fixtures["orders"].items():
        yield from unknown(order["client"], clients, ("orders", order_id, "client"), "clients")
        if order.get("courier_reference") and order["courier_reference"] not in fixtures["shipping_options"]:
            yield ("orders", order_id, "courier_reference"), "not one of the shipping_options"
        if order.get("three_pl") and order["three_pl"] not in names:
            yield ("orders", order_id, "three_pl"), "not the company_name of one of the three_pls"
        for index, item in enumerate(order["order_items"]):
            if not any(p["sku"] == item["sku"] and p["client"] == order["client"] for p in products.values()):
                yield (
                    ("orders", order_id, "order_items", index, "sku"),
                    f"{item['sku']!r} is not a product of the client",
                )
    for order_id in fixtures.get("serial_numbers", {}):
        if order_id not in fixtures["orders"]:
            yield ("serial_numbers", order_id), "not one of the orders"
    for index, adjustment in enumerate(fixtures.get("stock_adjustments", [])):
        yield from unknown(adjustment["client"], clients, ("stock_adjustments", index, "client"), "clients")
        yield from unknown(adjustment["three_pl"], three_pls, ("stock_adjustments", index, "three_pl"), "three_pls")
        for position, line in enumerate(adjustment["lines"]):
            if products.get(line["product"], {}).get("client") != adjustment["client"]:
                yield (
                    ("stock_adjustments", index, "lines", position, "product"),
                    f"{line['product']} is not a product of the client",
                )
