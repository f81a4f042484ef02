"""The README's `Client(sb.url(carrier), **sb.credentials(carrier))` holds for every example client:
the whole credentials for the clients that take them all, the named ones for the others."""

from bex import BexClient
from border_express import BorderExpressClient
from borderless360 import Borderless360Client
from parcel2go import Parcel2GoClient
from parcellab import ParcelLabClient


def test_every_example_client_from_its_credentials(carriers):
    def refs(carrier: str) -> dict:
        return carriers.references(carrier)

    be = BorderExpressClient(carriers.url("border-express"), **carriers.credentials("border-express"))
    assert be.consignment(refs("border-express")["delivered"])["Status"] == "Delivered"
    bex = BexClient(carriers.url("bex"), **carriers.credentials("bex"))
    assert bex.track(refs("bex")["customer_reference"])
    p2g = Parcel2GoClient(carriers.url("parcel2go"), **carriers.credentials("parcel2go"))
    assert p2g.tracking(refs("parcel2go")["delivered_order_line"])[0]["TrackingStage"] == "Delivered"  # newest first
    b360 = Borderless360Client(carriers.url("borderless360"), **carriers.credentials("borderless360", "token"))
    assert b360.orders()
    pl = ParcelLabClient(carriers.url("parcellab"), **carriers.credentials("parcellab", "account", "token"))
    assert pl.order_status(refs("parcellab")["delivered_order"])["order_number"] == refs("parcellab")["delivered_order"]
