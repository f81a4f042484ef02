"""Borderless360, `sync`: every order, each LimitOffset page read once, following `next` to the end."""

import protocol
from borderless360 import Borderless360Client


def main(task: protocol.Task) -> dict:
    orders = Borderless360Client(task.base_url, **task.client_options("token")).orders()
    return {"orders": len(orders)}


if __name__ == "__main__":
    protocol.run(main)
