"""Borderless360, `receive-webhooks`: Borderless360 signs nothing, so each delivery must carry the
agreed `X-Webhook-Secret` header; a delivery's id is the SHA-256 of its body (the same update
repeated is the same bytes)."""

import hashlib

import protocol
from borderless360 import verify_webhook


def main(task: protocol.Task) -> dict:
    def accept(headers, body: bytes) -> str:
        if not verify_webhook(headers, task.context["secret"]):
            raise PermissionError("no valid X-Webhook-Secret")
        return hashlib.sha256(body).hexdigest()

    return protocol.receive(task, accept)


if __name__ == "__main__":
    protocol.run(main)
