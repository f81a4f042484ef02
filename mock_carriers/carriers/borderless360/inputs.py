"""The request bodies Borderless360 accepts (carriers.md section 2.2), as DRF serializers.

Rules that need the namespace's data (a SKU that exists, a unique customer reference) are the
model's; these are the shapes and types. Limits are generous but finite (the mock's own).
"""

from __future__ import annotations

import re
from decimal import Decimal

from mock_carriers.core.drf.serializers import Char, Date, DecimalNumber, Email, FieldError, Integer, Many, Nested

COUNTRY = re.compile(r"[A-Z]{2}\Z")
PACKAGE_TYPES = ("box", "pallet", "container")
CONTAINER_TYPES = ("ft20_pallet", "ft20_floor", "ft40_pallet", "ft40_floor", "ft40hc_pallet", "ft40hc_floor")
ITEM_TYPES = ("single", "carton")
ORDER_TYPES = ("in_store", "asn")
PRICE_SOURCES = ("declared_price", "wholesale_price", "retail_price")


class Country(Char):
    """An ISO 3166-1 alpha-2 code, the choice field DRF shows for `country`."""

    def clean(self, value, partial):
        text = super().clean(value, partial)
        if text and not COUNTRY.match(text):
            raise FieldError([f'"{text[:100]}" is not a valid choice.'])
        return text


def _optional(max_length: int = 255) -> Char:
    return Char(required=False, allow_blank=True, max_length=max_length)


ADDRESS = Nested(
    fields={
        "full_name": Char(max_length=255),
        "email": Email(required=False, allow_blank=True, max_length=254),
        "company": _optional(),
        "phone": _optional(50),
        "address_1": Char(max_length=255),
        "address_2": _optional(),
        "address_3": _optional(),
        "district": _optional(),
        "state": _optional(),
        "city": Char(max_length=255),
        "postal_code": _optional(20),
        "country": Country(),
    }
)

ORDER_ITEM = Nested(
    fields={
        "sku": Char(max_length=100),
        "quantity": Integer(min_value=1, max_value=1_000_000),
        "customs_value": DecimalNumber(required=False, min_value=Decimal(0)),
        "customs_value_currency": Char(required=False, max_length=3),
        "quantity_per_item": Integer(required=False, min_value=1),
        "order_item_type": Char(required=False, choices=ITEM_TYPES),
    }
)

PACKAGE = Nested(
    fields={
        "quantity": Integer(min_value=1, max_value=100_000),
        "length": DecimalNumber(required=False, min_value=Decimal(0)),
        "width": DecimalNumber(required=False, min_value=Decimal(0)),
        "height": DecimalNumber(required=False, min_value=Decimal(0)),
        "weight": DecimalNumber(min_value=Decimal(0), places=3),
        "package_type": Char(choices=PACKAGE_TYPES),
        "container_type": Char(required=False, choices=CONTAINER_TYPES),
    }
)

ORDER = Nested(
    fields={
        "order_type": Char(required=False, choices=ORDER_TYPES),  # absent: see model.order_type_of
        "customer_reference": Char(required=False, max_length=255),  # absent: the order's own reference
        "destination_address": Nested(required=False, fields=ADDRESS.fields),
        "source_address": Nested(required=False, fields=ADDRESS.fields),
        "source": _optional(100),
        "courier_reference": _optional(),
        "notes": _optional(5000),
        "order_items": Many(child=ORDER_ITEM, allow_empty=False, max_length=500),
        "three_pl": Char(required=False, max_length=255),
        "customs": Nested(required=False, fields={"reason_of_export": Char(max_length=100)}),
        "fulfilment": Nested(
            required=False, fields={"packages": Many(child=PACKAGE, max_length=500), "tracking_number": _optional()}
        ),
        "asn_details": Nested(required=False, fields={"eta_date": Date()}),
    }
)

RETURN = Nested(
    fields={
        "order_id": Integer(min_value=None),
        "email": Email(required=False, allow_blank=True),
        "customer_reference": Char(max_length=255),  # the docs' example returns 0 of an item: 0 is taken
        "order_items": Many(
            child=Nested(fields={"sku": Char(max_length=100), "quantity": Integer(min_value=0)}),
            allow_empty=False,
            max_length=500,
        ),
        "notes": _optional(5000),
        "source": _optional(100),
    }
)

_DIMENSION = DecimalNumber(required=False, min_value=Decimal(0), places=3)
_PRICE = DecimalNumber(required=False, min_value=Decimal(0), places=2)
PRODUCT = Nested(
    fields={
        "sku": Char(max_length=100),
        "title": Char(max_length=255),
        "barcode": _optional(100),
        "image": _optional(1000),
        "country_of_manufacture": Country(required=False),
        "hs_code": _optional(20),
        "tax_code": _optional(20),
        "customs_description": _optional(),
        "local_customs_description": _optional(),
        "customs_value_source": Char(required=False, choices=PRICE_SOURCES),
        "declared_price": _PRICE,
        "wholesale_price": _PRICE,
        "retail_price": _PRICE,
        "width": _DIMENSION,
        "length": _DIMENSION,
        "height": _DIMENSION,
        "weight": _DIMENSION,
        "safety_stock": Integer(required=False, min_value=0),
        "inventory_levels": Many(required=False, max_length=0),
    }
)

ADJUSTMENT = Nested(
    fields={
        "three_pl": Integer(min_value=1),
        "reference": _optional(),
        "comment": _optional(5000),
        "lines": Many(
            child=Nested(
                fields={
                    "product": Integer(min_value=1),
                    "adjustment_type": Char(choices=("add", "set")),
                    "quantity": Integer(min_value=0, max_value=10_000_000),
                }
            ),
            allow_empty=False,
            max_length=1000,
        ),
    }
)
