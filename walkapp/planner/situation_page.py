"""The situation report's page (printable, with bar charts drawn here) and its CSV, for an area and a
period (situation.py counts)."""

from __future__ import annotations

import datetime as dt

from flask import current_app, render_template, request
from flask_babel import format_decimal, format_percent
from flask_babel import gettext as _

from .. import exports, situation, vocab
from ..location_text import place_name
from .. import places as queries
from ..extensions import db
from ..models import Walk, utcnow
from ..timefmt import local_zone
from . import bp


def _date(name: str, default: dt.date) -> tuple[dt.date, str | None]:
    """A date from the query string; a bad one keeps the default and says so."""
    raw = (request.args.get(name) or "").strip()
    if not raw:
        return default, None
    try:
        value = dt.date.fromisoformat(raw)
    except ValueError:
        return default, _("”%(value)s” är inget datum (skriv ÅÅÅÅ-MM-DD).", value=raw[:40])
    if not dt.date(2000, 1, 1) <= value <= dt.date(2100, 12, 31):
        return default, _("Välj ett datum mellan år 2000 och 2100.")
    return value, None


def _choice() -> tuple[dt.date, dt.date, Walk | None, list[str]]:
    today = utcnow().replace(tzinfo=dt.UTC).astimezone(local_zone()).date()
    end, end_error = _date("to", today)
    start, start_error = _date("from", end - dt.timedelta(days=365))
    errors = [e for e in (start_error, end_error) if e]
    if start > end:
        errors.append(_("Perioden börjar efter att den slutar; datumen är bytta."))
        start, end = end, start
    area_walk = None
    raw_area = request.args.get("area", "")
    if raw_area.isdigit() and len(raw_area) < 12:
        area_walk = db.session.get(Walk, int(raw_area))
        if area_walk is not None and not queries.is_published(area_walk):
            area_walk = None
    return start, end, area_walk, errors


def _rows(report: situation.Report, labels: dict[str, str]) -> list[tuple[str, str, str]]:
    """The report as (section, what, value) rows, in the page's order."""
    rows = [(_("Urval"), _("Period"), f"{report.start.isoformat()} – {report.end.isoformat()}"),
            (_("Omfattning"), _("Vandringar"), str(len(report.walks))),
            (_("Omfattning"), _("Deltagare som hördes"), str(report.participants)),
            (_("Omfattning"), _("Platser"), str(report.places))]
    rows += [(_("Platser per kategori"), _(labels.get(k, k)), str(n)) for k, n in report.by_category.items()]
    rows += [(_("Platser per betyg"), _(vocab.RATINGS[k]), str(n)) for k, n in report.by_rating.items()]
    rows += [(_("Platser per ljus"), _(vocab.LIGHT[k]), str(n)) for k, n in report.by_light.items()]
    rows += [(_("Platser per status"), _(vocab.LOCATION_STATUSES[k]), str(n)) for k, n in report.by_status.items()]
    median = report.median_days_to_fixed
    rows.append((_("Uppföljning"), _("Mediantid från vandring till Åtgärdad (dagar)"),
                 "" if median is None else format_decimal(median, "#,##0.#")))
    rows.append((_("Uppföljning"), _("Åtgärdade platser i underlaget"), str(len(report.days_to_fixed))))
    rows += [(_("Otrygga vid två vandringar eller fler"), place_name(r), str(r.walks)) for r in report.repeat_unsafe]
    return rows


@bp.get("/lagesbild")
def situation_report():
    """Figures for the municipality's situation report: an area and a period, printable."""
    start, end, area_walk, errors = _choice()
    report = situation.report(start, end, area_walk)
    labels = queries.category_labels([db.session.get(Walk, w[0]) for w in report.walks])
    return render_template("planner/situation.html", report=report, errors=errors, area_walk=area_walk,
                           areas=queries.published_walks(), median=report.median_days_to_fixed,
                           charts=_charts(report, labels))


def _charts(report: situation.Report, labels: dict[str, str]) -> list[tuple[str, list[tuple[str, int]]]]:
    """The bar charts: a title and (label, count) rows each, labels in the viewer's language."""
    statuses = [(f"{_(vocab.LOCATION_STATUSES[k])} ({format_percent(report.status_share[k])})", n)
                for k, n in report.by_status.items()]
    return [
        (_("Platser per status"), statuses),
        (_("Platser per kategori"), [(_(labels.get(k, k)), n) for k, n in report.by_category.items()]),
        (_("Platser per betyg (medelbetyget avrundat)"), [(_(vocab.RATINGS[k]), n) for k, n in report.by_rating.items()]),
        (_("Platser per ljus (det vanligaste)"), [(_(vocab.LIGHT[k]), n) for k, n in report.by_light.items()]),
    ]


@bp.get("/lagesbild.csv")
def situation_csv():
    """The same figures as CSV, in the exports' dialect (UTF-8 with BOM, semicolons, formulas neutralised)."""
    start, end, area_walk, _errors = _choice()
    report = situation.report(start, end, area_walk)
    labels = queries.category_labels([db.session.get(Walk, w[0]) for w in report.walks])
    body = exports.csv_bytes([_("Avsnitt"), _("Vad"), _("Värde")], _rows(report, labels))
    response = current_app.response_class(body, content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="lagesbild-{start}-{end}.csv"'
    return response
