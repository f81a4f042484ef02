"""Borderless360: carriers.md section 2."""

from pathlib import Path

from mock_carriers.carriers.base import Carrier
from mock_carriers.carriers.borderless360.api import build_routes
from mock_carriers.carriers.borderless360.model import Borderless360Model, check_fixtures
from mock_carriers.carriers.borderless360.webhooks import EVENTS
from mock_carriers.core.cors import CorsPolicy
from mock_carriers.core.credentials import authorization
from mock_carriers.core.drf import serializers
from mock_carriers.core.drf.dialects import RestFramework
from mock_carriers.core.errors import Invalid


def describe(fixtures) -> dict:
    client_id, client = next(iter(fixtures["clients"].items()))
    return {
        "credentials": {"token": client["tokens"][0], "client_id": client_id},
        "references": dict(fixtures["references"]),
    }


def tokens(fixtures) -> list[tuple[str, str]]:
    """Borderless360 hands tokens out by email: they exist from the start, and never expire."""
    return [(token, client_id) for client_id, client in fixtures["clients"].items() for token in client["tokens"]]


CARRIER: Carrier = Carrier(
    name="borderless360",
    routes=build_routes(),
    violation_fields=serializers.field_errors,
    dialect=RestFramework("Token"),
    model_factory=lambda fixtures, namespace: Borderless360Model(
        fixtures, namespace, namespace.webhooks.for_carrier(CARRIER)
    ),
    describe=describe,
    fixture_schema_path=Path(__file__).resolve().parent / "fixture_schema.yaml",
    token_lifetime=None,
    cors=CorsPolicy(max_age=86400),  # django-cors-headers; that it answers CORS at all is a guess
    webhook_events=EVENTS,
    check_fixtures=check_fixtures,
    fixed_tokens=tokens,
    business_error=lambda message: Invalid({"non_field_errors": [message or "The order can not be processed."]}),
    credentials=authorization("Token"),
)
