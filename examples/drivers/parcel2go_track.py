"""Parcel2Go, `track`: an order line's tracking events, newest first."""

import protocol
from parcel2go import Parcel2GoClient


def main(task: protocol.Task) -> dict:
    client = Parcel2GoClient(task.base_url, **task.client_options("client_id", "client_secret", "scope"))
    line = task.references["order_line"]
    events = client.tracking(line)
    return {"reference": line, "status": events[0]["TrackingStage"] if events else None, "events": len(events)}


if __name__ == "__main__":
    protocol.run(main)
