"""Retention (gallring): after a configurable period a walk's photos, the youths' words and the phones'
tokens go, each kind on its own clock counted from the walk's close, and only its locations and figures
remain (product brief, section 7). A dry run says what would go and changes nothing.

A walk never closed counts from its creation: a walk left open must not keep its material for ever.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import and_, func, or_, select, update

from . import audit, pinstore
from .extensions import db
from .models import Agreement, Participant, Photo, Pin, Walk, utcnow

# The kinds of data, in the order they are reported.
KINDS = ("photos", "comments", "tokens")
# One audit action per kind; the count goes in new_value, the period in the note.
ACTIONS = {"photos": "retention_photos", "comments": "retention_comments", "tokens": "retention_tokens"}
# A cleared token hash: it holds a character a SHA-256 hex digest never has, so no token matches it,
# and a random tail keeps the column unique.
CLEARED_PREFIX = "gallrad:"


@dataclass
class WalkReport:
    """What went (or would go) from one walk, per kind."""

    walk_id: int
    title: str
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class RetentionReport:
    """A whole run: the periods it used and each walk it touched."""

    periods: dict[str, int | None]
    walks: list[WalkReport] = field(default_factory=list)
    dry_run: bool = False

    def total(self, kind: str) -> int:
        """How many of one kind went, over all walks."""
        return sum(w.counts.get(kind, 0) for w in self.walks)


def periods(config: Mapping, days: int | None = None) -> dict[str, int | None]:
    """Days after which each kind goes (None: kept). `days` overrides every kind for one run.

    RETENTION_PHOTOS_DAYS and RETENTION_COMMENTS_DAYS follow RETENTION_DAYS unless set;
    RETENTION_TOKENS_DAYS stands alone. 0 keeps that kind.
    """
    if days is not None:
        return {kind: days or None for kind in KINDS}
    general = config.get("RETENTION_DAYS")
    out: dict[str, int | None] = {}
    for kind in KINDS:
        value = config.get(f"RETENTION_{kind.upper()}_DAYS")
        if value is None and kind != "tokens":
            value = general
        out[kind] = int(value) if value else None
    return out


def expired_walks(days: int, now: dt.datetime | None = None) -> list[Walk]:
    """Walks closed more than `days` days ago, and walks never closed that were created that long ago."""
    cutoff = (now or utcnow()) - dt.timedelta(days=days)
    closed_long_ago = and_(Walk.closed_at.is_not(None), Walk.closed_at < cutoff)
    never_closed = and_(Walk.closed_at.is_(None), Walk.created_at < cutoff)
    return db.session.scalars(select(Walk).where(or_(closed_long_ago, never_closed)).order_by(Walk.id)).all()


def _words():
    return or_(Pin.comment.is_not(None), Pin.comment_original.is_not(None), Pin.place_description.is_not(None))


def count(kind: str, walk_id: int) -> int:
    """How much of one kind a walk still holds."""
    if kind == "photos":
        query = select(func.count()).select_from(Photo).join(Pin, Pin.id == Photo.pin_id).where(Pin.walk_id == walk_id)
    elif kind == "comments":
        pins = db.session.scalar(select(func.count()).select_from(Pin).where(Pin.walk_id == walk_id, _words()))
        query = select(func.count()).select_from(Agreement).where(Agreement.walk_id == walk_id,
                                                                   Agreement.comment.is_not(None))
        return pins + db.session.scalar(query)
    elif kind == "tokens":
        query = select(func.count()).select_from(Participant).where(
            Participant.walk_id == walk_id, Participant.token_hash.not_like(CLEARED_PREFIX + "%"))
    else:
        raise ValueError(kind)
    return db.session.scalar(query)


def _delete(kind: str, walk: Walk) -> None:
    """Remove one kind from a walk (in the session; committed by the caller)."""
    if kind == "photos":
        # Through the pin store: the rows go now, the files after the commit (shared files stay).
        pins = db.session.scalars(select(Pin).join(Photo, Photo.pin_id == Pin.id).where(Pin.walk_id == walk.id))
        for pin in pins:
            pinstore.remove_photo(pin)
    elif kind == "comments":
        db.session.execute(update(Pin).where(Pin.walk_id == walk.id, _words()).values(
            comment=None, comment_original=None, place_description=None, comment_approved=False, updated_at=utcnow()))
        db.session.execute(update(Agreement).where(Agreement.walk_id == walk.id, Agreement.comment.is_not(None))
                           .values(comment=None, comment_approved=False))
    elif kind == "tokens":
        participants = db.session.scalars(select(Participant).where(
            Participant.walk_id == walk.id, Participant.token_hash.not_like(CLEARED_PREFIX + "%")))
        for participant in participants:
            participant.token_hash = CLEARED_PREFIX + secrets.token_hex(28)


def apply_retention(config_periods: Mapping[str, int | None], *, dry_run: bool = False,
                    now: dt.datetime | None = None) -> RetentionReport:
    """Delete (or, in a dry run, only count) each kind of data of the walks past that kind's period,
    with one audit entry per walk and kind."""
    report = RetentionReport(periods=dict(config_periods), dry_run=dry_run)
    by_walk: dict[int, WalkReport] = {}
    for kind in KINDS:
        days = config_periods.get(kind)
        if not days:
            continue
        for walk in expired_walks(days, now):
            n = count(kind, walk.id)
            if not n:
                continue
            by_walk.setdefault(walk.id, WalkReport(walk.id, walk.title)).counts[kind] = n
            if not dry_run:
                _delete(kind, walk)
                audit.record(ACTIONS[kind], None, walk=walk, new=n, note=f"{days} dagar")
    report.walks = sorted(by_walk.values(), key=lambda w: w.walk_id)
    if dry_run:
        db.session.rollback()
    else:
        pinstore.commit()
    return report
