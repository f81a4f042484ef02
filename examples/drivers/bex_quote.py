"""BEX, `quote`: every service priced for one consignment from Sandton to Umhlanga."""

import protocol
from bex import BexClient

SHIPMENT = {
    "totalWeight": 2.5,
    "dimMass": 12000,
    "originSuburb": "Sandton",
    "originPostCode": "2196",
    "destinationSuburb": "Umhlanga",
    "destinationPostCode": "4319",
}


def client_for(task: protocol.Task) -> BexClient:
    return BexClient(task.base_url, **task.client_options("username", "password", "account_number"))


def main(task: protocol.Task) -> dict:
    items = client_for(task).quote(SHIPMENT)
    if not items:
        raise LookupError("BEX quoted no service")
    return {"quotes": [{"service": item["serviceCodeStr"], "price": item["totalCharges"]} for item in items]}


if __name__ == "__main__":
    protocol.run(main)
