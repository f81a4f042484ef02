"""BEX, `track`: a waybill's events (anonymous tracking), newest first."""

import protocol
from bex import BexClient


def main(task: protocol.Task) -> dict:
    client = BexClient(task.base_url, **task.client_options("username", "password", "account_number"))
    number = task.references["waybill"]
    events = client.track(number).get(number)
    if not events:
        raise LookupError(f"BEX has no waybill {number}")
    return {"reference": number, "status": events[0]["description"], "events": len(events)}


if __name__ == "__main__":
    protocol.run(main)
