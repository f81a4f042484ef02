"""examples/border_express.py against the mock: the tracking and POD flow, a new token on 401,
waiting out 429 and 5xx. Border Express sends no webhooks, so the example polls instead."""

import pytest
from border_express import BorderExpressClient, BorderExpressError

CARRIER = "border-express"


@pytest.fixture
def client(carriers, sleeps):
    return BorderExpressClient(carriers.url(CARRIER), **carriers.credentials(CARRIER), sleep=sleeps.append)


def test_tracking_and_proof_of_delivery(carriers, client, attempts):
    number = carriers.references(CARRIER)["delivered"]
    assert client.consignment(number)["Status"] == "Delivered"
    assert client.statuses(number)[0]["Status"] == "Delivered"
    [pod] = client.pods(number)
    assert pod["SignedBy"] == "J. NGUYEN"
    assert client.pod_file(number, "pdf").startswith(b"%PDF")
    assert client.pod_file(number, "png", pod_id=pod["Id"]).startswith(b"\x89PNG")
    with pytest.raises(BorderExpressError) as missing:
        client.statuses(carriers.references(CARRIER)["not_found"])
    assert missing.value.status == 404 and missing.value.title == "Not Found"
    assert len(attempts("issueToken")) == 1  # one token serves every call


@pytest.mark.parametrize("change", ["revoke", "expire"])
def test_a_dead_token_is_replaced_once(carriers, client, attempts, change):
    number = carriers.references(CARRIER)["in_transit"]
    client.statuses(number)
    getattr(carriers.tokens, change)(CARRIER)
    assert client.consignment(number)["Status"] == "In Transit"
    assert attempts("getConsignment") == [(401, []), (200, [])]
    assert len(attempts("issueToken")) == 2


def test_polling_a_walking_consignment_outlives_the_one_hour_token(carriers, client):
    number = carriers.references(CARRIER)["walking"]
    carriers.clock.freeze()
    assert client.statuses(number)[0]["Status"] == "Despatched"
    carriers.clock.advance("6h")  # delivered by now; the token (one hour) has expired
    assert client.statuses(number)[0]["Status"] == "Delivered" and client.pods(number)


@pytest.mark.carriers_scenario("border_express_faults.yaml")
def test_429_and_503_are_waited_out(carriers, client, sleeps, attempts):
    history = client.statuses(carriers.references(CARRIER)["delivered"])
    assert history[0]["Status"] == "Delivered"
    assert attempts("getConsignmentStatuses") == [(503, ["status"]), (429, ["rate_limit"]), (200, [])]
    assert sleeps == [0.5, 30.0]  # the backoff, then Retry-After


def test_retries_are_bounded(carriers, client, sleeps, attempts):
    carriers.faults.add(carrier=CARRIER, operation="getConsignment", effect="status", status=503)
    with pytest.raises(BorderExpressError) as outage:
        client.consignment(carriers.references(CARRIER)["delivered"])
    assert outage.value.status == 503 and len(attempts("getConsignment")) == 4
    assert sleeps == [0.5, 1.0, 2.0]


def test_an_http_date_retry_after_is_read_against_the_answers_date(carriers, client, sleeps):
    """The mock's world may be years from the host's clock: the date in Retry-After counts from
    the Date the answer carries, as a client should read it."""
    carriers.clock.freeze()
    carriers.clock.set("2030-01-01T00:00:00Z")
    carriers.faults.add(
        carrier=CARRIER,
        operation="getConsignment",
        effect="rate_limit",
        retry_after=30,
        retry_after_format="http-date",
        times=1,
    )
    assert client.consignment(carriers.references(CARRIER)["delivered"])["Status"] == "Delivered"
    assert sleeps == [30.0]
