"""Published walks for the planners: the list, and each walk's printable protocol."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from .. import audit, collector, place_index, spread, spread_view
from .. import places as queries
from ..extensions import db
from ..map_embeds import overview
from ..models import PartyAnswer, utcnow
from . import access, bp

NOTES_MAX = 20_000


@bp.get("/walks")
def walks():
    """Walks published to the planners, with their protocol, feedback page and publishing switch."""
    counts = queries.location_counts()
    return render_template("planner/walks.html", rows=[(w, counts.get(w.id, 0)) for w in queries.published_walks()])


@bp.get("/walks/<id:walk_id>/protocol")
def protocol(walk_id: int):
    """The walk's protocol for departments and participants: summary, map, numbered locations (prints on A4)."""
    walk = access.planned_walk(walk_id)
    with collector.paused():  # thousands of places: see walkapp/collector.py
        cards = place_index.walk_cards(walk)
        # Translated once here rather than per place in the template.
        labels = {key: _(label) if label else "" for key, label in queries.category_labels([walk]).items()}
        page = render_template("planner/protocol.html", walk=walk, cards=cards, facts=queries.walk_facts(walk),
                               map=overview(walk, cards), labels=labels,
                               spread=spread_view.describe(spread.of_walk(walk.id)), answers=latest_answers(cards),
                               contact=current_app.config.get("CONTACT_EMAIL"), now=utcnow())
        # Jinja's render context, which refers to the list, is left in a reference cycle: emptied, the
        # cards are freed by their count now, instead of waiting for the collector to walk them all
        # (130,000 objects, 50 ms at 5,000 places).
        cards.clear()
    return page


def latest_answers(cards) -> dict[int, PartyAnswer]:
    """Each place's latest answer from its responsible party, for the closing meeting."""
    ids = [c.location.id for c in cards]
    latest: dict[int, PartyAnswer] = {}
    if ids:
        for answer in db.session.scalars(select(PartyAnswer).where(PartyAnswer.location_id.in_(ids))
                                         .order_by(PartyAnswer.created_at, PartyAnswer.id)):
            latest[answer.location_id] = answer
    return latest


@bp.post("/walks/<id:walk_id>/closing-meeting")
def closing_meeting_notes(walk_id: int):
    """Keep the notes from the closing meeting (återträff) on the walk; the protocol prints them."""
    walk = access.planned_walk(walk_id)
    notes = (request.form.get("notes") or "").strip()
    if len(notes) > NOTES_MAX:
        flash(_("Anteckningarna är för långa (högst %(max)d tecken). Inget är sparat.", max=NOTES_MAX), "error")
        return redirect(url_for("planner.protocol", walk_id=walk.id) + "#meeting")
    if notes != (walk.closing_meeting_notes or ""):
        audit.record("walk_meeting_notes", current_user, walk=walk, field="closing_meeting_notes")
        walk.closing_meeting_notes = notes or None
        db.session.commit()
    flash(_("Anteckningarna från återträffen är sparade."), "success")
    return redirect(url_for("planner.protocol", walk_id=walk.id) + "#meeting")
