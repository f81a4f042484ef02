"""The example clients with the carriers' real `https://` hosts written into them, run unchanged
through the mock as an HTTPS proxy (the `carriers_proxy` fixture sets HTTPS_PROXY and the CA
bundle for the test): auth, the main call, and a link followed where the carrier hands out links."""

from __future__ import annotations

import pytest
import requests
from bex import BexClient
from bodies import BEX_SHIPMENT as SHIPMENT
from bodies import BEX_WAYBILL as WAYBILL
from bodies import P2G_QUOTE_PARCEL
from border_express import BorderExpressClient
from borderless360 import Borderless360Client
from parcel2go import Parcel2GoClient
from parcellab import ParcelLabClient
from support import p2g_checkout


@pytest.fixture
def journal(carriers_proxy):
    def entries(carrier: str) -> list[dict]:
        return [entry for entry in carriers_proxy.journal(carrier)]

    return entries


def test_border_express(carriers_proxy, journal):
    references = carriers_proxy.references("border-express")
    client = BorderExpressClient("https://api.borderexpress.com.au", **carriers_proxy.credentials("border-express"))
    assert client.statuses(references["delivered"])
    assert client.pod_file(references["delivered"]).startswith(b"%PDF")
    assert len(journal("border-express")) >= 3


def test_bex(carriers_proxy, journal):
    credentials = carriers_proxy.credentials("bex")
    client = BexClient(
        "https://api.bex.co.za",
        credentials["username"],
        credentials["password"],
        credentials["account_number"],
        webhook_url="https://webhook.bex.co.za",
    )
    assert client.quote(SHIPMENT)
    waybill = client.submit_waybill(WAYBILL)
    assert client.track(waybill["waybillNumber"])
    assert client.parcel_labels(waybill["waybillNumber"]).startswith(b"%PDF")
    assert len(journal("bex")) >= 4


def test_parcel2go_and_its_links(carriers_proxy, journal):
    credentials = carriers_proxy.credentials("parcel2go")
    client = Parcel2GoClient("https://www.parcel2go.com", credentials["client_id"], credentials["client_secret"])
    assert client.quote([P2G_QUOTE_PARCEL])
    order = p2g_checkout(carriers_proxy, client)  # PrePay through the link the order hands out
    links = order["Links"]
    assert all(link.startswith("https://www.parcel2go.com/") for link in links.values()), links
    assert requests.get(links["payment"], timeout=10).status_code == 200  # a browser's link, followed too
    [pdf] = client.labels(order["OrderId"])
    assert pdf.startswith(b"%PDF")


def test_borderless360_follows_next_to_the_end(carriers_proxy, journal):
    client = Borderless360Client("https://api.borderless360.com", carriers_proxy.credentials("borderless360")["token"])
    orders = client.orders(page_size=2)
    assert len(orders) > 2  # more than one page, each `next` followed through the proxy
    pages = [entry for entry in journal("borderless360") if entry["request"]["method"] == "GET"]
    assert len(pages) >= 2


def test_parcellab(carriers_proxy, journal):
    credentials = carriers_proxy.credentials("parcellab")
    client = ParcelLabClient("https://api.parcellab.com", credentials["account"], credentials["token"])
    status = client.order_status(carriers_proxy.references("parcellab")["delivered_order"])
    assert status
    assert len(journal("parcellab")) == 1
