"""The action list: published locations, highest priority first."""

from __future__ import annotations

from flask import render_template
from sqlalchemy import select

from ..extensions import db
from ..models import Location, Pin, Walk
from . import bp


@bp.get("/")
def index():
    """The locations of published walks, highest priority first."""
    published = select(Pin.location_id).join(Walk).where(Walk.published_at.is_not(None), Pin.hidden.is_(False))
    locations = db.session.scalars(
        select(Location).where(Location.id.in_(published), Location.merged_into_id.is_(None))
        .order_by(Location.priority.desc(), Location.id)
    ).all()
    return render_template("planner/index.html", locations=locations)
