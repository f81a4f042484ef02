"""Parcel2Go, `quote`: every service that can carry the parcels, cheapest first."""

import protocol
from parcel2go import Parcel2GoClient


def client_for(task: protocol.Task) -> Parcel2GoClient:
    return Parcel2GoClient(task.base_url, **task.client_options("client_id", "client_secret", "scope"))


def quote(client: Parcel2GoClient, references: dict) -> list[dict]:
    quotes = client.quote(references["parcels"], references["collection_country"], references["delivery_country"])
    if not quotes:
        raise LookupError("Parcel2Go quoted no service")
    return quotes


def main(task: protocol.Task) -> dict:
    quotes = quote(client_for(task), task.references)
    return {"quotes": [{"service": q["Service"]["Slug"], "price": q["TotalPrice"]} for q in quotes]}


if __name__ == "__main__":
    protocol.run(main)
