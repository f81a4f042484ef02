"""The credentials a request presents: an `Authorization` header's scheme and value, and the
schemes built like HTTP Basic (base64 of `id:secret`), decoded in one place, so a value that is not
such text is refused the same way everywhere, never a crash."""

from __future__ import annotations

import base64
import binascii
from typing import Callable

from flask import Request

Credentials = Callable[[Request], list[str]]  # request -> the tokens it presents, the first its own


def decode_pair(value: str) -> tuple[str, str] | None:
    """`(id, secret)` from base64 of UTF-8 `id:secret` (split at the first colon, as RFC 7617 does);
    None for anything else: not base64 (characters beyond ASCII included), not UTF-8, or no colon."""
    try:
        text = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):  # ValueError: a character beyond ASCII
        return None
    identity, colon, secret = text.partition(":")
    return (identity, secret) if colon else None


def authorization(*schemes: str, pairs: tuple[str, ...] = ()) -> Credentials:
    """The token of an `Authorization: <scheme> <token>` header in one of `schemes`, or the secret
    of an `Authorization: <scheme> base64(id:secret)` in one of `pairs` (schemes case-insensitive);
    nothing for another scheme or a value that does not decode."""
    plain, paired = {s.lower() for s in schemes}, {s.lower() for s in pairs}

    def tokens(request: Request) -> list[str]:
        scheme, _, value = request.headers.get("Authorization", "").strip().partition(" ")
        value, scheme = value.strip(), scheme.lower()
        if scheme in paired:
            pair = decode_pair(value)
            value = pair[1] if pair else ""
        elif scheme not in plain:
            value = ""
        return [value] if value else []

    return tokens
