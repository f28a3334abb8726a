"""Many places at once, fast: the action list's filtering, sorting and paging done by the database
over all places, and cards built from plain pin rows instead of ORM objects.

At 5,000 places the first version loaded every pin as an ORM object (and decoded its walk for each)
and templated every card; now the database picks and orders the places, the page shows one page of
them, and the cards of a page, a protocol or an export read each pin once as a row.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import ClassVar

from sqlalchemy import Text, and_, case, cast, func, select
from sqlalchemy.orm import joinedload

from . import collector, location_facts, vocab
from .extensions import db
from .filters import Filters
from .models import Agreement, Location, Photo, Pin, Walk
from .places import Card

PAGE_SIZE = 50
# The sort orders a planner can ask for (the query string's `sort`), the default first.
SORTS = ("priority", "pins", "name", "status", "due", "changed")
# Places looked up per query when building many cards (SQL IN lists stay small).
CHUNK = 500


@dataclass(slots=True)
class PhotoView:
    """A pin's photo as the pages need it."""

    id: int
    approved: bool
    hidden: bool
    thumb_width: int
    thumb_height: int


@dataclass(slots=True)
class PinView:
    """A pin read as one row (what the cards, figures and permissions look at)."""

    id: int
    walk_id: int
    participant_id: int | None
    user_id: int | None
    rating: int
    categories: list[str]
    light: str | None
    lat: float
    lon: float
    comment: str | None
    comment_approved: bool
    created_at: object
    walk: Walk
    photo: PhotoView | None = None
    hidden: bool = False
    location_id: int | None = field(default=None)
    agrees: ClassVar[bool] = False

    @property
    def author(self) -> str:
        """Who pinned it, as location_facts counts people (never who they are)."""
        return f"p:{self.participant_id}" if self.participant_id else f"u:{self.user_id}"


def _visible_published():
    """The pins planners see: not hidden, of walks published to them."""
    return and_(Pin.hidden.is_(False), Walk.published_at.is_not(None))


def _pin_conditions(filters: Filters) -> list:
    """The pin-level filters (walk, period, category, light) in SQL."""
    conditions = []
    if filters.walk_id is not None:
        conditions.append(Pin.walk_id == filters.walk_id)
    if filters.light:
        conditions.append(Pin.light == filters.light)
    low, high = filters.utc_bounds()
    if low:
        conditions.append(Pin.created_at >= low)
    if high:
        conditions.append(Pin.created_at < high)
    if filters.category:
        # Categories are a JSON list of keys; as text a key appears in quotes. LIKE's own wildcards
        # in a key (an underscore) are escaped.
        key = filters.category.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_").replace('"', "")
        conditions.append(cast(Pin.categories, Text).like(f'%"{key}"%', escape="\\"))
    return conditions


def matching_ids(filters: Filters):
    """A subquery of the ids of places with a visible, published pin that passes the filters."""
    query = (select(Pin.location_id).join(Walk, Walk.id == Pin.walk_id)
             .where(_visible_published(), Pin.location_id.is_not(None), *_pin_conditions(filters)))
    return query


def _counts():
    """Per place: its visible published pins (for sorting by how many noticed it)."""
    return (select(Pin.location_id.label("location_id"), func.count().label("pins"))
            .join(Walk, Walk.id == Pin.walk_id).where(_visible_published())
            .group_by(Pin.location_id).subquery())


def _ordered(filters: Filters, sort: str):
    """The places that pass the filters, in the order asked for (ids and the columns sorted on)."""
    sort = sort if sort in SORTS else "priority"
    query = select(Location.id).where(Location.merged_into_id.is_(None), Location.id.in_(matching_ids(filters)))
    if filters.status:
        query = query.where(Location.status == filters.status)
    if sort == "pins":
        # Every place's pins are counted only to sort by them (a pass over all pins).
        counts = _counts()
        query = query.outerjoin(counts, counts.c.location_id == Location.id)
        order = [func.coalesce(counts.c.pins, 0).desc(), Location.priority.desc()]
    else:
        status_order = case({s.key: i for i, s in enumerate(vocab.LOCATION_STATUS_SCALE)}, value=Location.status)
        order = {
            "priority": [Location.priority.desc()],
            "name": [func.lower(Location.name)],
            "status": [status_order, Location.priority.desc()],
            "due": [Location.due_date.is_(None), Location.due_date, Location.priority.desc()],
            "changed": [Location.updated_at.desc()],
        }[sort]
    return query.order_by(*order, Location.id)


