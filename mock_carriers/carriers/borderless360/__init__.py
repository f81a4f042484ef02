"""Borderless360: carriers.md section 2."""

from mock_carriers.carriers.base import Carrier, described, first, tokens_of
from mock_carriers.carriers.borderless360.api import build_routes
from mock_carriers.carriers.borderless360.model import Borderless360Model, check_fixtures
from mock_carriers.carriers.borderless360.webhooks import EVENTS
from mock_carriers.core.cors import CorsPolicy
from mock_carriers.core.credentials import authorization
from mock_carriers.core.drf.dialects import RestFramework
from mock_carriers.core.errors import Invalid


def describe(fixtures) -> dict:
    """The first client's first token (Borderless360 hands them out by email)."""
    client_id, client = first(fixtures["clients"])
    return described(fixtures, {"token": client["tokens"][0], "client_id": client_id})


CARRIER: Carrier = Carrier(
    name="borderless360",
    routes=build_routes(),
    dialect=RestFramework("Token"),
    model_factory=Borderless360Model,
    describe=describe,
    cors=CorsPolicy(max_age=86400),  # django-cors-headers; that it answers CORS at all is a guess
    webhook_events=EVENTS,
    check_fixtures=check_fixtures,
    fixed_tokens=tokens_of("clients"),
    business_error=lambda message: Invalid({"non_field_errors": [message or "The order can not be processed."]}),
    credentials=authorization("Token"),
)
