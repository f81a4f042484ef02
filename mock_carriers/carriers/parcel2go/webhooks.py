"""Parcel2Go webhooks (carriers.md section 4.3): the envelope `{Id, Timestamp, Signature, Type,
Payload}` with the signature inside the body, lower-case hex HMAC-SHA256 of
`Id:Timestamp(yyyy-MM-dd HH:mm:ss):Type`. Only a 200 counts; retries back off exponentially on the
namespace clock up to the fixture's limit (Parcel2Go publishes neither). The two events' payloads
are written here too: the model says what happened to which order line."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Callable, Mapping

from mock_carriers.core import compact_json
from mock_carriers.core.aspnet.dates import utc_text
from mock_carriers.core.webhooks import Delivery, FixtureRetries, hmac_sha256_hex

if TYPE_CHECKING:  # the model emits these documents, so this module must not import it at run time
    from mock_carriers.carriers.parcel2go.model import OrderLine

TYPES = ("Tracking", "Case")


def tracking_document(line: OrderLine, step: Mapping[str, Any], at: datetime) -> dict:
    """A `Tracking` payload: the line's new stage, stamped in UTC."""
    return {
        "OrderLineId": line.id,
        "Timestamp": utc_text(at),
        "StatusCode": step["code"],
        "StatusDescription": step["description"],
        "TrackingStage": step["stage"],
    }


def case_document(line: OrderLine, case: Mapping[str, Any]) -> dict:
    """A `Case` payload: a customer-service case opened or moved on for the line."""
    return {
        "OrderLineId": line.id,
        "CustomerReference": line.customer_reference,
        "CaseId": int(case["CaseId"]),
        "Reference": case.get("Reference", line.reference),
        "Status": case["Status"],
        "CaseType": case["CaseType"],
    }


def signature(secret: str, webhook_id: str, timestamp: datetime, kind: str) -> str:
    """The documented signature: the timestamp's UTC wall time to the second, no zone."""
    text = f"{webhook_id}:{timestamp.astimezone(timezone.utc):%Y-%m-%d %H:%M:%S}:{kind}"
    return hmac_sha256_hex(secret, text.encode("utf-8"))


@dataclass(frozen=True)
class Parcel2GoEnvelope:
    """`{Id, Timestamp, Signature, Type, Payload}`: the Id drawn once per event (a v4 UUID)."""

    def seal(self, document: dict, random_bits: Callable[[int], int]) -> dict[str, Any]:
        return {"id": str(uuid.UUID(int=random_bits(128), version=4)), "payload": document}

    def attempt(self, delivery: Delivery, number: int, sent_at: float) -> tuple[bytes, dict[str, str]]:
        """One attempt: stamped when it is sent ("a timestamp for when this webhook was sent"), and
        signed over that stamp; the Id stays the same across retries."""
        sent = datetime.fromtimestamp(sent_at, timezone.utc)
        kind = delivery.event
        document = {
            "Id": delivery.payload["id"],
            "Timestamp": utc_text(sent),
            "Signature": signature(delivery.subscription.secret or "", delivery.payload["id"], sent, kind),
            "Type": kind,
            "Payload": delivery.payload["payload"],
        }
        return compact_json.encode(document), {"Content-Type": "application/json; charset=utf-8"}


RETRY_POLICY = FixtureRetries(success=frozenset({200}))  # only a 200 counts; the delays come from the fixtures
