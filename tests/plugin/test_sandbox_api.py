"""MockCarriers and Sandbox over a real server: the calls a test makes instead of hand-written
admin requests (webhook subscriptions, the outbox, journal filters), on a server with an admin
token too; names that are wrong are errors naming the right ones; host and port can be chosen."""

import pytest
import requests

from mock_carriers import MockCarriers
from mock_carriers.client import AdminError, UnknownName
from mock_carriers.webhook_sink import WebhookSink

CARRIERS = "border-express, bex, parcel2go, borderless360, parcellab"


@pytest.fixture(scope="module")
def mock():
    with MockCarriers.start(admin_token="s3cret") as server:
        yield server


@pytest.fixture
def sb(mock):
    sandbox = mock.sandbox()
    yield sandbox
    sandbox.drop()


@pytest.fixture
def sink():
    receiver = WebhookSink()
    yield receiver
    receiver.stop()


def test_a_wrong_carrier_name_names_the_carriers(sb):
    for call in (sb.url, sb.credentials, sb.references, sb.journal, sb.webhooks.deliveries):
        with pytest.raises(KeyError) as wrong:
            call("borderexpress")
        assert (
            str(wrong.value)
            == f"no carrier 'borderexpress' (did you mean 'border-express'?): the carriers are {CARRIERS}"
        )
    with pytest.raises(UnknownName, match=f"^no carrier 'ups': the carriers are {CARRIERS}$"):
        sb.webhooks.subscribe("ups", "http://127.0.0.1:9/hook")


def test_credentials_are_keyword_arguments_all_or_the_ones_asked_for(sb):
    assert set(sb.credentials("parcellab")) >= {"account", "token"}
    assert sb.credentials("parcellab", "account", "token") == {
        key: sb.credentials("parcellab")[key] for key in ("account", "token")
    }
    with pytest.raises(
        UnknownName,
        match="^no parcel2go credential 'username': the parcel2go credentials are client_id, client_secret, scope$",
    ):
        sb.credentials("parcel2go", "username")


def test_webhooks_subscribe_and_the_outbox_need_no_admin_call_of_ones_own(sb, sink):
    subscription = sb.webhooks.subscribe(
        "parcellab", sink.url, headers={"Authorization": "Bearer receiver"}, description="the shop's receiver"
    )
    assert subscription["url"] == sink.url and subscription["headers"] == {"Authorization": "Bearer receiver"}
    assert sb.webhooks.subscriptions() == [subscription] and sb.webhooks.subscriptions("bex") == []
    sb.clock.freeze()
    sb.clock.advance("1h")  # the walking order's first checkpoint
    posts = sink.wait_for(2)
    assert all(post.headers["Authorization"] == "Bearer receiver" for post in posts)
    deliveries = sb.webhooks.deliveries("parcellab")
    assert len(deliveries) == 2 and {d["subscription"] for d in deliveries} == {subscription["id"]}
    assert sb.webhooks.deliveries("bex") == []
    outbox = sb.webhooks.outbox()
    assert outbox["subscriptions"] == [subscription] and len(outbox["deliveries"]) == 2 and outbox["trimmed"] == 0


def test_a_subscription_the_server_refuses_is_an_admin_error(sb):
    with pytest.raises(AdminError) as refused:
        sb.webhooks.subscribe("border-express", "http://127.0.0.1:9/hook")
    assert refused.value.status == 400 and "sends no webhooks" in str(refused.value)


def test_the_journal_by_carrier_and_operation(sb):
    creds = sb.credentials("border-express")
    for _ in range(3):
        requests.post(
            sb.url("border-express") + "/token", timeout=5, data={"grant_type": "client_credentials", **creds}
        )
    requests.get(sb.url("bex") + "/nothing", timeout=5)
    assert [entry["operation"] for entry in sb.journal("border-express")] == ["issueToken"] * 3
    tokens = sb.journal(operation="issueToken")
    assert len(tokens) == 3 and sb.journal(operation="border-express:issueToken") == tokens
    assert sb.journal(operation="issueToken", limit=2) == tokens[1:]
    assert sb.journal("bex", operation="issueToken") == []
    assert len(sb.journal(limit=1)) == 1 and sb.journal(limit=1)[0]["carrier"] == "bex"
    with pytest.raises(ValueError, match="not one of bex's"):
        sb.journal("bex", operation="border-express:issueToken")


def test_start_takes_a_host_and_a_port():
    with MockCarriers.start() as first:
        port = int(first.url.rsplit(":", 1)[1])
    with MockCarriers.start(port=port) as mock:
        assert mock.url == f"http://127.0.0.1:{port}" and mock.health()["status"] == "ok"
    with MockCarriers.start(host="0.0.0.0") as everywhere:  # a client in a container reaches it too
        assert everywhere.url.startswith("http://127.0.0.1:")  # this machine's clients: loopback
        assert everywhere.sandbox().url("bex").startswith(everywhere.url)
    with MockCarriers.start(host="::1") as mock:
        assert mock.url.startswith("http://[::1]:") and mock.health()["status"] == "ok"


@pytest.mark.parametrize("url", ["localhost:8080", "127.0.0.1", "file:///tmp/x", ""])
def test_connect_refuses_what_is_no_url(url):
    with pytest.raises(
        ValueError, match="is not a mock-carriers URL: give the scheme and host, such as http://127.0.0.1:8080"
    ):
        MockCarriers.connect(url)
