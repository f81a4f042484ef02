"""Parcel2Go webhooks (carriers.md section 4.3): the envelope `{Id, Timestamp, Signature, Type,
Payload}` with the signature inside the body, lower-case hex HMAC-SHA256 of
`Id:Timestamp(yyyy-MM-dd HH:mm:ss):Type`. Only a 200 counts; retries back off exponentially on the
namespace clock up to the fixture's limit (Parcel2Go publishes neither)."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timezone
from typing import Any, Mapping

from mock_carriers.carriers.parcel2go.pricing import dotnet_utc
from mock_carriers.core.durations import parse_duration
from mock_carriers.core.namespaces import Namespace
from mock_carriers.core.webhooks import Delivery, RetryPolicy, hmac_sha256_hex

TYPES = ("Tracking", "Case")


def signature(secret: str, webhook_id: str, timestamp: datetime, kind: str) -> str:
    """The documented signature: the timestamp's UTC wall time to the second, no zone."""
    text = f"{webhook_id}:{timestamp.astimezone(timezone.utc):%Y-%m-%d %H:%M:%S}:{kind}"
    return hmac_sha256_hex(secret, text.encode("utf-8"))


def envelope(delivery: Delivery, attempt: int, sent_at: float) -> tuple[bytes, dict[str, str]]:
    """One attempt: stamped when it is sent ("a timestamp for when this webhook was sent"), and
    signed over that stamp; the Id stays the same across retries."""
    sent = datetime.fromtimestamp(sent_at, timezone.utc)
    kind = delivery.event
    document = {"Id": delivery.payload["id"], "Timestamp": dotnet_utc(sent),
                "Signature": signature(delivery.subscription.secret or "", delivery.payload["id"], sent, kind),
                "Type": kind, "Payload": delivery.payload["payload"]}
    body = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return body, {"Content-Type": "application/json; charset=utf-8"}


def retry_policy(settings: Mapping[str, Any]) -> RetryPolicy:
    return RetryPolicy.backoff(parse_duration(settings["first_delay"]).total_seconds(), settings["attempts"],
                               success=frozenset({200}))


def notifier(namespace: Namespace, settings: Mapping[str, Any]):
    """What the model calls when a tracking stage or a case happens."""
    policy = retry_policy(settings)

    def notify(kind: str, payload: dict) -> None:
        with namespace.lock:
            webhook_id = str(uuid.UUID(int=namespace.rng.getrandbits(128), version=4))
        content = {"id": webhook_id, "payload": payload}
        namespace.webhooks.emit("parcel2go", kind, content, envelope, policy)

    return notify
