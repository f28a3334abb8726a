"""Places as people read them: published walks, their locations with the youths' moderated words and
photos, before/after figures, and the light-weight rows the findings map is drawn from. Used by the
planners' pages, the public feedback page and Open311."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Text, cast, distinct, func, select
from sqlalchemy.orm import joinedload, selectinload

from . import locations as locs
from . import location_facts, maps, vocab
from .location_text import name_from
from .extensions import db
from .filters import Filters
from .models import Agreement, AuditEvent, Location, Photo, Pin, Walk
from .permissions import planner_photo, shown_to_planners


# A place set to Åtgärdad is flagged when at least this share of the latest walk's voices there are unsafe.
STILL_UNSAFE_SHARE = 0.5


def published_walks() -> list[Walk]:
    """Walks whose locations the leader handed to the planners, newest first."""
    return db.session.scalars(
        select(Walk).where(Walk.published_at.is_not(None)).order_by(Walk.starts_at.desc(), Walk.id.desc())
    ).all()


def is_published(walk: Walk) -> bool:
    """The planner area's lists show published walks only, for planners and admins alike."""
    return walk.published_at is not None


def category_labels(walks: list[Walk]) -> dict[str, str]:
    """Every category key the walks use, with its label (the default list first)."""
    labels = dict(vocab.CATEGORIES)
    for walk in walks:
        for c in walk.categories or ():
            labels.setdefault(c["key"], c["label"])
    return labels


@dataclass
class Card:
    """A location as the action list, the protocol and the location page show it."""

    location: Location
    pins: list[Pin]
    figures: location_facts.Figures
    history: list[dict]

    @property
    def words(self) -> list[Pin]:
        """Pins with a (moderated) comment, most unsafe first."""
        return sorted((p for p in self.pins if p.comment), key=lambda p: (p.rating, p.id))

    @property
    def approved_words(self) -> list[Pin]:
        """Words a leader or planner approved: the only ones that go public (feedback page, protocol)."""
        return [p for p in self.words if p.comment_approved]

    @property
    def photos(self) -> list[Pin]:
        """Pins whose photo the planner pages may show, the location's best photo first."""
        shown = [p for p in self.pins if planner_photo(p)]
        order = {f.id: location_facts.photo_order(f) for f in locs.facts(shown)}
        return sorted(shown, key=lambda p: order[p.id])

    @property
    def approved_photos(self) -> list[Pin]:
        """Photos a leader approved: the only ones the protocol prints, since participants get it too."""
        return [p for p in self.photos if p.photo.approved]

    @property
    def safe(self) -> bool:
        """Whether everyone who pinned it found it safe."""
        return self.figures.only_safe

    @property
    def before_after(self) -> bool:
        """Whether a follow-up walk gives before/after figures."""
        return len(self.history) > 1

    @property
    def still_unsafe(self) -> bool:
        """Marked Åtgärdad, yet at the latest walk there most youths still found it unsafe."""
        return (self.location.status == vocab.FIXED_STATUS and self.before_after
                and self.history[-1]["unsafe_share"] >= STILL_UNSAFE_SHARE)


def card(location: Location, pin_ok: Callable[[Pin], bool] = lambda p: is_published(p.walk)) -> Card:
    """The location's figures from the pins a viewer may see (visible, and accepted by pin_ok)."""
    pins = [p for p in locs.visible_pins(location) if pin_ok(p)]
    history = [row for row in locs.per_walk(location) if is_published(row["walk"])]
    return Card(location, pins, location_facts.figures(locs.voices(pins)), history)


def _location_query():
    return (select(Location).where(Location.merged_into_id.is_(None))
            .options(selectinload(Location.pins).selectinload(Pin.photo),
                     selectinload(Location.pins).joinedload(Pin.walk),
                     joinedload(Location.responsible)))


def location_counts() -> dict[int, int]:
    """How many locations each walk's visible pins make up."""
    rows = db.session.execute(
        select(Pin.walk_id, func.count(distinct(Pin.location_id)))
        .join(Location, Location.id == Pin.location_id)
        .where(Pin.hidden.is_(False), Location.merged_into_id.is_(None)).group_by(Pin.walk_id)
    )
    return dict(rows.all())


def location_walks(location: Location, pin_ok: Callable[[Pin], bool]) -> list[Walk]:
    """The walks whose visible pins make up this location, of those the viewer may see."""
    seen: dict[int, Walk] = {}
    for pin in locs.visible_pins(location):
        if pin_ok(pin):
            seen.setdefault(pin.walk_id, pin.walk)
    return sorted(seen.values(), key=lambda w: (w.starts_at or w.created_at, w.id))


def history(location: Location) -> list[AuditEvent]:
    """Every recorded change to the location and to places merged into it, newest first."""
    return db.session.scalars(
        select(AuditEvent).where(AuditEvent.location_id.in_(locs.merged_ids(location)))
        .options(joinedload(AuditEvent.user)).order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
    ).all()


