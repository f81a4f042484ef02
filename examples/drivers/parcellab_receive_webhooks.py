"""parcelLab, `receive-webhooks`: parcelLab signs nothing, so each delivery must carry the
receiver's own credential (`Authorization: Bearer <secret>`); a delivery's id is the SHA-256 of
its body (parcelLab does not deduplicate: the same event repeated is the same bytes)."""

import hashlib

import protocol
from parcellab import verify_webhook


def main(task: protocol.Task) -> dict:
    def accept(headers, body: bytes) -> str:
        if not verify_webhook(headers, f"Bearer {task.context['secret']}"):
            raise PermissionError("no valid Authorization")
        return hashlib.sha256(body).hexdigest()

    return protocol.receive(task, accept)


if __name__ == "__main__":
    protocol.run(main)
