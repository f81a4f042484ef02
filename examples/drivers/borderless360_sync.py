"""Borderless360, `sync`: every order, reading each LimitOffset page once, `next` to the end."""

import protocol
from borderless360 import Borderless360Client


def main(task: protocol.Task) -> dict:
    client = Borderless360Client(task.base_url, **task.client_options("token"))
    page_size = int(task.context.get("page_size") or 20)  # DRF's own default, which the real API uses
    return {"orders": [order["id"] for order in client.orders(page_size=page_size)]}


if __name__ == "__main__":
    protocol.run(main)
