"""Django REST Framework's LimitOffsetPagination, as clients see it.

`{"count", "next", "previous", "results"}` with `next`/`previous` as absolute URLs back to the same
endpoint, every other query parameter kept (a repeated one with all its values, in order), keys
sorted, as DRF's `replace_query_param` writes them. DRF is lenient: a `limit` that Python's `int()`
does not read as a positive number means the default, an `offset` it does not read as a
non-negative one means 0; neither is an error. `int()` reads `+2`, ` 2 ` and `2_0` too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Sequence
from urllib.parse import urlencode

_MAX_DIGITS = 4300  # Python's own bound on int(text): a longer number is a ValueError, so the default


def _positive_int(text: str | None, strict: bool) -> int | None:
    """DRF's `_positive_int`; None where DRF falls back to its default. The last of a repeated
    parameter is the one read (Django's QueryDict)."""
    if text is None or len(text) > _MAX_DIGITS + 100:
        return None
    try:
        value = int(text)
    except ValueError:
        return None
    return None if value < 0 or (strict and value == 0) else value


@dataclass(frozen=True)
class LimitOffset:
    default_limit: int = 20
    max_limit: int | None = None

    def window(self, query: list[tuple[str, str]]) -> tuple[int, int]:
        values = dict(query)  # the last value of each name
        limit = _positive_int(values.get("limit"), strict=True) or self.default_limit
        if self.max_limit is not None:
            limit = min(limit, self.max_limit)
        return limit, _positive_int(values.get("offset"), strict=False) or 0

    def page(
        self, items: Sequence[Any], url: str, query: list[tuple[str, str]], render: Callable[[Any], Any]
    ) -> dict[str, Any]:
        """One page of `items` for a request to `url` (no query string) with `query`; only the
        page's items are rendered."""
        limit, offset = self.window(query)
        count = len(items)
        next_url = None if offset + limit >= count else _with(url, query, limit=limit, offset=offset + limit)
        if offset <= 0:
            previous = None
        elif offset - limit <= 0:
            previous = _with(url, query, limit=limit, offset=None)
        else:
            previous = _with(url, query, limit=limit, offset=offset - limit)
        return {
            "count": count,
            "next": next_url,
            "previous": previous,
            "results": [render(item) for item in items[offset : offset + limit]],
        }


def _with(url: str, query: list[tuple[str, str]], **changes: int | None) -> str:
    """`replace_query_param` / `remove_query_param`: each name's values in order, names sorted."""
    values: dict[str, list[str]] = {}
    for key, value in query:
        if key not in changes:
            values.setdefault(key, []).append(value)
    values.update({key: [str(value)] for key, value in changes.items() if value is not None})
    return f"{url}?{urlencode(sorted(values.items()), doseq=True)}"
