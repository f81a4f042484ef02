"""BEX (South Africa): carriers.md section 3."""

from mock_carriers.carriers.base import Carrier, described, first
from mock_carriers.carriers.bex.api import build_routes
from mock_carriers.carriers.bex.inputs import credentials
from mock_carriers.carriers.bex.model import BexError, BexModel, check_fixtures
from mock_carriers.carriers.bex.webhooks import ACTIONS, RETRY_POLICY, BexEnvelope
from mock_carriers.core.aspnet.dialects import ExField
from mock_carriers.core.cors import CorsPolicy


def describe(fixtures) -> dict:
    """The first user's login, account and the first webhook API key."""
    username, user = first(fixtures["users"])
    webhook_api_key = next(iter(fixtures["webhook_api_keys"]), None)
    login = {"username": username, "password": user["password"], "account_number": user["accounts"][0]}
    return described(fixtures, {**login, "webhook_api_key": webhook_api_key})


CARRIER: Carrier = Carrier(
    name="bex",
    routes=build_routes(),
    dialect=ExField(),
    model_factory=BexModel,
    describe=describe,
    token_lifetime=None,  # "The token will not expire so once generated can be persisted"
    cors=CorsPolicy(),  # its docs call it from jQuery cross-domain (Web API's CORS: 200); what it allows is a guess
    webhook_events=ACTIONS,
    webhook_envelope=BexEnvelope(),
    webhook_policy=RETRY_POLICY,
    check_fixtures=check_fixtures,
    business_error=lambda message: BexError(message or "An unexpected error occurred, please try again."),
    credentials=credentials,  # a `token` header, or downloads' `token` parameter (not Authorization)
)
