"""Timestamps as the API and exports write them."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

# Walks happen in Sweden: dates typed and shown by people are Swedish local time.
LOCAL_ZONE = ZoneInfo("Europe/Stockholm")


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
