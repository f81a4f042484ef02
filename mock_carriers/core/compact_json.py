"""The one compact JSON encoding: no spaces, UTF-8, non-ASCII kept as is, as the ASP.NET and
Django serializers write it. Responses and webhook bodies share it, so they cannot drift apart."""

from __future__ import annotations

import json
from typing import Any


def encode(document: Any) -> bytes:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
