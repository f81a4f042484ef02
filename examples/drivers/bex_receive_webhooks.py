"""BEX, `receive-webhooks`: check each delivery's `ms-signature` (HMAC-SHA256 of the exact body);
a delivery's id is its envelope's `Id`. BEX's echo check (`GET ?echo=`) is answered too."""

import json

import protocol
from bex import verify_webhook


def main(task: protocol.Task) -> dict:
    def accept(headers, body: bytes) -> str:
        if not verify_webhook(body, headers.get("ms-signature"), task.context["secret"]):
            raise PermissionError("bad ms-signature")
        return json.loads(body)["Id"]

    return protocol.receive(task, accept, echo=True)


if __name__ == "__main__":
    protocol.run(main)
