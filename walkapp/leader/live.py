"""The live dashboard: the walk's map with pins as they arrive, counters, latest words and photos."""

from __future__ import annotations

import datetime as dt
import json
import uuid

from flask import jsonify, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import audit, pin_input, spread, spread_view, vocab
from ..errors import ApiError, checked
from ..extensions import db
from ..models import Participant, Pin, Walk, utcnow
from ..staff import led_walk
from ..timefmt import iso_utc, plausible
from ..walks import walk_rules
from . import bp
from .walks import walk_figures

# Rows committed a moment after a poll may carry an earlier updated_at; polls overlap by this much.
CURSOR_OVERLAP = dt.timedelta(seconds=5)


def participant_numbers(walk: Walk) -> dict[int, int]:
    """Participant id → 1, 2, 3 … in the order they joined: 'Deltagare 3', never who they are."""
    ids = db.session.scalars(select(Participant.id).where(Participant.walk_id == walk.id).order_by(Participant.id))
    return {pid: n for n, pid in enumerate(ids, start=1)}


def staff_pin_json(pin: Pin, numbers: dict[int, int], admin: bool = False) -> dict:
    """A pin as walk staff see it: with comment, photo, author number and moderation state."""
    photo = pin.photo
    body = {
        "id": pin.id,
        "lat": pin.lat,
        "lon": pin.lon,
        "accuracy_m": pin.accuracy_m,
        "rating": pin.rating,
        "rating_label": _(vocab.RATINGS[pin.rating]),
        "categories": [pin.walk.category_label(c) for c in pin.categories or ()],
        "comment": pin.comment,
        "light": pin.light,
        "created_at": iso_utc(pin.created_at),
        "updated_at": iso_utc(pin.updated_at),
        "author": _("Personal") if pin.user_id else _("Deltagare %(n)d", n=numbers.get(pin.participant_id, 0)),
        "staff": pin.user_id is not None,
        "hidden": pin.hidden,
        "hidden_reason": pin.hidden_reason,
        "concern": pin.concern_at is not None,
        "before_walk": pin.before_walk,
        # "Jag håller med" from other participants that a leader has not hidden.
        "agreements": sum(1 for a in pin.agreements if not a.hidden),
        "unplaced": pin.unplaced,
        "place_description": pin.place_description,
        "stop_name": pin.stop_name,
        "photo": None if photo is None else {
            "thumb_url": url_for("media.photo", pin_id=pin.id, size="thumb"),
            "url": url_for("media.photo", pin_id=pin.id, size="full"),
            "approved": photo.approved,
            "hidden": photo.hidden,
        },
    }
    if admin and pin.comment_original:
        body["comment_original"] = pin.comment_original
    return body


@bp.get("/walks/<id:walk_id>/live")
def live(walk_id: int):
    """Watch pins arrive on the walk's map during the walk."""
    walk = led_walk(walk_id)
    return render_template("leader/live.html", walk=walk, area=json.loads(walk.area_geojson),
                           figures=walk_figures(walk),
                           spread=spread_view.describe(spread.of_walk(walk.id), participant_numbers(walk)))


@bp.get("/walks/<id:walk_id>/feed")
def feed(walk_id: int):
    """Pins changed since the cursor, every pin id (to drop deleted ones), and the counters."""
    walk = led_walk(walk_id)
    since = _parse_cursor(request.args.get("since"))
    now = utcnow()
    query = select(Pin).where(Pin.walk_id == walk.id).options(selectinload(Pin.photo))
    if since is not None:
        query = query.where(Pin.updated_at >= since - CURSOR_OVERLAP)
    changed = db.session.scalars(query.order_by(Pin.updated_at, Pin.id)).all()
    numbers = participant_numbers(walk)
    ids = db.session.scalars(select(Pin.id).where(Pin.walk_id == walk.id)).all()
    admin = current_user.role == "admin"
    return jsonify({
        "cursor": iso_utc(now),
        "pins": [staff_pin_json(p, numbers, admin) for p in changed],
        "ids": ids,
        "figures": walk_figures(walk),
        "spread": spread_view.describe(spread.of_walk(walk.id), numbers),
        "status": walk.status,
    })


def _parse_cursor(raw: str | None) -> dt.datetime | None:
    if not raw:
        return None
    try:
        value = pin_input.utc_time(raw)
    except ValueError:
        return None
    return value if plausible(value) else None


@bp.post("/walks/<id:walk_id>/pins")
def add_staff_pin(walk_id: int):
    """The leader adds a pin of their own (marked as staff) from the dashboard; a double send stores it once."""
    walk = led_walk(walk_id)
    if walk.status != "open":
        raise ApiError(409, "walk_not_open", _("Vandringen är inte öppen."))
    form = pin_input.Form(request.form, request.form.getlist)
    client_id = checked(pin_input.client_id, form) if form.get("client_id") else str(uuid.uuid4())
    existing = db.session.scalar(select(Pin).where(Pin.walk_id == walk.id, Pin.client_id == client_id))
    if existing is not None:
        return jsonify(staff_pin_json(existing, {})), 200
    values = checked(pin_input.parse_new_pin, form, walk_rules(walk))
    pin = Pin(walk=walk, user_id=current_user.id, client_id=client_id, **values)
    pin.light = pin.light or walk.light
    db.session.add(pin)
    db.session.flush()
    audit.record("staff_pin_added", current_user, pin=pin)
    db.session.commit()
    return jsonify(staff_pin_json(pin, {})), 201
