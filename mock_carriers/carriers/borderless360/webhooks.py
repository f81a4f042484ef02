"""Borderless360 webhooks (carriers.md section 2.3): the tracking update and the full order, as
documented, unsigned (no scheme is documented; subscribers add their own headers), retried on
the namespace clock on the fixture's schedule (Borderless360 publishes none)."""

from __future__ import annotations

import json
from typing import Any

from mock_carriers.carriers.borderless360 import outputs
from mock_carriers.core.durations import parse_duration
from mock_carriers.core.namespaces import Namespace
from mock_carriers.core.webhooks import Delivery, RetryPolicy

EVENTS = ("order_update", "tracking_update")


def envelope(delivery: Delivery, attempt: int, sent_at: float) -> tuple[bytes, dict[str, str]]:
    """The payload as it was when the event happened, the same bytes on every attempt."""
    return delivery.payload, {"Content-Type": "application/json"}


def notifier(namespace: Namespace, schedule: list[Any]):
    policy = RetryPolicy(tuple(parse_duration(delay).total_seconds() for delay in schedule))

    def notify(event: str, model, order) -> None:
        document = outputs.tracking_update(model, order) if event == "tracking_update" \
            else outputs.full_order(model, order)
        body = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        namespace.webhooks.emit("borderless360", event, body, envelope, policy)

    return notify
