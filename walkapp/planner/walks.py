"""Published walks for the planners: the list, and each walk's printable protocol."""

from __future__ import annotations

from flask import current_app, render_template

from .. import place_index, spread, spread_view
from .. import places as queries
from ..map_embeds import overview
from ..models import utcnow
from . import access, bp


@bp.get("/walks")
def walks():
    """Walks published to the planners, with their protocol, feedback page and publishing switch."""
    counts = queries.location_counts()
    return render_template("planner/walks.html", rows=[(w, counts.get(w.id, 0)) for w in queries.published_walks()])


@bp.get("/walks/<id:walk_id>/protocol")
def protocol(walk_id: int):
    """The walk's protocol for departments and participants: summary, map, numbered locations (prints on A4)."""
    walk = access.planned_walk(walk_id)
    cards = place_index.walk_cards(walk)
    return render_template("planner/protocol.html", walk=walk, cards=cards, facts=queries.walk_facts(walk),
                           map=overview(walk, cards), labels=queries.category_labels([walk]),
                           spread=spread_view.describe(spread.of_walk(walk.id)),
                           contact=current_app.config.get("CONTACT_EMAIL"), now=utcnow())
