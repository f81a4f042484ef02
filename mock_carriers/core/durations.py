"""Parsers for the durations and relative times used in fixtures, scenarios and the admin API.

Durations read like "500ms", "90s", "15m", "2h", "3d" (or compounds such as "1h30m"), or a bare
number of seconds. Relative times are a signed duration from an origin ("-2d", "+90m") or an
absolute ISO-8601 instant, so fixtures never go stale.
"""

from __future__ import annotations

import math
import re
from datetime import datetime, timedelta, timezone

from mock_carriers.core.limits import brief

_UNIT_SECONDS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}
_PART = r"\d+(?:\.\d+)?(?:ms|s|m|h|d)"
_DURATION = re.compile(rf"(?:{_PART})+\Z")
_PARTS = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h|d)")
_MAX_SECONDS = 100 * 365 * 86400.0  # a century: larger values are typos, and overflow datetime
# The instants the mock represents: wide enough for any test, narrow enough that a century added,
# or any time zone applied, still fits in a datetime.
EARLIEST = datetime(1970, 1, 1, tzinfo=timezone.utc)
LATEST = datetime(9000, 1, 1, tzinfo=timezone.utc)


def parse_duration(value: object) -> timedelta:
    """A non-negative duration from "90s"-style text or a number of seconds; ValueError otherwise."""
    if isinstance(value, bool):
        raise ValueError(f"not a duration: {brief(value)}")
    if isinstance(value, (int, float)):
        seconds = float(value)
    elif isinstance(value, str):
        text = value.strip()
        seconds = _seconds_of(text)
    else:
        raise ValueError(f"not a duration: {brief(value)}")
    if math.isnan(seconds) or seconds < 0 or seconds > _MAX_SECONDS:
        raise ValueError(f"duration out of range: {brief(value)}")
    return timedelta(seconds=seconds)


def _seconds_of(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        pass
    if not _DURATION.match(text):
        raise ValueError(f"not a duration: {brief(text)} (use e.g. 500ms, 90s, 15m, 2h, 3d)")
    return sum(float(n) * _UNIT_SECONDS[unit] for n, unit in _PARTS.findall(text))


def parse_relative_time(value: object, origin: datetime) -> datetime:
    """An instant: "+90m"/"-2d" from `origin`, or an absolute ISO-8601 time (UTC if no zone)."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    if not isinstance(value, str):
        raise ValueError(f"not a relative time: {brief(value)}")
    text = value.strip()
    if text[:1] in "+-":
        offset = parse_duration(text[1:])
        return origin - offset if text[0] == "-" else origin + offset
    if text[:1].isdigit() and not _looks_absolute(text):
        return origin + parse_duration(text)
    return parse_instant(text)


def _looks_absolute(text: str) -> bool:
    return len(text) >= 10 and text[4:5] == "-" and text[7:8] == "-"


def parse_instant(text: str) -> datetime:
    """An absolute ISO-8601 instant; "Z" accepted; naive times are taken as UTC."""
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise ValueError(f"not an ISO-8601 time: {brief(text)}") from None
    return check_instant(moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc))


def format_instant(moment: datetime | float) -> str:
    """An instant (datetime or timestamp) as the admin API writes it: UTC, milliseconds, "Z"."""
    if not isinstance(moment, datetime):
        moment = datetime.fromtimestamp(moment, timezone.utc)
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def check_instant(moment: datetime) -> datetime:
    if not EARLIEST <= moment < LATEST:
        raise ValueError(f"{moment.isoformat()} is out of range: use a time from 1970 to 8999")
    return moment
