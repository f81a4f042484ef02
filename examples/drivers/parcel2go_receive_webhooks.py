"""Parcel2Go, `receive-webhooks`: check each delivery's `Signature` (it covers `Id:Timestamp:Type`)
and refuse a timestamp more than ten minutes off; a delivery's id is its envelope's `Id`."""

import protocol
from parcel2go import verify_webhook


def main(task: protocol.Task) -> dict:
    return protocol.receive(task, lambda headers, body: verify_webhook(body, task.context["secret"])["Id"])


if __name__ == "__main__":
    protocol.run(main)
