"""`mock-carriers webhooks`: each failed attempt says what kind of failure it was (a status code,
refused, timeout, ...), and the outbox's `trimmed` count shows when there is one."""

from __future__ import annotations

import socket

import pytest
import requests
from click.testing import CliRunner
from support import BEX_LOGIN, wait_for

from mock_carriers import client as admin_client
from mock_carriers.cli import main

SUBMIT = {
    "accountNumber": "ACC1001",
    "serviceCode": "ONC",
    "senderSuburb": "Sandton",
    "receiverSuburb": "Umhlanga",
    "receiverContactName": "P",
    "dimensions": [{"dimension1": 10, "dimension2": 10, "dimension3": 10, "weight": 2}],
}


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens once it is closed: a connection is refused


def test_a_refused_receiver_is_named_in_the_table(live_server):
    url = live_server()
    admin = f"{url}/__admin/namespaces/default"
    requests.post(
        f"{admin}/webhooks/subscriptions",
        timeout=5,
        json={"carrier": "bex", "url": f"http://127.0.0.1:{_closed_port()}/hook", "secret": "s" * 40},
    )
    base = f"{url}/bex/api/service"
    token = requests.post(f"{base}/login", json=BEX_LOGIN, timeout=5).json()["value"]
    assert requests.post(f"{base}/submitwaybillv4", headers={"token": token}, json=SUBMIT, timeout=5).ok
    wait_for(
        lambda: any(
            d["attempts"] and d["attempts"][0]["error"]
            for d in requests.get(f"{admin}/webhooks", timeout=5).json()["deliveries"]
        ),
        what="a failed attempt",
    )
    table = run("webhooks", "--url", url).output.splitlines()
    assert table[0].split() == ["DELIVERY", "CARRIER", "EVENT", "STATE", "ATTEMPTS", "URL"]
    assert "refused" in table[1].split()


OUTBOX = {
    "namespace": "default",
    "subscriptions": [],
    "trimmed": 0,
    "deliveries": [
        {
            "id": "wh_1",
            "carrier": "parcel2go",
            "event": "tracking",
            "url": "http://receiver.test/hook",
            "state": "gave_up",
            "faults": [],
            "subscription": "sub_1",
            "next_attempt_at": None,
            "attempts": [
                {"number": n, "status": status, "error": error}
                for n, (status, error) in enumerate(
                    [
                        (503, None),
                        (None, "DeadlineExceeded: no complete answer within 10 s"),
                        (None, "ConnectionRefusedError: [Errno 111] Connection refused"),
                        (None, "ConnectionResetError: [Errno 104] Connection reset by peer"),
                        (None, "RemoteDisconnected: Remote end closed connection without response"),
                        (None, "gaierror: [Errno -2] Name or service not known"),
                        (None, "SSLCertVerificationError: certificate verify failed"),
                        (None, "Closed: the namespace was dropped"),
                        (None, "WeirdError: something else"),
                        (200, None),
                    ],
                    1,
                )
            ],
        }
    ],
}


@pytest.fixture
def answered(monkeypatch):
    """The CLI talking to an admin API that answers `document` (shapes a live server rarely shows)."""

    def answer(document: dict) -> None:
        monkeypatch.setattr(admin_client._Admin, "call", lambda self, method, path, **kwargs: document)

    return answer


def test_every_kind_of_failure_has_a_plain_name(answered):
    answered(OUTBOX)
    row = run("webhooks").output.splitlines()[1]
    assert ("503 timeout refused reset no-answer unknown-host tls cancelled WeirdError 200") in row


def test_the_trimmed_count_shows_when_there_is_one(answered):
    answered(OUTBOX)
    assert "trimmed" not in run("webhooks").output
    answered({**OUTBOX, "trimmed": 7})
    assert run("webhooks").output.splitlines()[-1] == (
        "7 finished deliveries were trimmed from the outbox (it keeps as many as --journal-limit)"
    )


def test_an_empty_outbox_says_so(answered):
    answered({**OUTBOX, "deliveries": [], "subscriptions": [{"id": "sub_1"}]})
    assert run("webhooks").output == "no webhook deliveries in namespace default (1 subscription)\n"
