"""BEX, `book`: submit one waybill (the client never makes two, even when the answer is lost)."""

import protocol
from bex_quote import client_for

WAYBILL = {
    "serviceCode": "ONC",
    "sendersRef": "PO-9",
    "senderCompany": "Karoo Coffee",
    "senderSuburb": "Sandton",
    "receiverCompany": "Surf Shop",
    "receiverSuburb": "Umhlanga",
    "receiverContactName": "Priya Naidoo",
    "dimensions": [{"dimension1": 40, "dimension2": 30, "dimension3": 20, "weight": 6.5}],
}


def main(task: protocol.Task) -> dict:
    return {"waybill_number": client_for(task).submit_waybill(WAYBILL)["waybillNumber"]}


if __name__ == "__main__":
    protocol.run(main)
