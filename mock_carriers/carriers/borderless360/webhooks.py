"""Borderless360 webhooks (carriers.md section 2.3): the tracking update and the full order, as
documented, unsigned (no scheme is documented; subscribers add their own headers), sent as compact
JSON by core's default envelope and retried on the namespace clock on the fixture's schedule
(Borderless360 publishes none)."""

from __future__ import annotations

from mock_carriers.carriers.borderless360 import outputs
from mock_carriers.carriers.borderless360.model import Borderless360Model, Order

EVENTS = ("order_update", "tracking_update")


def document(event: str, model: Borderless360Model, order: Order) -> dict:
    """The event's body: the tracking update, or the full order."""
    return outputs.tracking_update(model, order) if event == "tracking_update" else outputs.full_order(model, order)
