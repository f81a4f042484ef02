"""Borderless360's catalogue and warehouse stock: products, inventory levels per 3PL, stock
adjustments and the transactions every stock change leaves. Stock only ever changes through
`move`, so the transactions always add up to the levels."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Mapping

PRICE_SOURCES = {
    "declared_price": "Declared price",
    "wholesale_price": "Wholesale price",
    "retail_price": "Retail price",
}


@dataclass
class Product:
    id: int
    client: str
    data: dict  # the serializer's fields, decimals as Decimal
    created: datetime


@dataclass
class Level:
    id: int
    three_pl: int
    product: int
    quantity: int


@dataclass
class Transaction:
    id: int
    content_type: str  # "order" or "stockadjustment"
    object_id: int
    level: Level
    quantity: int  # the change
    current_quantity: int  # the level after it
    created: datetime


@dataclass
class Adjustment:
    id: int
    client: str
    three_pl: int
    reference: str
    comment: str
    created: datetime


class Stock:
    def __init__(self, fixtures: Mapping[str, Any], origin: datetime, parse_time) -> None:
        self.products: dict[int, Product] = {}
        for row in fixtures["products"]:
            data = {key: value for key, value in row.items() if key not in ("id", "client", "created")}
            for name in ("width", "length", "height", "weight", "declared_price", "wholesale_price", "retail_price"):
                data[name] = Decimal(str(data[name]))
            self.products[row["id"]] = Product(row["id"], row["client"], data, parse_time(row["created"], origin))
        self.levels: dict[tuple[int, int], Level] = {
            (row["three_pl"], row["product"]): Level(row["id"], row["three_pl"], row["product"], row["stock_quantity"])
            for row in fixtures["inventory"]
        }
        self.adjustments: dict[int, Adjustment] = {}
        self.transactions: list[Transaction] = []
        self._product_ids = itertools.count(max(self.products, default=100) + 1)
        self._level_ids = itertools.count(max((lv.id for lv in self.levels.values()), default=10_000) + 1)
        history = fixtures.get("stock_adjustments", [])
        self._adjustment_ids = itertools.count(max((row["id"] for row in history), default=2399) + 1)
        self._transaction_ids = itertools.count(4_569_000)
        for row in history:
            self._remember(row, parse_time(row["created"], origin))

    # products

    def of_client(self, client: str) -> list[Product]:
        return [p for p in self.products.values() if p.client == client]

    def product(self, client: str, product_id: int) -> Product | None:
        found = self.products.get(product_id)
        return found if found is not None and found.client == client else None

    def by_sku(self, client: str, sku: str) -> Product | None:
        return next((p for p in self.products.values() if p.client == client and p.data["sku"] == sku), None)

    def add_product(self, client: str, data: dict, now: datetime) -> Product:
        product = Product(next(self._product_ids), client, data, now)
        self.products[product.id] = product
        return product

    # levels and their changes

    def levels_of(self, client: str) -> list[Level]:
        return sorted(
            (lv for lv in self.levels.values() if self.products[lv.product].client == client), key=lambda lv: lv.id
        )

    def move(
        self,
        three_pl: int,
        product: int,
        change: int | None,
        content_type: str,
        object_id: int,
        now: datetime,
        set_to: int | None = None,
    ) -> Transaction:
        """Change (or set) one level, creating it if new, and record the transaction."""
        level = self.levels.get((three_pl, product))
        if level is None:
            level = self.levels[(three_pl, product)] = Level(next(self._level_ids), three_pl, product, 0)
        before = level.quantity
        level.quantity = set_to if set_to is not None else before + (change or 0)
        transaction = Transaction(
            next(self._transaction_ids), content_type, object_id, level, level.quantity - before, level.quantity, now
        )
        self.transactions.append(transaction)
        return transaction

    def adjust(
        self, client: str, three_pl: int, reference: str, comment: str, lines: list[dict], now: datetime
    ) -> Adjustment:
        adjustment = Adjustment(next(self._adjustment_ids), client, three_pl, reference, comment, now)
        self.adjustments[adjustment.id] = adjustment
        for line in lines:
            add = line["adjustment_type"] == "add"
            self.move(
                three_pl,
                line["product"],
                line["quantity"] if add else None,
                "stockadjustment",
                adjustment.id,
                now,
                set_to=None if add else line["quantity"],
            )
        return adjustment

    def _remember(self, row: Mapping[str, Any], created: datetime) -> None:
        """A fixture's past adjustment: its transactions are recorded, the levels (which are after
        it) stay as they are."""
        adjustment = Adjustment(
            row["id"], row["client"], row["three_pl"], row.get("reference", ""), row.get("comment", ""), created
        )
        self.adjustments[adjustment.id] = adjustment
        for line in row["lines"]:
            level = self.levels.get((row["three_pl"], line["product"]))
            if level is None:
                level = self.levels[(row["three_pl"], line["product"])] = Level(
                    next(self._level_ids), row["three_pl"], line["product"], 0
                )
            change = line["quantity"] if line["adjustment_type"] == "add" else line["quantity"] - level.quantity
            self.transactions.append(
                Transaction(
                    next(self._transaction_ids),
                    "stockadjustment",
                    adjustment.id,
                    level,
                    change,
                    level.quantity,
                    created,
                )
            )

    def transactions_of(self, client: str) -> list[Transaction]:
        return [t for t in self.transactions if self.products[t.level.product].client == client]
