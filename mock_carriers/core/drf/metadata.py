"""Django REST Framework's own answer to a plain `OPTIONS` (no preflight), its `SimpleMetadata`:
`{"name", "description", "renders", "parses"}`. Every DRF view takes OPTIONS, after its content
negotiation, authentication and permission checks (see views.py).

The view's name comes from its class, which the mock cannot know: it is made the way DRF names a
router's views (`<Resource> List`, `<Resource> Instance`, an action's own name), from the path.
"""

from __future__ import annotations

import re
from typing import Any

_PLACEHOLDER = re.compile(r"<[^>]+>\Z")


def metadata(rule: str, renders: tuple[str, ...], parses: tuple[str, ...]) -> dict[str, Any]:
    return {"name": view_name(rule), "description": "", "renders": list(renders), "parses": list(parses)}


def view_name(rule: str) -> str:
    """`/orders/` -> "Orders List", `/orders/<id>/` -> "Orders Instance", `/orders/<id>/cancel/` ->
    "Cancel" (an action: DRF's `pretty_name` of it)."""
    segments = [segment for segment in rule.split("/") if segment]
    if not segments:
        return "Api Root"
    if _PLACEHOLDER.match(segments[-1]):
        literal = next((s for s in reversed(segments) if not _PLACEHOLDER.match(s)), "")
        return f"{_words(literal).title()} Instance".lstrip()
    if len(segments) > 1 and _PLACEHOLDER.match(segments[-2]):
        return _words(segments[-1]).capitalize()
    return f"{_words(segments[-1]).title()} List"


def _words(segment: str) -> str:
    return segment.replace("_", " ").replace("-", " ")
