"""Exports of the action list as it is filtered: CSV for spreadsheets, GeoJSON for map tools."""

from __future__ import annotations

import datetime as dt
import json

from flask import current_app, request
from flask_babel import gettext as _

from .. import exports, vocab
from ..models import utcnow
from . import bp
from .. import places as queries
from ..timefmt import local_zone
from ..filters import Filters


def location_row(card: queries.Card, labels: dict[str, str]) -> exports.LocationRow:
    """A card as the exports write it."""
    loc, f = card.location, card.figures
    return exports.LocationRow(
        id=loc.id, name=loc.name, lat=loc.lat, lon=loc.lon, status=loc.status,
        status_label=_(vocab.LOCATION_STATUSES[loc.status]), status_reason=loc.status_reason,
        responsible=loc.responsible.name if loc.responsible else None, proposed_action=loc.proposed_action,
        public_note=loc.public_note, priority=loc.priority, priority_reasons=loc.priority_reasons,
        due_date=loc.due_date, pins=f.pin_count, people=f.people, mean_rating=f.mean_rating,
        unsafe_share=f.unsafe_share, categories=f.category_counts, main_category=f.dominant_category,
        category_names={k: labels.get(k, k) for k in f.category_counts},
        first_reported=f.first, last_reported=f.last,
        walks=tuple(dict.fromkeys(p.walk.title for p in sorted(card.pins, key=lambda p: p.walk_id))),
        comments=tuple(p.comment for p in card.words),
    )


def csv_header() -> list[str]:
    """The CSV's column names, in the order of exports.csv_row."""
    return [_("Id"), _("Prioritet"), _("Plats"), _("Status"), _("Skäl (åtgärdas ej)"), _("Ansvarig"),
            _("Klart senast"), _("Förslag på åtgärd"), _("Offentlig kommentar"), _("Punkter"), _("Personer"),
            _("Medelbetyg (1–4)"), _("Andel otrygga"), _("Kategorier"), _("Varför prioriteten"),
            _("Först rapporterad"), _("Senast rapporterad"), _("Vandringar"), _("Ungdomarnas kommentarer"),
            _("Latitud"), _("Longitud")]


def _rows() -> list[exports.LocationRow]:
    labels = queries.category_labels(queries.published_walks())
    return [location_row(c, labels) for c in queries.action_list(Filters.parse(request.args))]


def _local(value: dt.datetime | None) -> dt.datetime | None:
    return value.replace(tzinfo=dt.UTC).astimezone(local_zone()) if value else None


def _download(body: bytes, mimetype: str, extension: str):
    name = f"atgardslista-{utcnow():%Y-%m-%d}.{extension}"
    response = current_app.response_class(body, content_type=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.get("/export.csv")
def export_csv():
    """The filtered action list as a CSV file that Swedish Excel opens with å, ä and ö intact."""
    body = exports.csv_bytes(csv_header(), (exports.csv_row(r, _local) for r in _rows()))
    return _download(body, "text/csv; charset=utf-8", "csv")


@bp.get("/export.geojson")
def export_geojson():
    """The filtered action list as GeoJSON (RFC 7946), one point per location, without personal data."""
    body = json.dumps(exports.feature_collection(_rows()), ensure_ascii=False, indent=1).encode("utf-8")
    return _download(body, "application/geo+json", "geojson")
