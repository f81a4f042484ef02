"""The bounds on what a user's document may cost, and on how much of it an error may repeat.

Every document a user hands the server (a scenario, a fixture file or overlay, an admin body) is
refused past these bounds before anything walks it, so a few hundred bytes cannot make the server
build gigabytes (a YAML alias bomb) or recurse once per level of a deeply nested document."""

from __future__ import annotations

import reprlib
from typing import Any, Callable

MAX_NODES = 100_000  # values in one document, aliases expanded: a shipped contract has about 6,000
MAX_DEPTH = 64  # nesting levels: no fixture, scenario or carrier document comes near it
MAX_CHARS = 10_000_000  # characters of scalars in one document, aliases expanded
MAX_ECHO = 200  # characters of a user's value an error message may repeat


class _Brief(reprlib.Repr):
    """reprlib's bounded repr, choosing by isinstance, so the subclasses of brief_view are bounded too."""

    def repr1(self, x: Any, level: int) -> str:
        for kind in (str, dict, list, tuple, int):
            if isinstance(x, kind):
                method: Callable[[Any, int], str] = getattr(self, f"repr_{kind.__name__}")
                return method(x, level)
        return self.repr_instance(x, level)


_brief = _Brief()  # Python 3.11's takes no arguments
_brief.maxlevel, _brief.maxstring, _brief.maxother, _brief.maxlong = 3, MAX_ECHO // 2, MAX_ECHO // 2, 40
_brief.maxdict = _brief.maxlist = _brief.maxtuple = 6


class TooLarge(ValueError):
    """A document past one of the bounds; the message says which."""


def clip(text: str, limit: int = MAX_ECHO) -> str:
    """`text`, cut to `limit` characters with an ellipsis where it was cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def brief(value: Any) -> str:
    """A repr of `value` of at most about MAX_ECHO characters, made without building the whole repr."""
    return clip(_brief.repr(value))


class _Str(str):
    __slots__ = ()
    __repr__ = brief


class _List(list[Any]):
    __slots__ = ()
    __repr__ = brief


class _Dict(dict[Any, Any]):
    __slots__ = ()
    __repr__ = brief


def brief_view(value: Any, _seen: dict[int, Any] | None = None) -> Any:
    """A copy of a JSON-like document whose strings, lists and dicts repr themselves briefly:
    a validator's messages (which repr the value they refuse) stay short however large it is.
    A value met twice (a YAML alias) is copied once."""
    seen = {} if _seen is None else _seen
    if not isinstance(value, (str, list, dict)):
        return value
    copied = seen.get(id(value))
    if copied is None:
        if isinstance(value, str):
            copied = _Str(value)
        elif isinstance(value, list):
            copied = _List(brief_view(item, seen) for item in value)
        else:
            copied = _Dict((brief_view(key, seen), brief_view(item, seen)) for key, item in value.items())
        seen[id(value)] = copied
    return copied


def check_document(value: Any) -> None:
    """Raise TooLarge for a parsed JSON document past MAX_DEPTH (levels of objects and arrays) or
    MAX_NODES; it walks at most MAX_NODES values and never recurses."""
    nodes, stack = 0, [(value, 1)]
    while stack:
        node, depth = stack.pop()
        nodes += 1
        if nodes > MAX_NODES:
            raise TooLarge(f"more than {MAX_NODES} values")
        if isinstance(node, (dict, list)):
            if depth > MAX_DEPTH:
                raise TooLarge(f"nested deeper than {MAX_DEPTH} levels")
            stack.extend((child, depth + 1) for child in (node.values() if isinstance(node, dict) else node))
