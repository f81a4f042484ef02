"""Border Express, `track`: a consignment's current status and its history, newest first."""

import protocol
from border_express import BorderExpressClient


def main(task: protocol.Task) -> dict:
    client = BorderExpressClient(task.base_url, **task.client_options("client_id", "client_secret"))
    number = task.references["consignment"]
    statuses = client.statuses(number)
    return {"reference": number, "status": client.consignment(number)["Status"], "events": len(statuses)}


if __name__ == "__main__":
    protocol.run(main)
