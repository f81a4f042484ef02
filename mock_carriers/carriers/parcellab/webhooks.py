"""parcelLab notifications (parcelLab's webhooks page): one POST per event of a consignment,
unsigned (receivers authenticate parcelLab with Basic, a header token or a bearer token, set as the
subscription's headers), retried 15 times at 30-minute intervals, then dropped. The payload's
`data` structure is not public: the mock sends the event, its order and tracking, the normalised
status and the announced delivery day (its own proposal, marked in the contract)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Mapping

from mock_carriers.carriers.parcellab import outputs
from mock_carriers.carriers.parcellab.records import Checkpoint, Order, Tracking

EVENTS = ("onCreated", "onUpdated", "onDispatch", "onScheduled", "onDelay", "onDelivered")


def document(
    event: str,
    order: Order,
    tracking: Tracking,
    checkpoint: Checkpoint | None,
    now: datetime,
    statuses: Mapping[str, Any],
) -> dict:
    """`checkpoint` is the one the event is about; None for the retailer's data (creation,
    updates), whose `data` is then the tracking's latest status parcelLab knows."""
    known = tracking.visible(now, live=False)
    checkpoint = checkpoint or (known[-1] if known else None)
    seen = known[: known.index(checkpoint) + 1] if checkpoint in known else known
    status = statuses[checkpoint.status] if checkpoint else None
    return {
        "event": event,
        "account": int(order.account),
        "order_number": order.number,
        "tracking_number": tracking.data["tracking_number"],
        "courier": tracking.data["courier"],
        "tracking_id": tracking.data["tracking_id"],
        "timestamp": outputs.timestamp(now),
        "data": {
            "step": status["step"] if status else 0,
            "status_code": checkpoint.status if checkpoint else "",
            "status_text": outputs.text(status["text"], [order.data.get("language", "en"), "en"]) if status else "",
            "lifecycle_status": status["lifecycle"] if status else "Pending",
            "location": checkpoint.location if checkpoint else "",
            "event_timestamp": outputs.timestamp(checkpoint.at) if checkpoint else None,
            "announced_delivery_date": outputs.day(tracking.announced_after(seen)),
        },
    }
