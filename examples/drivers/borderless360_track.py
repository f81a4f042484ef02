"""Borderless360, `track`: an order's shipments, with their tracking numbers and statuses."""

import protocol
from borderless360 import Borderless360Client


def main(task: protocol.Task) -> dict:
    client = Borderless360Client(task.base_url, **task.client_options("token"))
    order = task.references["order"]
    shipments = client.shipments(int(order))
    return {"reference": order, "shipments": shipments}


if __name__ == "__main__":
    protocol.run(main)
