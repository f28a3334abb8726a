"""Which walk or location the current planner may open, and what every planner page needs."""

from __future__ import annotations

from flask import abort
from flask_login import current_user
from sqlalchemy import select

from .. import locations as locs
from .. import vocab
from ..extensions import db
from ..models import Location, ResponsibleParty, Walk
from ..permissions import plans
from .. import places as queries


def planned_walk(walk_id: int) -> Walk:
    """The walk, if the current user may follow it up: 404 when missing, 403 when not published to planners."""
    walk = db.get_or_404(Walk, walk_id)
    if not plans(current_user, walk):
        abort(403)
    return walk


def planned_location(location_id: int) -> Location:
    """The location, if one of its walks is open to the current user; a merged location is gone (404)."""
    location = db.get_or_404(Location, location_id)
    if location.merged_into_id is not None:
        abort(404)
    if not any(plans(current_user, p.walk) for p in locs.visible_pins(location)):
        abort(403)
    return location


def parties() -> dict[int, ResponsibleParty]:
    """Every responsible party by id, active ones first, then by name."""
    rows = db.session.scalars(select(ResponsibleParty).order_by(ResponsibleParty.active.desc(), ResponsibleParty.name)).all()
    return {p.id: p for p in rows}


def filter_choices() -> dict:
    """The options of the filter form."""
    walks = queries.published_walks()
    return {"walks": walks, "categories": queries.category_labels(walks), "statuses": vocab.LOCATION_STATUSES,
            "lights": vocab.LIGHT}
