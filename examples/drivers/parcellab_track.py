"""parcelLab, `track`: an order's trackings and each one's latest status."""

import protocol
from parcellab import ParcelLabClient, latest_statuses


def main(task: protocol.Task) -> dict:
    client = ParcelLabClient(task.base_url, **task.client_options("account", "token"))
    order = task.references["order_number"]
    return {"reference": order, "statuses": latest_statuses(client.order_status(order))}


if __name__ == "__main__":
    protocol.run(main)
