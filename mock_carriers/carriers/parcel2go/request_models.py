"""The request bodies Parcel2Go's API binds (carriers.md section 4.2), as model-binding specs.

Field names are the documented PascalCase ones; clients may send any case, and forms too.
Limits are the mock's (marked as guesses in the contract): generous for real parcels, small
enough that no request can make the mock do unbounded work.
"""

from dataclasses import dataclass
from typing import Any, Mapping

from mock_carriers.core.aspnet.model_validation import Errors, Field, Guid, Instant, ListOf, Number, Obj, Text

EXTRA_TYPES = ("Sms", "Signature", "Cover", "DeliveryGuarantee", "ExtendedBaseCover", "PrintInStore")
EXPORT_REASONS = ("Sale", "Gift", "Sample", "Repair", "Documents", "IntraCompanyTransfer", "TemporaryExport")
VAT_STATUSES = ("Individual", "NotRegistered", "Registered")
MAX_PARCELS, MAX_ITEMS = 20, 50

WEIGHT_KG = Number(required=True, minimum=0.01, maximum=1000)
SIDE_CM = Number(required=True, minimum=0.1, maximum=1000)
VALUE = Number(minimum=0, maximum=1_000_000)
EXTRA_TYPE = Text(required=True, choices=EXTRA_TYPES)


@dataclass(frozen=True)
class Extra(Field):
    """An extra: `{"Type": "Sms"}` as the docs send it, or the bare name `Sms`, as Parcel2Go's own
    WooCommerce plugin posts it (`Items[0][Upsells][0]=Cover`)."""

    def convert(self, value: Any, path: str, errors: Errors) -> Any:
        if isinstance(value, Mapping):
            return Obj(fields={"Type": EXTRA_TYPE}).convert(value, path, errors)
        return {"Type": EXTRA_TYPE.convert(value, path, errors)}


EXTRAS = ListOf(Extra(), max_items=len(EXTRA_TYPES))

QUOTE_ADDRESS = Obj(
    required=True,
    fields={
        "Country": Text(required=True, max_length=3),
        "Postcode": Text(max_length=20),
        "Property": Text(),
        "Street": Text(),
        "Town": Text(),
        "VatStatus": Text(choices=VAT_STATUSES),
        "Subdivision": Text(max_length=20),
    },
)

QUOTE = Obj(
    fields={
        "CollectionAddress": QUOTE_ADDRESS,
        "DeliveryAddress": QUOTE_ADDRESS,
        "Parcels": ListOf(
            Obj(fields={"Value": VALUE, "Weight": WEIGHT_KG, "Length": SIDE_CM, "Width": SIDE_CM, "Height": SIDE_CM}),
            required=True,
            min_items=1,
            max_items=MAX_PARCELS,
        ),
        "Extras": EXTRAS,
    }
)

ADDRESS = Obj(
    required=True,
    fields={
        "ContactName": Text(max_length=100),
        "Organisation": Text(max_length=100),
        "Email": Text(max_length=200),
        "Phone": Text(max_length=50),
        "Property": Text(max_length=100),
        "Street": Text(max_length=200),
        "Locality": Text(max_length=100),
        "Town": Text(max_length=100),
        "County": Text(max_length=100),
        "Postcode": Text(max_length=20),
        "CountryIsoCode": Text(required=True, max_length=3),
        "CountryId": Number(integer=True),
        "SpecialInstructions": Text(max_length=500),
        "Subdivision": Text(max_length=20),
        "ShopId": Number(integer=True),
    },
)

CONTENTS = ListOf(
    Obj(
        fields={
            "Description": Text(required=True, max_length=200),
            "Quantity": Number(integer=True, minimum=1, maximum=100_000),
            "EstimatedValue": VALUE,
            "TariffCode": Text(max_length=20),
            "OriginCountry": Text(max_length=3),
        }
    ),
    max_items=100,
)

ORDER_PARCEL = Obj(
    fields={
        "Id": Guid(),
        "Weight": WEIGHT_KG,
        "Length": SIDE_CM,
        "Width": SIDE_CM,
        "Height": SIDE_CM,
        "EstimatedValue": VALUE,
        "DeliveryAddress": ADDRESS,
        "ContentsSummary": Text(max_length=200),
        "Contents": CONTENTS,
    }
)

ORDER_ITEM = Obj(
    fields={
        "Id": Guid(required=True),
        "CollectionDate": Instant(),
        "Service": Text(required=True, max_length=100),
        "Upsells": EXTRAS,
        "Reference": Text(max_length=100),
        "CustomerReference": Text(max_length=100),
        "OriginCountry": Text(max_length=3),
        "ExportReason": Text(choices=EXPORT_REASONS),
        "VatStatus": Text(choices=VAT_STATUSES),
        "VatNumber": Text(max_length=50),
        "EoriNumber": Text(max_length=50),
        "NifNumber": Text(max_length=50),
        "IOSSCode": Text(max_length=50),
        "Parcels": ListOf(ORDER_PARCEL, required=True, min_items=1, max_items=MAX_PARCELS),
        "CollectionAddress": ADDRESS,
    }
)

ORDER = Obj(
    fields={
        "Items": ListOf(ORDER_ITEM, required=True, min_items=1, max_items=MAX_ITEMS),
        "CustomerDetails": Obj(
            required=True,
            fields={
                "Email": Text(required=True, max_length=200),
                "Forename": Text(required=True, max_length=100),
                "Surname": Text(required=True, max_length=100),
                "Reference": Text(max_length=100),
            },
        ),
    }
)

COLLECTION_DATES = Obj(
    fields={
        "ServiceSlug": Text(required=True, max_length=100),
        "Postcode": Text(max_length=20),
        "CountryIso3Code": Text(max_length=3),
        "Address": Text(),
        "City": Text(),
    }
)

CUSTOMS_ADDRESS = Obj(fields={"CountryIsoCode": Text(max_length=3), "Subdivision": Text(max_length=20)})
CUSTOMS = Obj(
    fields={
        "Items": ListOf(
            Obj(
                fields={
                    "Id": Text(required=True, max_length=100),
                    "CollectionAddress": CUSTOMS_ADDRESS,
                    "Parcels": ListOf(Obj(fields={"DeliveryAddress": CUSTOMS_ADDRESS}), max_items=MAX_PARCELS),
                }
            ),
            required=True,
            min_items=1,
            max_items=MAX_ITEMS,
        )
    }
)
