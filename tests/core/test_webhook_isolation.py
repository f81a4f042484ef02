"""Outbound webhooks under abuse: one namespace's slow receivers never delay another's deliveries.
Real receivers on 127.0.0.1 (tests/receivers.py) and a real server."""

import pytest
import requests

from conftest import BEX_LOGIN
from receivers import Hanging

SUBMIT = {"accountNumber": "ACC1001", "serviceCode": "ONC", "senderSuburb": "Sandton", "receiverSuburb": "Umhlanga",
          "receiverContactName": "P", "dimensions": [{"dimension1": 10, "dimension2": 10, "dimension3": 10, "weight": 2}]}


class World:
    """One namespace of a live server, seen through BEX (a waybill submitted sends waybill_update)."""

    def __init__(self, url: str, namespace: str) -> None:
        self.url, self.namespace = url, namespace
        self.admin = f"{url}/__admin/namespaces/{namespace}"
        assert requests.put(self.admin, json={}, timeout=5).status_code == 201

    def subscribe(self, receiver_url: str) -> None:
        response = requests.post(f"{self.admin}/webhooks/subscriptions", timeout=5, json={
            "carrier": "bex", "url": receiver_url, "secret": "s" * 40, "filters": ["waybill_update"]})
        assert response.status_code == 201, response.text

    def submit(self) -> None:
        base = f"{self.url}/ns/{self.namespace}/bex/api/service"
        token = requests.post(f"{base}/login", json=BEX_LOGIN, timeout=5).json()["value"]
        response = requests.post(f"{base}/submitwaybillv4", headers={"token": token}, json=SUBMIT, timeout=5)
        assert response.status_code == 200 and response.json()["items"], response.text

    def outbox(self) -> dict:
        return requests.get(f"{self.admin}/webhooks", timeout=5).json()


@pytest.fixture
def hanging():
    receiver = Hanging()
    yield receiver
    receiver.close()


def test_hanging_receivers_of_one_namespace_do_not_delay_another_namespace(live_server, hanging, webhook_sink):
    url = live_server()
    slow, fast = World(url, "slow"), World(url, "fast")
    for _ in range(10):  # more receivers than a shared pool of workers
        slow.subscribe(hanging.url)
    slow.submit()
    hanging.wait_for(accepted=4)  # attempts are in flight, waiting on receivers that never answer

    fast.subscribe(webhook_sink.url)
    fast.submit()
    webhook_sink.wait_for(1, timeout=30)
    assert hanging.ended == 0  # the fast namespace's delivery arrived while every slow attempt still hung
