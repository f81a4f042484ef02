"""How deeply a JSON text nests, found before it is parsed: Python's parser, and whatever walks
the parsed value recursively, runs out of stack on a document a thousand levels deep. A caller
refuses a text deeper than its bound first, in one pass and without recursion."""

from __future__ import annotations

from mock_carriers.core.limits import MAX_DEPTH

_NOT_BRACKETS = bytes(byte for byte in range(256) if byte not in b"[]{}")
_OPENERS = frozenset(b"[{")


def nests_deeper(raw: bytes, limit: int = MAX_DEPTH) -> bool:
    """Whether the JSON text `raw` opens more than `limit` arrays or objects inside each other;
    brackets inside strings do not count."""
    if raw.count(b"[") + raw.count(b"{") <= limit:
        return False  # the usual case: two scans in C
    unescaped = raw.replace(b"\\\\", b"").replace(b'\\"', b"")  # no quote left inside a string
    outside = b"".join(unescaped.split(b'"')[::2])  # the text between strings
    depth = 0
    for byte in outside.translate(None, _NOT_BRACKETS):  # its brackets alone
        depth += 1 if byte in _OPENERS else -1
        if depth > limit:
            return True
    return False
