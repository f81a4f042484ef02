"""How the dashboard words what the admin API answers: statuses with their reason phrase and class
(readable without colour), namespace-clock times, durations, bodies (pretty JSON, text, images shown,
PDFs and other binaries to download). Plain functions, used as Jinja filters; the templates escape
everything they print."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

IMAGE_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp")
_DOWNLOAD_NAMES = {"application/pdf": ("PDF", "pdf")}


def status_text(status: int | None) -> str:
    """`401 Unauthorized`; a status Python has no phrase for stays a number."""
    if status is None:
        return "no status"
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


def status_class(status: int | None) -> str:
    """`4xx`, the word the filters and charts use for a status's class."""
    return f"{str(status)[0]}xx" if status else "none"


def clock_time(instant: str | None) -> str:
    """`2026-01-01T10:03:07.123Z` as `2026-01-01 10:03:07.123Z`: the namespace clock, in UTC."""
    return instant.replace("T", " ") if instant else "-"


def short_time(instant: str | None) -> str:
    """The time of day of a namespace-clock instant (the date is in its `title`)."""
    return instant[11:23].rstrip("Z") if instant else "-"


def duration(ms: float | None) -> str:
    if ms is None:
        return "-"
    return f"{ms:.1f} ms" if ms < 1000 else f"{ms / 1000:.2f} s"


def seconds(value: float) -> str:
    """A delay as people say it: `1m`, `4m`, `90s`, `2h`."""
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if value >= size and value % size == 0:
            return f"{int(value // size)}{unit}"
    return f"{value:g}s"


@dataclass(frozen=True, slots=True)
class Line:
    """One journal entry as its line in the traffic view, worded once in Python: a template reading
    plain attributes renders a thousand of them several times faster than one digging in dicts."""

    id: int
    at: str
    time: str
    operation: str
    request: str
    status: str
    status_class: str
    duration: str
    faults: tuple[str, ...]
    violations: tuple[dict, ...]


def line(entry: dict[str, Any]) -> Line:
    request, status = entry["request"], entry["response"]["status"]
    return Line(
        entry["id"],
        entry["at"],
        short_time(entry["at"]),
        f"{entry['carrier'] or '-'}:{entry['operation'] or '-'}",
        f"{request['method']} {request['path']}" + (f"?{request['query']}" if request["query"] else ""),
        status_text(status),
        status_class(status),
        duration(entry["duration_ms"]),
        tuple(f"{fault['effect']} ({fault['id']})" for fault in entry["faults"]),
        tuple(entry["contract_violations"]),
    )


@dataclass(frozen=True)
class Body:
    """One request or response body as the page shows it."""

    kind: str  # "empty", "json", "text", "image" or "download"
    text: str = ""
    data_url: str = ""
    media_type: str = ""
    size: int = 0
    truncated: int = 0
    label: str = ""


def body(part: dict[str, Any], headers: dict[str, str]) -> Body:
    """A journal entry's request or response body (`body` or `body_base64`), ready to show."""
    media_type = _content_type(headers)
    truncated = part.get("body_truncated", 0)
    if "body_base64" in part:
        raw = base64.b64decode(part["body_base64"])
        if not raw:
            return Body("empty", truncated=truncated)
        if media_type in IMAGE_TYPES:
            data_url = f"data:{media_type};base64,{part['body_base64']}"
            return Body("image", data_url=data_url, media_type=media_type, size=len(raw), truncated=truncated)
        label = _DOWNLOAD_NAMES.get(media_type, ("file", "bin"))[0]
        shipped_type = media_type if media_type in _DOWNLOAD_NAMES else "application/octet-stream"  # never text/html
        data_url = f"data:{shipped_type};base64,{part['body_base64']}"
        return Body(
            "download", data_url=data_url, media_type=media_type, size=len(raw), truncated=truncated, label=label
        )
    text = part.get("body", "")
    if not text:
        return Body("empty", truncated=truncated)
    if "json" in media_type or text.lstrip()[:1] in ("{", "["):
        try:
            return Body(
                "json",
                json.dumps(json.loads(text), indent=2, ensure_ascii=False),
                media_type=media_type,
                size=len(text.encode()),
                truncated=truncated,
            )
        except ValueError:
            pass
    return Body("text", text, media_type=media_type, size=len(text.encode()), truncated=truncated)


def download_name(kind: str, entry_id: int, extension_of: str) -> str:
    """`entry-12-response.pdf`."""
    extension = _DOWNLOAD_NAMES.get(extension_of, ("file", "bin"))[1]
    return f"entry-{entry_id}-{kind}.{extension}"


def signature(headers: dict[str, str]) -> str:
    """The signature header of a webhook attempt (`ms-signature: sha256=...`), if it carries one."""
    for name, value in headers.items():
        if "signature" in name.lower():
            return f"{name}: {value}"
    return ""


def _content_type(headers: dict[str, str]) -> str:
    for name, value in headers.items():
        if name.lower() == "content-type":
            return value.split(";")[0].strip().lower()
    return ""


FILTERS = {
    "status_text": status_text,
    "status_class": status_class,
    "clock_time": clock_time,
    "short_time": short_time,
    "duration": duration,
    "seconds": seconds,
    "signature": signature,
}
