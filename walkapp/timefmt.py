"""Timestamps as the API and exports write them."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

# Dates people type and read are local time: the TIMEZONE setting (Sweden's by default), set once
# when the app is made (create_app calls set_local_zone).
_local = ZoneInfo("Europe/Stockholm")


def set_local_zone(name: str) -> None:
    """Use this IANA time zone for every date people type or read."""
    global _local
    _local = ZoneInfo(name)


def local_zone() -> ZoneInfo:
    """The time zone of the dates people type and read."""
    return _local


def iso_utc(value: dt.datetime | None) -> str | None:
    """A naive-UTC database time as ISO 8601 with a Z, or None."""
    if value is None:
        return None
    return value.replace(microsecond=0).isoformat() + "Z"


# Dates people and programs may ask about: wide enough for any real walk, narrow enough that adding
# a day or a 90-day window never leaves the calendar (year 1 or 9999 would overflow).
FIRST_YEAR, LAST_YEAR = 1900, 2999


def plausible(value: dt.date | dt.datetime) -> bool:
    """Whether a date or time typed from outside is within FIRST_YEAR..LAST_YEAR."""
    return FIRST_YEAR <= value.year <= LAST_YEAR
