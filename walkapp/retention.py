"""Retention: after a configurable period a closed walk's photos and raw comments are deleted, and
only its locations and figures remain (product brief, section 7)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from . import audit, pinstore
from .extensions import db
from .models import Pin, Walk, utcnow


@dataclass
class RetentionReport:
    walks: int = 0
    photos: int = 0
    comments: int = 0


def expired_walks(days: int, now: dt.datetime | None = None) -> list[Walk]:
    """Closed walks whose closing lies more than `days` days back."""
    cutoff = (now or utcnow()) - dt.timedelta(days=days)
    return db.session.scalars(select(Walk).where(Walk.status == "closed", Walk.closed_at < cutoff)).all()


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
