"""How long a request's body is, read from its headers the way RFC 9112 says, refusing the
ambiguous cases a proxy and a server could read differently (request smuggling)."""

from __future__ import annotations

import re
from email.message import Message

_LENGTH = re.compile(r"[0-9]{1,18}")


class FramingError(ValueError):
    """The headers do not say plainly where the body ends: a 400."""


def body_framing(headers: Message) -> tuple[int | None, bool]:
    """(Content-Length or None, chunked)."""
    lengths = {value.strip() for header in headers.get_all("Content-Length") or [] for value in header.split(",")}
    codings = [
        coding.strip().lower()
        for header in headers.get_all("Transfer-Encoding") or []
        for coding in header.split(",")
        if coding.strip()
    ]
    if codings:
        if codings != ["chunked"]:
            raise FramingError("only Transfer-Encoding: chunked is understood")
        if lengths:
            raise FramingError("a request may not have both Content-Length and Transfer-Encoding")
        return None, True
    if len(lengths) > 1:
        raise FramingError("the request has two different Content-Length headers")
    if not lengths:
        return None, False
    (length,) = lengths
    if not _LENGTH.fullmatch(length):
        raise FramingError("Content-Length is not a whole number")
    return int(length), False