def action_page(filters: Filters, sort: str = "priority", page: int = 1) -> tuple[list[Card], int, int]:
    """One page of the action list (PAGE_SIZE places), how many places pass the filters in all, and
    the page shown (a page past the end shows the last one)."""
    ordered = _ordered(filters, sort)
    total = db.session.scalar(select(func.count()).select_from(ordered.subquery()))
    page = min(max(1, page), max(1, -(-total // PAGE_SIZE)))
    ids = list(db.session.scalars(ordered.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)))
    return cards_for(ids), total, page


def all_in_order(filters: Filters) -> Iterator[Card]:
    """Every place that passes the filters, highest priority first, built a chunk at a time (exports)."""
    ids = list(db.session.scalars(_ordered(filters, "priority")))
    for start in range(0, len(ids), CHUNK):
        yield from cards_for(ids[start:start + CHUNK])


def walk_cards(walk: Walk) -> list[Card]:
    """A walk's places, figures from this walk's pins only: unsafe places by priority, then safe ones."""
    ids = list(db.session.scalars(
        select(Location.id).where(Location.merged_into_id.is_(None), Location.id.in_(
            select(Pin.location_id).where(Pin.walk_id == walk.id, Pin.hidden.is_(False), Pin.location_id.is_not(None))))
        .order_by(Location.priority.desc(), Location.id)))
    cards = [c for c in cards_for(ids, lambda p: p.walk_id == walk.id, any_walk=True) if c.pins]
    return [c for c in cards if not c.safe] + [c for c in cards if c.safe]


def cards_for(ids: Sequence[int], pin_ok: Callable[[PinView], bool] | None = None, any_walk: bool = False) -> list[Card]:
    """Cards of these places in this order: their pins read as rows, their figures and before/after.

    The figures count the pins `pin_ok` accepts (by default every visible pin of a published walk);
    before/after always counts published walks. any_walk reads the pins of unpublished walks too
    (a walk's own protocol before it is published).
    """
    if not ids:
        return []
    with collector.paused():
        return _cards(ids, pin_ok, any_walk)


def _cards(ids: Sequence[int], pin_ok: Callable[[PinView], bool] | None, any_walk: bool) -> list[Card]:
    """cards_for's work, done while the collector is held."""
    places = {loc.id: loc for loc in db.session.scalars(
        select(Location).where(Location.id.in_(ids)).options(joinedload(Location.responsible)))}
    pins = _pin_rows(ids, any_walk)
    agreements = _agreement_rows(ids)
    # Whether a walk is published, asked once per walk rather than of each pin's ORM walk.
    walks = {p.walk_id: p.walk for rows in pins.values() for p in rows}
    published_walks = {walk_id for walk_id, walk in walks.items() if walk.published_at is not None}
    out = []
    for location_id in ids:
        location = places[location_id]
        rows = pins.get(location_id, [])
        published = [p for p in rows if p.walk_id in published_walks]
        shown = [p for p in rows if pin_ok(p)] if pin_ok else published
        figures = location_facts.figures(_voices(shown, agreements))
        if published == shown and len({p.walk_id for p in shown}) == 1:
            history = [_walk_row(shown[0].walk, figures)]  # one walk: its figures are the card's
        else:
            history = _per_walk(_voices(published, agreements))
        out.append(Card(location, shown, figures, history))
    return out


def _pin_rows(ids: Sequence[int], any_walk: bool) -> dict[int, list[PinView]]:
    """The visible pins of these places as rows, grouped by place."""
    walks = {w.id: w for w in db.session.scalars(
        select(Walk).where(Walk.id.in_(select(Pin.walk_id).where(Pin.location_id.in_(ids)).distinct())))}
    # Categories as text, decoded once per distinct list: a few lists repeat over thousands of pins.
    decoded: dict[str | None, list[str]] = {}
    query = (select(Pin.id, Pin.walk_id, Pin.participant_id, Pin.user_id, Pin.rating, cast(Pin.categories, Text), Pin.light,
                    Pin.lat, Pin.lon, Pin.comment, Pin.comment_approved, Pin.created_at, Pin.location_id,
                    Photo.id, Photo.approved, Photo.hidden, Photo.thumb_width, Photo.thumb_height)
             .outerjoin(Photo, Photo.pin_id == Pin.id)
             .where(Pin.location_id.in_(ids), Pin.hidden.is_(False)).order_by(Pin.id))
    grouped: dict[int, list[PinView]] = defaultdict(list)
    for (pin_id, walk_id, participant_id, user_id, rating, categories, light, lat, lon, comment, approved, created,
         location_id, photo_id, photo_approved, photo_hidden, thumb_w, thumb_h) in db.session.execute(query):
        walk = walks[walk_id]
        if not any_walk and walk.published_at is None:
            continue
        photo = PhotoView(photo_id, photo_approved, photo_hidden, thumb_w, thumb_h) if photo_id is not None else None
        if categories not in decoded:
            decoded[categories] = json.loads(categories) if categories else []
        grouped[location_id].append(PinView(pin_id, walk_id, participant_id, user_id, rating, decoded[categories], light,
                                             lat, lon, comment, bool(approved), created, walk, photo,
                                             location_id=location_id))
    return grouped


def _agreement_rows(ids: Sequence[int]) -> dict[int, list[tuple]]:
    """The agreements a leader has not hidden with the pins of these places, by pin."""
    query = (select(Agreement.pin_id, Agreement.participant_id, Agreement.rating, Agreement.comment, Agreement.created_at)
             .join(Pin, Pin.id == Agreement.pin_id)
             .where(Pin.location_id.in_(ids), Agreement.hidden.is_(False)).order_by(Agreement.id))
    grouped: dict[int, list[tuple]] = defaultdict(list)
    for pin_id, *rest in db.session.execute(query):
        grouped[pin_id].append(rest)
    return grouped


def _voices(pins: list[PinView], agreements: dict[int, list[tuple]]) -> list:
    """The pins and the agreements with them: what figures count (see locations.voices)."""
    out: list = list(pins)
    for pin in pins:
        for participant_id, rating, comment, created in agreements.get(pin.id, ()):
            out.append(location_facts.agreement_fact(pin, f"p:{participant_id}", rating, comment, created))
    return out


def _per_walk(pins: list[PinView]) -> list[dict]:
    """Before/after: the figures walk by walk, oldest first (as locations.per_walk, from rows)."""
    by_walk: dict[int, list[PinView]] = defaultdict(list)
    for pin in pins:
        by_walk[pin.walk_id].append(pin)
    rows = [_walk_row(group[0].walk, location_facts.figures(group)) for group in by_walk.values()]
    return sorted(rows, key=lambda r: (r["walk"].starts_at or r["walk"].created_at, r["walk"].id))


def _walk_row(walk: Walk, f: location_facts.Figures) -> dict:
    return {"walk": walk, "pins": f.pin_count, "people": f.people, "mean_rating": f.mean_rating,
            "unsafe_share": f.unsafe_share}
