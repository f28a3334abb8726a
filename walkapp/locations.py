"""Locations in the database: build them from a closed walk's pins, keep their figures fresh, and
the leader's review operations (rename, merge, split, move a pin)."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field

from sqlalchemy import select

from . import audit, clustering, geo, location_facts, location_text
from .extensions import db
from .models import Location, Pin, User, Walk
from .pin_input import MAX_AREA_SLACK_M

# Locations of other walks this far outside a walk's area are candidates to join its pins.
NEARBY_M = 200.0
METRES_PER_DEGREE = 111_320.0


@dataclass
class ClusterReport:
    """What clustering a walk did, for the leader and the audit log."""

    pins: int = 0
    locations: int = 0
    new: int = 0
    joined_earlier: int = 0
    unplaced: int = 0
    location_ids: list[int] = field(default_factory=list)

    def counts(self) -> dict:
        """The figures summary() speaks of: what the audit log keeps (said in the reader's language there)."""
        return {"pins": self.pins, "locations": self.locations, "new": self.new,
                "joined_earlier": self.joined_earlier, "unplaced": self.unplaced}

    def summary(self) -> str:
        """One or two sentences for the leader, in their language."""
        return location_text.cluster_summary(self.counts())


def cluster_walk(walk: Walk) -> ClusterReport:
    """Group the walk's visible pins into locations, joining locations of earlier walks where they overlap.

    Safe to run again: pins staff placed by hand stay where they are, a group keeps the location
    most of its pins already had, and names, actions, statuses and responsible parties are never
    touched here.
    """
    report = ClusterReport()
    pins = db.session.scalars(
        select(Pin).where(Pin.walk_id == walk.id, Pin.hidden.is_(False)).order_by(Pin.id)
    ).all()
    report.unplaced = sum(p.unplaced for p in pins)
    # Pins of a place that planners follow up stay there: moving them could leave the decision on an
    # empty place that no list shows (follow-up is never destroyed silently).
    free = [p for p in pins if not p.unplaced and not p.location_locked
            and not (p.location is not None and has_follow_up(p.location))]
    kept = [p for p in pins if p not in free and not p.unplaced and p.location_id]
    report.pins = len(pins) - report.unplaced
    before = {p.location_id for p in free if p.location_id is not None}

    lat = [p.lat for p in free]
    lon = [p.lon for p in free]
    groups = clustering.group_pins(lat, lon, walk.cluster_eps_m, walk.cluster_min_samples)
    known = _known_locations(walk)
    targets = clustering.match_groups(groups, lat, lon, [p.location_id for p in free], known, walk.cluster_eps_m)
    known_ids = {k.id for k in known}
    touched: set[int] = set()
    for idx, target in zip(groups, targets):
        if target is None:
            location = Location(name="Plats", lat=free[idx[0]].lat, lon=free[idx[0]].lon, origin_walk_id=walk.id)
            db.session.add(location)
            db.session.flush()
            report.new += 1
        else:
            location = db.session.get(Location, target)
            if target in known_ids and target not in before:
                report.joined_earlier += 1
        for i in idx:
            free[i].location = location
        touched.add(location.id)
    db.session.flush()

    for location_id in touched | before | {p.location_id for p in kept}:
        location = db.session.get(Location, location_id)
        if location is not None:
            refresh(location)
    report.location_ids = sorted(touched | {p.location_id for p in kept})
    report.locations = len(report.location_ids)
    return report


def _known_locations(walk: Walk) -> list[clustering.KnownLocation]:
    """Locations near the walk's area made by other walks (this walk's own are found through its pins)."""
    area = walk.area
    minx, miny, maxx, maxy = area.bounds
    # NEARBY_M in degrees: a degree of latitude is ~111 km everywhere; one of longitude shrinks with
    # the cosine of the latitude (about 60 km in Varberg). The box is only a pre-filter.
    pad_lat = NEARBY_M / METRES_PER_DEGREE
    pad_lon = NEARBY_M / (METRES_PER_DEGREE * max(0.01, math.cos(math.radians(max(abs(miny), abs(maxy))))))
    rows = db.session.scalars(
        select(Location).where(
            Location.merged_into_id.is_(None),
            Location.lat.between(miny - pad_lat, maxy + pad_lat),
            Location.lon.between(minx - pad_lon, maxx + pad_lon),
            (Location.origin_walk_id != walk.id) | Location.origin_walk_id.is_(None),
        )
    ).all()
    return [clustering.KnownLocation(r.id, r.lat, r.lon, json.loads(r.footprint_geojson) if r.footprint_geojson else None)
            for r in rows]


def visible_pins(location: Location) -> list[Pin]:
    """The location's pins that count: not hidden by a moderator."""
    return [p for p in location.pins if not p.hidden]


def voices(pins: list[Pin]) -> list[location_facts.PinFact]:
    """What a place's figures and priority count: its pins, and the agreements with them that a
    leader has not hidden."""
    out = facts(pins)
    for pin, fact in zip(pins, list(out)):
        out.extend(location_facts.agreement_fact(fact, f"p:{a.participant_id}", a.rating, a.comment, a.created_at)
                   for a in pin.agreements if not a.hidden)
    return out


def facts(pins: list[Pin]) -> list[location_facts.PinFact]:
    """The plain records location_facts works on."""
    return [
        location_facts.PinFact(
            id=p.id, walk_id=p.walk_id,
            author=f"p:{p.participant_id}" if p.participant_id else f"u:{p.user_id}",
            rating=p.rating, categories=tuple(p.categories or ()), light=p.light, lat=p.lat, lon=p.lon,
            comment=p.comment, has_photo=p.photo is not None, created_at=p.created_at,
        )
        for p in pins
    ]


def walkers(walk_ids: set[int]) -> int:
    """How many people pinned anything on these walks: the denominator of "7 av 12 deltagare"."""
    if not walk_ids:
        return 0
    authors = db.session.execute(
        select(Pin.participant_id, Pin.user_id).where(Pin.walk_id.in_(walk_ids)).distinct()
    ).all()
    return len(authors)


def refresh(location: Location) -> bool:
    """Recompute centroid, footprint, dates, priority and (unless staff named it) the name.

    Returns False when the location was left without pins and nobody had worked on it, in which
    case it is deleted.
    """
    db.session.refresh(location, ["pins"])
    pins = visible_pins(location)
    if not pins:
        if has_staff_work(location) or location.pins:
            location.priority = 0.0
            return True
        db.session.delete(location)
        return False
    pin_facts = voices(pins)
    lat = [p.lat for p in pins]
    lon = [p.lon for p in pins]
    location.lat, location.lon = clustering.centroid(lat, lon)
    location.footprint_geojson = json.dumps(clustering.footprint(lat, lon), separators=(",", ":"))
    f = location_facts.figures(pin_facts)
    location.first_reported, location.last_reported = f.first, f.last
    prio = location_facts.priority(pin_facts, walkers({p.walk_id for p in pins}))
    location.priority = prio.score
    # Facts are kept, sentences made where they are read; the Swedish text stays for search and sorting.
    location.priority_facts = prio.facts
    location.priority_reasons = ", ".join(prio.reasons)
    walk = pins[0].walk
    name_facts = location_facts.name_facts(pin_facts, walk.stops or [], walk.category_label, location.id)
    location.name_facts = name_facts
    if not location.name_edited:
        location.name = location_facts.name_text(name_facts)[:200]
    return True


# A place's follow-up: what planners (and the leader's proposal) decided. Merging carries it over,
# re-clustering leaves its pins alone, and nothing that would hide it runs without saying so.
FOLLOW_UP_FIELDS = ("status", "status_reason", "responsible_id", "proposed_action", "public_note", "due_date")


def has_follow_up(location: Location) -> bool:
    """Whether planners decided or wrote anything on this place (a status other than Ny, a party, notes, a date)."""
    return bool(location.status != "ny" or location.status_reason or location.responsible_id
                or location.proposed_action or location.public_note or location.due_date)


def has_staff_work(location: Location) -> bool:
    """Whether staff wrote or decided anything on this location."""
    return bool(
        location.name_edited or location.status != "ny" or location.proposed_action or location.public_note
        or location.responsible_id or location.due_date
    )


def walk_locations(walk: Walk) -> list[Location]:
    """The locations that hold this walk's pins, highest priority first."""
    ids = select(Pin.location_id).where(Pin.walk_id == walk.id, Pin.location_id.is_not(None)).distinct()
    return db.session.scalars(
        select(Location).where(Location.id.in_(ids), Location.merged_into_id.is_(None))
        .order_by(Location.priority.desc(), Location.id)
    ).all()


def unplaced_pins(walk: Walk) -> list[Pin]:
    """Pins described in words that still need a place on the map."""
    return db.session.scalars(select(Pin).where(Pin.walk_id == walk.id, Pin.unplaced.is_(True), Pin.hidden.is_(False))
                               .order_by(Pin.id)).all()


# --- the leader's review operations -----------------------------------------------------------


def rename(location: Location, name: str, user: User) -> None:
    """Give a location a staff-chosen name that clustering will keep."""
    name = name.strip()[:200]
    # The form shows the suggested name in the viewer's language: sent back unchanged, it is no new name.
    if not name or name == location.name or name == location_text.place_name(location):
        return
    audit.record("location_renamed", user, location=location, field="name", old=location_text.place_name(location), new=name)
    location.name = name
    location.name_edited = True


class MergeRefused(Exception):
    """Merging would lose a decision; `conflicts` names the fields that disagree."""

    def __init__(self, conflicts: list[str]):
        super().__init__(", ".join(conflicts))
        self.conflicts = conflicts


def merge_conflicts(into: Location, other: Location) -> list[str]:
    """The follow-up fields where both places hold a different decision (merging would lose one)."""
    conflicts = []
    if into.status != "ny" and other.status != "ny" and (into.status, into.status_reason) != (other.status, other.status_reason):
        conflicts.append("status")
    for name in ("responsible_id", "due_date"):
        mine, theirs = getattr(into, name), getattr(other, name)
        if mine and theirs and mine != theirs:
            conflicts.append(name)
    return conflicts


def merge(into: Location, other: Location, user: User) -> None:
    """Move every pin of `other` to `into` and mark `other` as merged; pins stay put on re-runs.

    Every decision on `other` moves to `into` (logged, with its history shown there); texts are
    joined. When both places hold different decisions of one kind, MergeRefused is raised and nothing changes.
    """
    if into.id == other.id:
        return
    conflicts = merge_conflicts(into, other)
    if conflicts:
        raise MergeRefused(conflicts)
    for name in FOLLOW_UP_FIELDS:
        mine, theirs = getattr(into, name), getattr(other, name)
        if name == "status":
            value = theirs if mine == "ny" else mine
        elif name in ("proposed_action", "public_note") and mine and theirs and mine != theirs:
            value = f"{mine}\n\n{theirs}"
        else:
            value = mine or theirs
        if value != mine:
            audit.record("location_followup_merged", user, location=into, field=name, old=mine, new=value,
                         note=other.name)
            setattr(into, name, value)
    for pin in list(other.pins):
        pin.location = into
        pin.location_locked = True
    other.merged_into_id = into.id
    audit.record("location_merged", user, location=into, old=other.id, new=into.id, note=other.name)
    audit.record("location_merged_away", user, location=other, old=other.id, new=into.id, note=into.name)
    db.session.flush()
    refresh(into)
    db.session.refresh(other, ["pins"])


def merged_ids(location: Location) -> list[int]:
    """This place and every place merged into it (directly or through others): its whole history."""
    ids, frontier = [location.id], [location.id]
    while frontier:
        frontier = list(db.session.scalars(select(Location.id).where(Location.merged_into_id.in_(frontier))))
        frontier = [i for i in frontier if i not in ids]
        ids.extend(frontier)
    return ids


def followed_up_only_here(walk: Walk) -> list[Location]:
    """Places with planner follow-up that hold pins of no other published walk: withdrawing or
    reopening this walk would take them, decisions and all, off the action list."""
    out = []
    for location in walk_locations(walk):
        if has_follow_up(location) and not any(
            p.walk_id != walk.id and p.walk.published_at is not None and not p.hidden for p in location.pins
        ):
            out.append(location)
    return out


def split(location: Location, pin_ids: list[int], user: User, walk: Walk) -> Location | None:
    """Move some of this walk's pins to a new location of their own (other walks' pins stay put)."""
    own = [p for p in location.pins if p.walk_id == walk.id]
    chosen = [p for p in own if p.id in set(pin_ids)]
    if not chosen or len(chosen) == len(location.pins):
        return None
    new = Location(name="Plats", lat=chosen[0].lat, lon=chosen[0].lon, origin_walk_id=walk.id)
    db.session.add(new)
    db.session.flush()
    for pin in chosen:
        pin.location = new
        pin.location_locked = True
    for pin in own:
        pin.location_locked = True
    audit.record("location_split", user, location=location, new=new.id, note=", ".join(str(p.id) for p in chosen))
    db.session.flush()
    refresh(location)
    refresh(new)
    return new


def move_pin(pin: Pin, target: Location, user: User) -> None:
    """Put one pin in another location by hand."""
    source = pin.location
    if source is not None and source.id == target.id:
        return
    pin.location = target
    pin.location_locked = True
    audit.record("pin_moved", user, location=target, pin=pin, old=source.id if source else None, new=target.id)
    db.session.flush()
    refresh(target)
    if source is not None:
        refresh(source)


def place_pin(pin: Pin, lat: float, lon: float, user: User) -> None:
    """Give a pin that was described in words its place on the map."""
    audit.record("pin_placed", user, pin=pin, old=f"{pin.lat},{pin.lon}", new=f"{lat},{lon}")
    pin.lat, pin.lon = lat, lon
    pin.unplaced = False


def per_walk(location: Location) -> list[dict]:
    """Before/after: the location's figures walk by walk, oldest first."""
    by_walk: dict[int, list[Pin]] = {}
    for pin in visible_pins(location):
        by_walk.setdefault(pin.walk_id, []).append(pin)
    rows = []
    for walk_id, pins in by_walk.items():
        f = location_facts.figures(voices(pins))
        rows.append({"walk": pins[0].walk, "pins": f.pin_count, "people": f.people,
                     "mean_rating": f.mean_rating, "unsafe_share": f.unsafe_share})
    return sorted(rows, key=lambda r: (r["walk"].starts_at or r["walk"].created_at, r["walk"].id))


def distance_from_area_ok(walk: Walk, lat: float, lon: float) -> bool:
    """Whether a point lies in the walk's area, with the same slack a phone's pin gets."""
    return geo.distance_to_area_m(walk.area, lat, lon) <= MAX_AREA_SLACK_M

