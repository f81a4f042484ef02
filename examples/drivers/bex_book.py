"""BEX, `book`: submit the waybill, once (its `waybillNumber` is given, so the client tracks it
before sending again when an answer is lost, and BEX refuses a repeat)."""

import protocol
from bex_quote import client_for


def main(task: protocol.Task) -> dict:
    return {"waybill_number": client_for(task).submit_waybill(task.references["waybill"])["waybillNumber"]}


if __name__ == "__main__":
    protocol.run(main)
