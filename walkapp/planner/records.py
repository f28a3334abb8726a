"""Records duties for a walk: its raw material for a request for public documents, and the closed
walk's protocol and action list for the archive. Every export is logged: who took what, when."""

from __future__ import annotations

import dataclasses
import datetime as dt

from flask import current_app, flash, redirect, render_template, send_file, url_for
from flask_babel import format_decimal, gettext as _, ngettext
from flask_login import current_user

from .. import archive_pdf, audit, exports, place_index, records, spread, spread_view, vocab
from .. import places as queries
from ..extensions import db
from ..location_text import place_name
from ..models import Walk, utcnow
from ..timefmt import local_zone
from . import access, bp
from .downloads import csv_header, location_row


def _local(value: dt.datetime | None) -> dt.datetime | None:
    return value.replace(tzinfo=dt.UTC).astimezone(local_zone()) if value else None


def _when(value: dt.datetime | None, with_time: bool = True) -> str:
    local = _local(value)
    return (f"{local:%Y-%m-%d %H:%M}" if with_time else f"{local:%Y-%m-%d}") if local else ""


@bp.get("/walks/<id:walk_id>/records")
def walk_records(walk_id: int):
    """The walk's exports for the registrar and the archive, with what each holds and what to do with it."""
    walk = access.planned_walk(walk_id)
    return render_template("planner/records.html", walk=walk)


@bp.post("/walks/<id:walk_id>/records/public.zip")
def public_records(walk_id: int):
    """Everything the walk holds, hidden and redacted included, as a ZIP for the registrar's secrecy review
    (the originals of redacted words for admins only, as everywhere)."""
    walk = access.planned_walk(walk_id)
    made = utcnow()
    data = records.public_records_zip(walk, current_app.extensions["walkapp_photo_store"],
                                      who=current_user.display_name, local=_local, made=made, zone=str(local_zone()),
                                      originals=current_user.role == "admin")
    audit.record("export_public_records", current_user, walk=walk)
    db.session.commit()
    return send_file(data, mimetype="application/zip", as_attachment=True,
                     download_name=f"allman-handling-vandring-{walk.id}-{_local(made):%Y-%m-%d}.zip")


@bp.post("/walks/<id:walk_id>/records/archive.zip")
def archive(walk_id: int):
    """A closed walk's protocol (PDF) and action list (CSV) in a ZIP, for the records plan."""
    walk = access.planned_walk(walk_id)
    if walk.status != "closed":
        flash(_("Bara en avslutad vandring kan arkiveras."), "error")
        return redirect(url_for("planner.walk_records", walk_id=walk.id))
    made = utcnow()
    cards = place_index.walk_cards(walk)
    labels = {k: _(v) for k, v in queries.category_labels([walk]).items()}
    rows = [location_row(c, labels) for c in cards]
    # Only the words a leader or planner approved, as in the printed protocol: participants get it too.
    rows = [dataclasses.replace(r, comments=tuple(p.comment for p in c.approved_words)) for r, c in zip(rows, cards)]
    pdf = archive_pdf.protocol_pdf(_protocol(walk, cards, labels, made))
    data = records.zip_file([
        ("protokoll.pdf", pdf),
        ("atgardslista.csv", exports.csv_bytes(csv_header(), (exports.csv_row(r, _local) for r in rows))),
    ])
    audit.record("export_archive", current_user, walk=walk)
    db.session.commit()
    return send_file(data, mimetype="application/zip", as_attachment=True,
                     download_name=f"arkiv-vandring-{walk.id}-{_local(made):%Y-%m-%d}.zip")


def _protocol(walk: Walk, cards: list, labels: dict[str, str], made: dt.datetime) -> archive_pdf.Protocol:
    """The printed protocol's content as plain texts in the reader's language."""
    facts = queries.walk_facts(walk)
    spread_text = spread_view.describe(spread.of_walk(walk.id))
    top = ", ".join(f"{_(labels.get(k, k))} ({n})" for k, n in list(facts["categories"].items())[:5])
    places = []
    for number, card in enumerate(cards, start=1):
        loc, f = card.location, card.figures
        summary = " · ".join([
            _("Kändes tryggt") if card.safe else f"{_('Prioritet')} {round(loc.priority)}",
            ngettext("%(num)d punkt", "%(num)d punkter", f.pin_count) + " " + _("från") + " "
            + ngettext("%(num)d person", "%(num)d personer", f.people),
            f"{_('medelbetyg')} {format_decimal(round(f.mean_rating, 1))}",
            ", ".join(f"{_(labels.get(k, k))} {n}" for k, n in f.category_counts.items()),
        ])
        status = _(vocab.LOCATION_STATUSES[loc.status]) + (f" – {loc.status_reason}" if loc.status_reason else "")
        places.append(archive_pdf.Place(
            number=number, name=place_name(loc), summary=summary,
            words=[f"{_(vocab.RATINGS[p.rating])}: {p.comment}" for p in card.approved_words],
            facts=[(_("Förslag på åtgärd"), loc.proposed_action or "–"),
                   (_("Ansvarig"), loc.responsible.name if loc.responsible else "–"),
                   (_("Status"), status),
                   (_("Klart senast"), loc.due_date.isoformat() if loc.due_date else ""),
                   (_("Kommentar"), loc.public_note or "")]))
    table = [[str(n), place_name(c.location), "" if c.safe else str(round(c.location.priority)),
              _(vocab.LOCATION_STATUSES[c.location.status]), c.location.responsible.name if c.location.responsible else "",
              c.location.due_date.isoformat() if c.location.due_date else "", c.location.proposed_action or ""]
             for n, c in enumerate(cards, start=1)]
    contact = current_app.config.get("CONTACT_EMAIL")
    return archive_pdf.Protocol(
        kicker=_("Protokoll från trygghetsvandring"), title=walk.title,
        facts=[(_("Datum"), _when(walk.starts_at) or "–"), (_("Samling"), walk.meeting_place or ""),
               (_("Ljus"), _(vocab.LIGHT[walk.light]) if walk.light in vocab.LIGHT else ""),
               (_("Avslutad"), _when(walk.closed_at)),
               (_("Deltagare som markerade"), str(facts["people"])),
               (_("Punkter"), f"{facts['pins']} ({_('varav %(n)d otrygga', n=facts['unsafe'])})"),
               (_("Vem hörs?"), " ".join(filter(None, [spread_text["sentence"], spread_text["warning"]]))),
               (_("Platser"), str(len(cards))), (_("Vanligaste kategorier"), top),
               (_("Arkiverat"), _when(made))],
        places_heading=_("Platser"), places=places, no_places=_("Vandringen har inga platser."),
        words_label=_("Ungdomarnas ord"), table_heading=_("Åtgärdslista"),
        table_header=[_("Nr"), _("Plats"), _("Prioritet"), _("Status"), _("Ansvarig"), _("Klart senast"),
                      _("Förslag på åtgärd")],
        table_rows=table,
        footer=" · ".join(filter(None, [walk.title, _("Frågor om protokollet: %(contact)s", contact=contact)
                                        if contact else "", _when(made, with_time=False)])),
        made_at=made.replace(tzinfo=dt.UTC))
