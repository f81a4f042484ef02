"""parcelLab order status: carriers.md section 5."""

import base64

from mock_carriers.carriers.base import Carrier, described, first, tokens_of
from mock_carriers.carriers.parcellab.api import build_routes
from mock_carriers.carriers.parcellab.model import ParcelLabModel, check_fixtures, security_hash_of
from mock_carriers.carriers.parcellab.webhooks import EVENTS
from mock_carriers.core.cors import CorsPolicy
from mock_carriers.core.credentials import authorization
from mock_carriers.core.drf.dialects import StandardizedErrors
from mock_carriers.core.errors import Invalid


def describe(fixtures) -> dict:
    """The first account's credentials, and each order's `s` (the mock's own scheme)."""
    account, data = first(fixtures["accounts"])
    token = data["tokens"][0]
    hashes = {
        f"s:{number}": security_hash_of(fixtures["security_hash_secret"], order["account"], number)
        for number, order in fixtures["orders"].items()
    }
    authorization = "Parcellab-API-Token " + base64.b64encode(f"{account}:{token}".encode()).decode()
    legacy = {"legacy_user": account, "legacy_token": data["legacy_token"]}
    return described(fixtures, {"account": account, "token": token, "authorization": authorization, **legacy}, hashes)


CARRIER: Carrier = Carrier(
    name="parcellab",
    routes=build_routes(),
    dialect=StandardizedErrors(auth_keyword="Parcellab-API-Token"),  # the first authentication's keyword: a guess
    model_factory=ParcelLabModel,
    describe=describe,
    cors=CorsPolicy(max_age=86400),  # django-cors-headers; that it answers CORS at all is a guess
    webhook_events=EVENTS,
    check_fixtures=check_fixtures,
    fixed_tokens=tokens_of("accounts"),  # API tokens made in parcelLab's app
    business_error=lambda message: Invalid({"non_field_errors": [message or "The order status can not be retrieved."]}),
    credentials=authorization("Bearer", pairs=("Parcellab-API-Token",)),  # base64(account:token)
)