def walk_facts(walk: Walk) -> dict:
    """A walk's summary figures: people who pinned, pins, unsafe share, categories."""
    rows = db.session.execute(
        select(Pin.id, Pin.participant_id, Pin.user_id, Pin.rating, cast(Pin.categories, Text), Pin.light, Pin.lat,
               Pin.lon, Pin.comment, Photo.id.is_not(None), Pin.created_at)
        .outerjoin(Photo, Photo.pin_id == Pin.id).where(Pin.walk_id == walk.id, Pin.hidden.is_(False))
        .order_by(Pin.id))
    # Categories as text, decoded once per distinct list: a few lists repeat over thousands of pins.
    decoded: dict[str | None, tuple[str, ...]] = {}
    pins = {}
    for pin_id, participant, user, rating, categories, light, lat, lon, comment, has_photo, created in rows:
        if categories not in decoded:
            decoded[categories] = tuple(json.loads(categories) or ()) if categories else ()
        pins[pin_id] = location_facts.PinFact(
            id=pin_id, walk_id=walk.id, author=f"p:{participant}" if participant else f"u:{user}", rating=rating,
            categories=decoded[categories], light=light, lat=lat, lon=lon, comment=comment,
            has_photo=bool(has_photo), created_at=created)
    agreements = db.session.execute(
        select(Agreement.pin_id, Agreement.participant_id, Agreement.rating, Agreement.comment, Agreement.created_at)
        .where(Agreement.walk_id == walk.id, Agreement.hidden.is_(False)))
    voices = list(pins.values()) + [
        location_facts.agreement_fact(pins[pin_id], f"p:{participant}", rating, comment, created)
        for pin_id, participant, rating, comment, created in agreements if pin_id in pins]
    f = location_facts.figures(voices)
    return {"pins": f.pin_count, "agreements": f.agreements, "people": f.people, "unsafe": sum(p.rating in vocab.UNSAFE_RATINGS for p in pins.values()),
            "categories": f.category_counts, "lights": f.light_counts}


# --- the findings map -----------------------------------------------------------------------


def map_records(filters: Filters) -> tuple[list[maps.MapLocation], list[maps.MapPin], list[Walk]]:
    """The pins and locations of published walks that pass the filters, as plain map records.

    Reads columns, not ORM objects: the map must stay fast with 10,000 pins.
    """
    walks = published_walks()
    query = (
        select(Pin.id, Pin.lat, Pin.lon, Pin.rating, Pin.categories, Pin.comment, Pin.light, Pin.walk_id,
               Pin.location_id, Pin.created_at, Pin.participant_id, Pin.user_id,
               Photo.id, Photo.hidden, Photo.approved, Walk.photo_approval)
        .join(Walk, Walk.id == Pin.walk_id)
        .outerjoin(Photo, Photo.pin_id == Pin.id)
        .where(Walk.published_at.is_not(None), Pin.hidden.is_(False), Pin.unplaced.is_(False))
    )
    if filters.walk_id is not None:
        query = query.where(Pin.walk_id == filters.walk_id)
    if filters.light:
        query = query.where(Pin.light == filters.light)
    low, high = filters.utc_bounds()
    if low:
        query = query.where(Pin.created_at >= low)
    if high:
        query = query.where(Pin.created_at < high)
    if filters.status:
        query = query.where(Pin.location_id.in_(select(Location.id).where(Location.status == filters.status)))

    pins: list[maps.MapPin] = []
    by_location: dict[int, list[tuple[int, str]]] = defaultdict(list)
    cats_by_location: dict[int, Counter] = defaultdict(Counter)
    for (pin_id, lat, lon, rating, categories, comment, light, walk_id, location_id, _created, participant_id,
         user_id, photo_id, photo_hidden, photo_approved, needs_approval) in db.session.execute(query):
        categories = tuple(categories or ())
        if filters.category and filters.category not in categories:
            continue
        # Hidden pins are filtered out by the query.
        photo = photo_id is not None and shown_to_planners(photo_hidden, False, photo_approved, needs_approval)
        pins.append(maps.MapPin(pin_id, lat, lon, rating, categories, comment, light, walk_id, photo))
        if location_id is not None:
            author = f"p:{participant_id}" if participant_id else f"u:{user_id}"
            by_location[location_id].append((rating, author))
            cats_by_location[location_id].update(categories)

    labels = category_labels(walks)
    places: list[maps.MapLocation] = []
    if by_location:
        rows = db.session.execute(
            select(Location.id, Location.name, Location.lat, Location.lon, Location.footprint_geojson,
                   Location.priority, Location.status, Location.name_edited, Location.name_facts)
            .where(Location.id.in_(list(by_location)), Location.merged_into_id.is_(None))
        )
        for location_id, name, lat, lon, footprint, priority, status, name_edited, name_facts in rows:
            ratings = [r for r, _a in by_location[location_id]]
            top = [labels.get(k, k) for k, _n in cats_by_location[location_id].most_common(3)]
            places.append(maps.MapLocation(
                location_id, name_from(name, name_edited, name_facts), lat, lon, json.loads(footprint) if footprint else None, priority,
                status, len(ratings), len({a for _r, a in by_location[location_id]}),
                sum(ratings) / len(ratings), tuple(top), all(r not in vocab.UNSAFE_RATINGS for r in ratings),
            ))
        places.sort(key=lambda p: (-p.priority, p.id))
    return places, pins, walks
