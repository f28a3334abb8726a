"""The planners' filters (walk, period, category, status, light), read from a query string.

The same filters drive the findings map, the action list and the exports, so a planner exports
exactly what they are looking at. No Flask here: parse() takes any mapping of strings.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from . import vocab
from .timefmt import plausible
from .urls import parse_id
from .timefmt import local_zone


@dataclass(frozen=True)
class Filters:
    """What the planner asked to see; empty fields mean "all"."""

    walk_id: int | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    category: str | None = None
    status: str | None = None
    light: str | None = None
    # Swedish messages for values that could not be read (the filter is then left out).
    errors: tuple[str, ...] = field(default=(), compare=False)

    @classmethod
    def parse(cls, args: Mapping[str, str]) -> Filters:
        """Read the filters from a query string; a bad value is dropped with a message."""
        errors: list[str] = []

        def text(name: str) -> str | None:
            value = (args.get(name) or "").strip()
            return value or None

        walk_id = parse_id(text("walk"))
        if text("walk") and walk_id is None:
            errors.append("walk")
        start, end = _date(text("from"), errors, "from"), _date(text("to"), errors, "to")
        if start and end and end < start:
            start, end = end, start
        status = text("status")
        if status and status not in vocab.LOCATION_STATUSES:
            errors.append("status")
            status = None
        light = text("light")
        if light and light not in vocab.LIGHT:
            errors.append("light")
            light = None
        return cls(walk_id=walk_id, start=start, end=end, category=text("category"), status=status,
                   light=light, errors=tuple(errors))

    @property
    def active(self) -> bool:
        """Whether any filter narrows the selection."""
        return any((self.walk_id, self.start, self.end, self.category, self.status, self.light))

    def utc_bounds(self) -> tuple[dt.datetime | None, dt.datetime | None]:
        """The period as naive-UTC bounds [start, end) on pin times, whole local days."""

        def utc(day: dt.date) -> dt.datetime:
            local = dt.datetime.combine(day, dt.time(0), tzinfo=local_zone())
            return local.astimezone(dt.UTC).replace(tzinfo=None)

        return (utc(self.start) if self.start else None,
                utc(self.end + dt.timedelta(days=1)) if self.end else None)

    def pin_matches(self, walk_id: int, created_at: dt.datetime | None, categories, light: str | None) -> bool:
        """Whether one pin passes the pin-level filters (walk, period, category, light)."""
        if self.walk_id is not None and walk_id != self.walk_id:
            return False
        if self.light is not None and light != self.light:
            return False
        if self.category is not None and self.category not in (categories or ()):
            return False
        if self.start or self.end:
            low, high = self.utc_bounds()
            if created_at is None or (low and created_at < low) or (high and created_at >= high):
                return False
        return True

    def query_args(self) -> dict[str, str]:
        """The filters as query-string arguments, for links to exports and other views."""
        args = {
            "walk": str(self.walk_id) if self.walk_id is not None else None,
            "from": self.start.isoformat() if self.start else None,
            "to": self.end.isoformat() if self.end else None,
            "category": self.category,
            "status": self.status,
            "light": self.light,
        }
        return {k: v for k, v in args.items() if v}


def _date(value: str | None, errors: list[str], name: str) -> dt.date | None:
    if value is None:
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        day = None
    if day is None or not plausible(day):
        errors.append(name)
        return None
    return day
