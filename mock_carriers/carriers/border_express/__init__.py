"""Border Express (Australia): facts and sources in docs/carriers/border-express.md."""

from mock_carriers.carriers.base import Carrier, described, first
from mock_carriers.carriers.border_express.api import TOKEN_LIFETIME, build_routes
from mock_carriers.carriers.border_express.model import BorderExpressModel
from mock_carriers.core.aspnet.dialects import ProblemDetails
from mock_carriers.core.cors import CorsPolicy
from mock_carriers.core.credentials import authorization


def describe(fixtures) -> dict:
    """The first client's OAuth credentials."""
    client_id, client = first(fixtures["clients"])
    return described(fixtures, {"client_id": client_id, "client_secret": client["client_secret"]})


CARRIER = Carrier(
    name="border-express",
    routes=build_routes(),
    dialect=ProblemDetails(),
    model_factory=BorderExpressModel,
    describe=describe,
    token_lifetime=TOKEN_LIFETIME,
    cors=CorsPolicy(preflight_status=204),  # ASP.NET Core's CORS middleware; what it allows is a guess
    credentials=authorization("Bearer"),
)
