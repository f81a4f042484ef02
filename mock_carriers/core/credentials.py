"""Credentials sent as base64 of `id:secret` (HTTP Basic, and the schemes built like it), decoded in
one place, so a value that is not such text is refused the same way everywhere, never a crash."""

from __future__ import annotations

import base64
import binascii


def decode_pair(value: str) -> tuple[str, str] | None:
    """`(id, secret)` from base64 of UTF-8 `id:secret` (split at the first colon, as RFC 7617 does);
    None for anything else: not base64 (characters beyond ASCII included), not UTF-8, or no colon."""
    try:
        text = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):  # ValueError: a character beyond ASCII
        return None
    identity, colon, secret = text.partition(":")
    return (identity, secret) if colon else None
