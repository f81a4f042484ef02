"""JSON as Json.NET reads it: `//` line comments and `/* */` block comments between tokens are
skipped, so a body a .NET API accepts is not refused here. Strings are kept as they are (a `//`
inside one is text). One linear pass: every pattern below matches without backtracking over what
it has read, so a hostile body costs no more than its length."""

from __future__ import annotations

import json
import re
from typing import Any

_TOKENS = re.compile(
    r"""
    "[^"\\]*(?:\\.[^"\\]*)*"?     # a string, to its closing quote (or the end, and json refuses it)
  | //[^\n]*                      # a line comment
  | /\*.*?(?:\*/|\Z)              # a block comment (unterminated: to the end, refused below)
  | [^"/]+                        # anything else, up to the next string or comment
  | .                             # a lone "/" (json refuses it)
""",
    re.S | re.X,
)


def loads(raw: bytes | str) -> Any:
    """The document in `raw`; ValueError (as json.loads raises it) when it is not JSON even
    without its comments, or nests too deep to read."""
    text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    kept = []
    for match in _TOKENS.finditer(text):
        token = match.group()
        if token.startswith("/*"):
            if not token.endswith("*/") or len(token) < 4:
                raise ValueError("unterminated comment")
            kept.append(" ")
        elif token.startswith("//"):
            kept.append(" ")
        else:
            kept.append(token)
    try:
        return json.loads("".join(kept))
    except RecursionError:
        raise ValueError("nested too deep") from None
