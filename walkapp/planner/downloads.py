"""Exports of the action list as it is filtered: CSV for spreadsheets, GeoJSON for map tools."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from flask import current_app, request, stream_with_context
from flask_babel import gettext as _

from .. import exports, place_index, vocab
from ..models import utcnow
from . import bp
from .. import places as queries
from ..timefmt import local_zone
from ..filters import Filters
from ..templating import cached_gettext
from ..location_text import place_name, priority_reasons


def location_row(card: queries.Card, labels: dict[str, str]) -> exports.LocationRow:
    """A card as the exports write it."""
    loc, f = card.location, card.figures
    walks = {p.walk_id: p.walk for p in card.pins}
    return exports.LocationRow(
        id=loc.id, name=place_name(loc), lat=loc.lat, lon=loc.lon, status=loc.status,
        status_label=cached_gettext(vocab.LOCATION_STATUSES[loc.status]), status_reason=loc.status_reason,
        responsible=loc.responsible.name if loc.responsible else None, proposed_action=loc.proposed_action,
        public_note=loc.public_note, priority=loc.priority, priority_reasons=priority_reasons(loc),
        due_date=loc.due_date, pins=f.pin_count, agreements=f.agreements, people=f.people, mean_rating=f.mean_rating,
        unsafe_share=f.unsafe_share, categories=f.category_counts, main_category=f.dominant_category,
        category_names={k: labels.get(k, k) for k in f.category_counts},
        first_reported=f.first, last_reported=f.last,
        walks=tuple(dict.fromkeys(walks[walk_id].title for walk_id in sorted(walks))),
        comments=tuple(p.comment for p in card.words),
    )


def csv_header() -> list[str]:
    """The CSV's column names, in the order of exports.csv_row."""
    return [_("Id"), _("Prioritet"), _("Plats"), _("Status"), _("Skäl (åtgärdas ej)"), _("Ansvarig"),
            _("Klart senast"), _("Förslag på åtgärd"), _("Offentlig kommentar"), _("Punkter"), _("Håller med"), _("Personer"),
            _("Medelbetyg (1–4)"), _("Andel otrygga"), _("Kategorier"), _("Varför prioriteten"),
            _("Först rapporterad"), _("Senast rapporterad"), _("Vandringar"), _("Ungdomarnas kommentarer"),
            _("Latitud"), _("Longitud")]


def _rows() -> Iterator[exports.LocationRow]:
    """The places of the filtered action list, highest priority first, read a chunk at a time."""
    # The category names in the reader's language, translated once for all rows.
    labels = {k: _(v) for k, v in queries.category_labels(queries.published_walks()).items()}
    return (location_row(c, labels) for c in place_index.all_in_order(Filters.parse(request.args)))


def _local(value: dt.datetime | None) -> dt.datetime | None:
    return value.replace(tzinfo=dt.UTC).astimezone(local_zone()) if value else None


def _download(chunks: Iterator[bytes], mimetype: str, extension: str):
    """A file sent as it is made (the first bytes leave before the last place is read)."""
    name = f"atgardslista-{utcnow():%Y-%m-%d}.{extension}"
    response = current_app.response_class(stream_with_context(chunks), content_type=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.get("/export.csv")
def export_csv():
    """The filtered action list as a CSV file that Swedish Excel opens with å, ä and ö intact."""
    header = csv_header()
    return _download(exports.csv_chunks(header, (exports.csv_row(r, _local) for r in _rows())),
                     "text/csv; charset=utf-8", "csv")


@bp.get("/export.geojson")
def export_geojson():
    """The filtered action list as GeoJSON (RFC 7946), one point per location, without personal data."""
    return _download(exports.feature_collection_chunks(_rows()), "application/geo+json", "geojson")
