"""BEX, `quote`: every service priced for the shipment, for the account in the credentials."""

import protocol
from bex import BexClient


def client_for(task: protocol.Task) -> BexClient:
    return BexClient(task.base_url, **task.client_options("username", "password", "account_number"))


def main(task: protocol.Task) -> dict:
    items = client_for(task).quote(task.references["shipment"])
    if not items:
        raise LookupError("BEX quoted no service")
    return {"quotes": [{"service": item["serviceCodeStr"], "price": item["totalCharges"]} for item in items]}


if __name__ == "__main__":
    protocol.run(main)
