"""Parcel2Go, `book`: quote, book the service on its first collection date, and pay from the
PrePay balance (the client never pays twice, even when the payment's answer is lost)."""

import protocol
from parcel2go_quote import client_for, quote


def main(task: protocol.Task) -> dict:
    client, references = client_for(task), task.references
    service = references["service"]
    if service not in [q["Service"]["Slug"] for q in quote(client, references)]:
        raise LookupError(f"Parcel2Go did not quote {service}")
    order = references["order"]
    postcode = order["Items"][0]["CollectionAddress"]["Postcode"]
    first_date = client.collection_dates(service, postcode, references["collection_country"])[0]
    created = client.create_order(
        {**order, "Items": [{**item, "CollectionDate": first_date} for item in order["Items"]]}
    )
    client.pay_with_prepay(created)
    return {
        "order_id": created["OrderId"],
        "order_line_ids": [line["OrderLineId"] for line in created["OrderlineIdMap"]],
    }


if __name__ == "__main__":
    protocol.run(main)
