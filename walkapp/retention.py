"""Retention: after a configurable period a closed walk's photos and raw comments are deleted, and
only its locations and figures remain (product brief, section 7)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, or_, select

from . import audit, pinstore
from .extensions import db
from .models import Pin, Walk, utcnow


@dataclass
class RetentionReport:
    walks: int = 0
    photos: int = 0
    comments: int = 0


def expired_walks(days: int, now: dt.datetime | None = None) -> list[Walk]:
    """Walks closed more than `days` days ago, and walks never closed that were created that long ago."""
    cutoff = (now or utcnow()) - dt.timedelta(days=days)
    closed_long_ago = and_(Walk.closed_at.is_not(None), Walk.closed_at < cutoff)
    never_closed = and_(Walk.closed_at.is_(None), Walk.created_at < cutoff)
    return db.session.scalars(select(Walk).where(or_(closed_long_ago, never_closed))).all()


def apply_retention(days: int, now: dt.datetime | None = None) -> RetentionReport:
    """Delete photos (rows and files) and comments of expired walks; pins keep rating, place and categories."""
    report = RetentionReport()
    for walk in expired_walks(days, now):
        pins = db.session.scalars(select(Pin).where(Pin.walk_id == walk.id)).all()
        touched = False
        for pin in pins:
            if pin.photo is not None:
                pinstore.remove_photo(pin)
                report.photos += 1
                touched = True
            if pin.comment or pin.comment_original or pin.place_description:
                pin.comment = pin.comment_original = pin.place_description = None
                report.comments += 1
                touched = True
        if touched:
            report.walks += 1
            audit.record("retention_applied", None, walk=walk, note=f"{days} dagar")
    pinstore.commit()
    return report
