"""Oro – behöver åtgärd: a pin that tells of a young person who is not safe (abuse, a threat,
self-harm), marked by a leader or planner so that staff act on it and it never goes public.

A marked pin is hidden (so no figure, map, export, feedback page or Open311 answer shows it) and
stays hidden while the mark stands; it is listed apart for staff. What staff then do is the
municipality's routine for a report of concern to social services (orosanmälan, SoL 14 kap. 1 §),
described in docs/vandringsledare.md. No Flask here.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from . import audit, locations
from .extensions import db
from .models import Pin, User, utcnow
from .vocab import N_

# The reason a marked pin shows as hidden for (kept in Swedish, like the reasons staff write).
HIDDEN_REASON = N_("Oro – behöver åtgärd")


def mark(pin: Pin, user: User, note: str) -> bool:
    """Mark the pin as a concern and hide it; False if it already was. The note goes to the log."""
    if pin.concern_at is not None:
        return False
    audit.record("pin_concern", user, pin=pin, field="concern", old=False, new=True, note=note)
    pin.concern_at = utcnow()
    pin.concern_by_id = user.id
    if not pin.hidden:
        audit.record("pin_hide", user, pin=pin, field="hidden", old=False, new=True, note=HIDDEN_REASON)
        pin.hidden = True
        pin.hidden_reason = HIDDEN_REASON
        if pin.location is not None:
            db.session.flush()
            locations.refresh(pin.location)  # it no longer counts in the place's figures
    return True


def clear(pin: Pin, user: User, note: str) -> bool:
    """Take the mark away (it was a mistake, or the matter is handled); the pin stays hidden until
    someone shows it again on purpose. False if it was not marked."""
    if pin.concern_at is None:
        return False
    audit.record("pin_unconcern", user, pin=pin, field="concern", old=True, new=False, note=note)
    pin.concern_at = None
    pin.concern_by_id = None
    return True


def marked(walk_ids: Sequence[int] | None = None) -> list[Pin]:
    """Marked pins of the given walks (or of all), newest mark first, with their walks."""
    query = select(Pin).where(Pin.concern_at.is_not(None)).options(selectinload(Pin.walk))
    if walk_ids is not None:
        query = query.where(Pin.walk_id.in_(walk_ids))
    return db.session.scalars(query.order_by(Pin.concern_at.desc(), Pin.id.desc())).all()


def markers(pins: Sequence[Pin]) -> dict[int, str]:
    """Who marked each pin: user id → name."""
    ids = {p.concern_by_id for p in pins if p.concern_by_id is not None}
    if not ids:
        return {}
    return dict(db.session.execute(select(User.id, User.display_name).where(User.id.in_(ids))).all())
