"""Parcel2Go (UK): carriers.md section 4."""

from mock_carriers.carriers.base import Carrier, described, first
from mock_carriers.carriers.parcel2go.api import build_routes
from mock_carriers.carriers.parcel2go.auth import TOKEN_LIFETIME
from mock_carriers.carriers.parcel2go.model import Parcel2GoModel, check_fixtures
from mock_carriers.carriers.parcel2go.outputs import business_error
from mock_carriers.carriers.parcel2go.webhooks import RETRY_POLICY, TYPES, Parcel2GoEnvelope
from mock_carriers.core.aspnet.dialects import WebApi
from mock_carriers.core.cors import CorsPolicy
from mock_carriers.core.credentials import authorization


def describe(fixtures) -> dict:
    """The first client's OAuth credentials, with every scope it may ask for."""
    client_id, client = first(fixtures["clients"])
    scope = " ".join(client["scopes"])
    return described(fixtures, {"client_id": client_id, "client_secret": client["client_secret"], "scope": scope})


CARRIER: Carrier = Carrier(
    name="parcel2go",
    routes=build_routes(),
    dialect=WebApi(bearer_middleware=True, body_parameter="request"),
    model_factory=Parcel2GoModel,
    describe=describe,
    token_lifetime=TOKEN_LIFETIME,
    cors=CorsPolicy(),  # its own demo is a browser app (Web API's CORS: 200); what it allows is a guess
    webhook_events=TYPES,
    webhook_envelope=Parcel2GoEnvelope(),
    webhook_policy=RETRY_POLICY,
    check_fixtures=check_fixtures,
    business_error=business_error,
    credentials=authorization("Bearer"),
)
