"""Parcel2Go, `book`: quote, take the first collection date, create the order and pay it from the
PrePay balance (the client never pays twice, even when the payment's answer is lost)."""

import protocol
from parcel2go_quote import PARCEL, client_for

SENDER = {
    "ContactName": "John Doe",
    "Email": "j.doe@example.com",
    "Phone": "07587569852",
    "Property": "1",
    "Street": "Raleigh Street",
    "Town": "Scarborough",
    "Postcode": "YO12 7JZ",
    "CountryIsoCode": "GBR",
}
RECIPIENT = {**SENDER, "ContactName": "Jane Roe", "Property": "11", "Street": "Saville St", "Town": "Malton"}
RECIPIENT["Postcode"] = "YO17 7LL"


def order(service: str, collection_date: str) -> dict:
    parcel = {
        "Id": "00000000-0000-0000-0000-000000000000",
        **{size: PARCEL[size] for size in ("Length", "Width", "Height", "Weight")},
        "EstimatedValue": PARCEL["Value"],
        "DeliveryAddress": RECIPIENT,
        "ContentsSummary": "Slippers",
    }
    item = {
        "Id": "9c2f14e4-eae2-47db-8e49-df2aba410268",
        "CollectionDate": collection_date,
        "Service": service,
        "Parcels": [parcel],
        "CollectionAddress": SENDER,
    }
    return {"Items": [item], "CustomerDetails": {"Email": SENDER["Email"], "Forename": "John", "Surname": "Doe"}}


def main(task: protocol.Task) -> dict:
    client = client_for(task)
    slugs = [quote["Service"]["Slug"] for quote in client.quote([PARCEL])]
    wanted = task.references.get("domestic_service")
    service = wanted if wanted in slugs else slugs[0]  # else the cheapest
    [first_date, *_] = client.collection_dates(service, SENDER["Postcode"])
    created = client.create_order(order(service, first_date))
    client.pay_with_prepay(created)
    return {
        "order_id": created["OrderId"],
        "order_line_ids": [line["OrderLineId"] for line in created["OrderlineIdMap"]],
        "price": created["TotalPrice"],
    }


if __name__ == "__main__":
    protocol.run(main)
