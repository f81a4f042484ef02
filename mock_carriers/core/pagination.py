"""Django REST Framework's LimitOffsetPagination, as clients see it.

`{"count", "next", "previous", "results"}` with `next`/`previous` as absolute URLs back to the same
endpoint (other query parameters kept, keys sorted, as Django's `replace_query_param` writes them).
DRF is lenient: a `limit` that is not a positive integer means the default, an `offset` that is
not a non-negative integer means 0; neither is an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, Sequence
from urllib.parse import urlencode

_NUMBER = re.compile(r"[0-9]{1,4000}\Z")
_HUGE = 10 ** 18  # more than any list holds: a longer number pages the same


def _positive_int(text: str | None, strict: bool) -> int | None:
    """DRF's `_positive_int`: any whole number (a huge one means "everything"); None where DRF
    falls back to its default."""
    if text is None or not _NUMBER.match(text.strip()):
        return None
    digits = text.strip().lstrip("0") or "0"
    value = _HUGE if len(digits) > 18 else int(digits)
    return None if strict and value == 0 else value


@dataclass(frozen=True)
class LimitOffset:
    default_limit: int = 20
    max_limit: int | None = None

    def window(self, query: list[tuple[str, str]]) -> tuple[int, int]:
        values = dict(query)
        limit = _positive_int(values.get("limit"), strict=True) or self.default_limit
        if self.max_limit is not None:
            limit = min(limit, self.max_limit)
        return limit, _positive_int(values.get("offset"), strict=False) or 0

    def page(self, items: Sequence[Any], url: str, query: list[tuple[str, str]],
             render: Callable[[Any], Any]) -> dict:
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
        return {"count": count, "next": next_url, "previous": previous,
                "results": [render(item) for item in items[offset:offset + limit]]}


def _with(url: str, query: list[tuple[str, str]], **changes: int | None) -> str:
    values = {key: value for key, value in query if key not in changes}
    values.update({key: str(value) for key, value in changes.items() if value is not None})
    return f"{url}?{urlencode(sorted(values.items()))}"
