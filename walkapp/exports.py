"""Exports of the action list: CSV for spreadsheets and GeoJSON for map tools.

CSV dialect, chosen for Swedish Excel (and read the same by LibreOffice): UTF-8 with a byte-order
mark (without it Excel reads the file as Windows-1252 and å, ä, ö break), fields separated by `;`
(Excel in a Swedish locale splits on `;` because `,` is the decimal sign), decimals written with a
comma, CRLF line ends, and any field holding `;`, `"`, CR or LF quoted with `"` and inner quotes
doubled (RFC 4180 quoting). A text cell that starts with = + - @ (or a tab or CR) gets a leading
apostrophe so no spreadsheet runs it as a formula.

GeoJSON follows RFC 7946: one FeatureCollection, WGS84 longitude/latitude (no "crs" member), one
Point Feature per location, and no personal data: counts and staff-written fields only, never the
youths' comments.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class LocationRow:
    """One location as the exports write it."""

    id: int
    name: str
    lat: float
    lon: float
    status: str
    status_label: str
    status_reason: str | None
    responsible: str | None
    proposed_action: str | None
    public_note: str | None
    priority: float
    priority_reasons: str | None
    due_date: dt.date | None
    pins: int
    people: int
    mean_rating: float
    unsafe_share: float
    categories: dict[str, int]  # category key → pins
    main_category: str | None
    category_names: dict[str, str] = field(default_factory=dict)
    first_reported: dt.datetime | None = None
    last_reported: dt.datetime | None = None
    walks: tuple[str, ...] = ()
    # Moderated words of the youths; CSV only (a staff tool), never in GeoJSON.
    comments: tuple[str, ...] = field(default=())
    agreements: int = 0  # others who said "Jag håller med" about a pin here


def neutralise(text: str) -> str:
    """Text a spreadsheet will show as text: a leading apostrophe before a would-be formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def cell(value) -> str:
    """One CSV cell in the Swedish dialect: decimal comma, ISO dates, neutralised text."""
    if value is None:
        return ""
    if type(value) is str:  # the most common cell, tested first
        return neutralise(value)
    if isinstance(value, float):
        return f"{value:.6f}".rstrip("0").rstrip(".").replace(".", ",")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return neutralise(str(value))


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    """A CSV document in the dialect above, as bytes ready to send."""
    return b"".join(csv_chunks(header, rows))


def csv_chunks(header: Sequence[str], rows: Iterable[Sequence], every: int = 200) -> Iterator[bytes]:
    """The same CSV document in pieces of `every` rows, to stream while the rows are still being read."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", quotechar='"', quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    buffer.write(BOM)
    writer.writerow([neutralise(h) for h in header])
    for i, row in enumerate(rows, start=1):
        writer.writerow([cell(v) for v in row])
        if i % every == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def csv_row(row: LocationRow, local) -> list:
    """A location's cells, in the order of the header the view writes; `local` turns UTC into local time."""
    return [
        row.id, row.priority, row.name, row.status_label, row.status_reason, row.responsible, row.due_date,
        row.proposed_action, row.public_note, row.pins, row.agreements, row.people, row.mean_rating, row.unsafe_share,
        ", ".join(f"{row.category_names.get(k, k)} ({n})" for k, n in row.categories.items()), row.priority_reasons,
        local(row.first_reported), local(row.last_reported), " | ".join(row.walks),
        # Each comment on its own line, each neutralised: a later line must not look like a formula either.
        "\n".join(neutralise(c) for c in row.comments), row.lat, row.lon,
    ]


def feature(row: LocationRow) -> dict:
    """A location as an RFC 7946 Feature: a Point at its centre and the location's public properties."""
    return {
        "type": "Feature",
        "id": row.id,
        "geometry": {"type": "Point", "coordinates": [round(row.lon, 6), round(row.lat, 6)]},
        "properties": {
            "id": row.id,
            "name": row.name,
            "status": row.status,
            "status_label": row.status_label,
            "status_reason": row.status_reason,
            "responsible": row.responsible,
            "proposed_action": row.proposed_action,
            "public_note": row.public_note,
            "priority": round(row.priority, 1),
            "priority_reasons": row.priority_reasons,
            "due_date": row.due_date.isoformat() if row.due_date else None,
            "pin_count": row.pins,
            "agreements": row.agreements,
            "people": row.people,
            "mean_rating": round(row.mean_rating, 2),
            "unsafe_share": round(row.unsafe_share, 3),
            "categories": row.categories,
            "main_category": row.main_category,
            "first_reported": _utc(row.first_reported),
            "last_reported": _utc(row.last_reported),
            "walks": list(row.walks),
        },
    }


def feature_collection(rows: Iterable[LocationRow]) -> dict:
    """All locations as one GeoJSON FeatureCollection."""
    return {"type": "FeatureCollection", "features": [feature(r) for r in rows]}


def feature_collection_chunks(rows: Iterable[LocationRow]) -> Iterator[bytes]:
    """The same FeatureCollection as JSON text in pieces (one Feature each), to stream."""
    import json

    yield b'{"type":"FeatureCollection","features":['
    for i, row in enumerate(rows):
        yield (b"," if i else b"\n") + json.dumps(feature(row), ensure_ascii=False).encode("utf-8")
    yield b"\n]}\n"


def _utc(value: dt.datetime | None) -> str | None:
    return value.replace(microsecond=0).isoformat() + "Z" if value else None
