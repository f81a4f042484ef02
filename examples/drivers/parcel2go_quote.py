"""Parcel2Go, `quote`: every service for one parcel within Great Britain, cheapest first."""

import protocol
from parcel2go import Parcel2GoClient

PARCEL = {"Value": 100, "Weight": 1, "Length": 10, "Width": 10, "Height": 10}


def client_for(task: protocol.Task) -> Parcel2GoClient:
    return Parcel2GoClient(task.base_url, **task.client_options("client_id", "client_secret", "scope"))


def main(task: protocol.Task) -> dict:
    quotes = client_for(task).quote([PARCEL])
    if not quotes:
        raise LookupError("Parcel2Go quoted no service")
    return {"quotes": [{"service": q["Service"]["Slug"], "price": q["TotalPrice"]} for q in quotes]}


if __name__ == "__main__":
    protocol.run(main)
