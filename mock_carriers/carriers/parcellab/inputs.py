"""What a parcelLab request presents: the v4 query (DRF serializer fields) and the `Authorization`
header, parsed into plain values for the model."""

from __future__ import annotations

from typing import Any, Mapping

from mock_carriers.core.credentials import decode_pair
from mock_carriers.core.drf.serializers import Boolean, Char, Email, Integer, Nested, Uuid, validate
from mock_carriers.core.errors import Unauthorized

_TEXT = Char(required=False, max_length=255)
QUERY = Nested(
    fields={
        "account": Integer(required=False, min_value=1, max_value=10**12),
        "order_number": _TEXT,
        "client_key": _TEXT,
        "client": _TEXT,
        "courier": _TEXT,
        "customer_number": _TEXT,
        "external_order_id": Uuid(required=False),
        "external_reference": _TEXT,
        "lang": Char(required=False, max_length=35),
        "live_refresh": Boolean(required=False),
        "recipient_email": Email(required=False, max_length=254),
        "recipient_postal_code": Char(required=False, max_length=20),
        "postal_code": Char(required=False, max_length=20),
        "s": _TEXT,
        "single_tracking": Boolean(required=False),
        "show_returns": Boolean(required=False),
        "tracking_id": _TEXT,
        "tracking_number": _TEXT,
    }
)


def query(raw: Mapping[str, str]) -> dict[str, Any]:
    """The validated v4 query, the prose's names for two parameters read as the API's own."""
    params = validate(raw, QUERY)
    params.setdefault("client_key", params.get("client"))
    params.setdefault("recipient_postal_code", params.get("postal_code"))
    return params


def credentials(header: str | None) -> tuple[str, str | None] | None:
    """(token, the account it claims) from `Authorization: Bearer <token>` (no claim) or
    `Authorization: Parcellab-API-Token base64(account:token)`; None without a header or with a
    scheme neither authentication knows (DRF tries each and, when none claims the header, the
    caller is anonymous); Unauthorized when the pair does not decode."""
    scheme, _, value = (header or "").strip().partition(" ")
    value = value.strip()
    if scheme.lower() == "parcellab-api-token":
        pair = decode_pair(value)
        if pair is None:
            raise Unauthorized("invalid")
        account, token = pair
        return token, account
    if scheme.lower() == "bearer":
        return value, None
    return None
