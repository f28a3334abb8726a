"""The GeoReport v2 rules that need no database: status mapping, datetimes, the request filters.

See docs/open311.md (the project's digest of the spec). Plain values in, plain values out.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..urls import parse_id
from ..vocab import LOCATION_STATUS_SCALE, N_
from ..timefmt import local_zone, plausible

WINDOW = dt.timedelta(days=90)
MAX_RESULTS = 1000

# Open or closed, as each status says in walkapp/vocab.py.
STATUS_MAP = {s.key: s.open311 for s in LOCATION_STATUS_SCALE}


class BadRequest(ValueError):
    """A parameter the spec says is an error (400): a Swedish message (translated by the view) and its values."""

    def __init__(self, message: str, **params):
        super().__init__(message % params)
        self.message = message
        self.params = params


def georeport_status(status: str) -> str:
    """Our location status as GeoReport's open/closed."""
    return STATUS_MAP[status]


def w3c(value: dt.datetime) -> str:
    """An aware or naive-UTC datetime as W3C-DTF in local time with its offset."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(local_zone()).replace(microsecond=0).isoformat()


def end_of_day(day: dt.date) -> dt.datetime:
    """A due date as the last second of that day, local time."""
    return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=local_zone())


# "+02:00" arrives as " 02:00" when a client forgot to encode the plus sign.
_DECODED_PLUS = re.compile(r"(T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) (\d{2}(?::?\d{2})?)$")


def parse_datetime(name: str, text: str, *, end: bool = False) -> dt.datetime:
    """A W3C datetime from a query string, as aware UTC; a bare date means the start (or end) of that day."""
    text = _DECODED_PLUS.sub(r"\1+\2", text.strip())
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            day = dt.date.fromisoformat(text)
            value = end_of_day(day) if end else dt.datetime.combine(day, dt.time(0), tzinfo=local_zone())
        else:
            if "T" not in text:
                raise ValueError(text)
            value = dt.datetime.fromisoformat(text)
            if value.tzinfo is None:
                value = value.replace(tzinfo=local_zone())
    except (ValueError, OverflowError):
        raise BadRequest(N_("%(name)s: datumet %(value)s går inte att läsa. Skriv till exempel 2024-05-14T18:30:00+02:00."),
                         name=name, value=text) from None
    try:
        if not plausible(value):
            raise OverflowError(value)
        return value.astimezone(dt.UTC)
    except OverflowError:  # 0001-01-01 in a zone east of UTC, or a year no window may reach
        raise BadRequest(N_("%(name)s: datumet %(value)s går inte att läsa. Skriv till exempel 2024-05-14T18:30:00+02:00."),
                         name=name, value=text) from None


def window(start: str | None, end: str | None, now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """The inclusive period on requested_datetime: default the last 90 days, never more than 90 days."""
    if start and end:
        low, high = parse_datetime("start_date", start), parse_datetime("end_date", end, end=True)
        if high < low:
            raise BadRequest(N_("end_date ligger före start_date."))
        if high - low > WINDOW:
            raise BadRequest(N_("start_date till end_date får vara högst 90 dagar."))
        return low, high
    try:
        if start:
            low = parse_datetime("start_date", start)
            return low, min(low + WINDOW, now)
        if end:
            high = parse_datetime("end_date", end, end=True)
            return high - WINDOW, high
    except OverflowError:  # a date at the very end of the calendar
        raise BadRequest(N_("start_date och end_date måste ligga mellan år 1 och 9999.")) from None
    return now - WINDOW, now


def parse_statuses(text: str | None) -> set[str]:
    """`open`, `closed` or both (comma-separated); absent means both."""
    if not text:
        return {"open", "closed"}
    values = {v.strip() for v in text.split(",") if v.strip()}
    if not values or not values <= {"open", "closed"}:
        raise BadRequest(N_("status: %(value)s – använd open, closed eller open,closed."), value=text)
    return values


def comma_list(text: str | None) -> list[str]:
    """A comma-separated parameter as its values; absent or empty gives an empty list."""
    return [v.strip() for v in (text or "").split(",") if v.strip()]


@dataclass(frozen=True)
class ServiceRequest:
    """One published location as a GeoReport service request (public fields only)."""

    id: int
    service_code: str
    service_name: str
    status: str
    description: str
    requested: dt.datetime
    updated: dt.datetime
    lat: float
    lon: float
    status_notes: str | None = None
    agency_responsible: str | None = None
    expected: dt.datetime | None = None
    media_url: str | None = None

    def body(self) -> dict:
        """The request's fields in the spec's order; empty optional fields are left out."""
        fields = {
            "service_request_id": str(self.id),
            "status": self.status,
            "status_notes": self.status_notes,
            "service_name": self.service_name,
            "service_code": self.service_code,
            "description": self.description,
            "agency_responsible": self.agency_responsible,
            "requested_datetime": w3c(self.requested),
            "updated_datetime": w3c(self.updated),
            "expected_datetime": w3c(self.expected) if self.expected else None,
            "lat": round(self.lat, 5),
            "long": round(self.lon, 5),
            "media_url": self.media_url,
        }
        return {k: v for k, v in fields.items() if v not in (None, "")}


@dataclass(frozen=True)
class Query:
    """The request list's filters, already read and checked."""

    ids: list[int] | None = None  # given: these requests only, whatever the other filters say
    codes: list[str] = field(default_factory=list)
    statuses: set[str] = field(default_factory=lambda: {"open", "closed"})
    low: dt.datetime | None = None
    high: dt.datetime | None = None

    @classmethod
    def parse(cls, args, now: dt.datetime) -> Query:
        """Read the spec's parameters; an empty parameter counts as absent. Raises BadRequest."""
        ids_text = args.get("service_request_id") or None
        if ids_text:
            # The id list overrides every other filter, the default window included.
            return cls(ids=[n for n in map(parse_id, comma_list(ids_text)) if n is not None])
        low, high = window(args.get("start_date") or None, args.get("end_date") or None, now)
        return cls(codes=comma_list(args.get("service_code")), statuses=parse_statuses(args.get("status") or None),
                   low=low, high=high)

    def select(self, requests: Iterable[ServiceRequest]) -> list[ServiceRequest]:
        """The requests that pass, newest first, at most 1000."""
        if self.ids is not None:
            wanted = set(self.ids)
            chosen = [r for r in requests if r.id in wanted]
        else:
            chosen = [
                r for r in requests
                if (not self.codes or r.service_code in self.codes) and r.status in self.statuses
                and self.low <= _aware(r.requested) <= self.high
            ]
        return sorted(chosen, key=lambda r: (r.requested, r.id), reverse=True)[:MAX_RESULTS]


def _aware(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value
