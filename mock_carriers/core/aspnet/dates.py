"""Dates as Json.NET writes them, so a .NET client's parser (and a strict contract) reads the
mock's the way it reads the real API's: a `DateTime` with no time and no zone, and a
`DateTimeOffset` with seven fractional digits (Python writes six)."""

from __future__ import annotations

from datetime import date, datetime, timezone


def date_text(day: date) -> str:
    """A `DateTime` with no time and no zone: `2024-05-06T00:00:00`."""
    return f"{day.isoformat()}T00:00:00"


def offset_text(moment: datetime) -> str:
    """A `DateTimeOffset` in the moment's own offset: `2024-05-06T14:22:14.2108180+01:00`."""
    text = moment.isoformat(timespec="microseconds")
    return text[:26] + "0" + text[26:]


def utc_text(moment: datetime) -> str:
    """A `DateTimeOffset` in UTC: `2018-08-30T11:37:03.6386330+00:00`."""
    return offset_text(moment.astimezone(timezone.utc))
