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
