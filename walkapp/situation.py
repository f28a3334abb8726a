"""The situation report's figures (lägesbild, lag 2023:196): what the walks of an area and a period
found and what became of it. Read from rows, counted here; pages and exports render them. No Flask.

Which walks: published walks that started in the period, optionally only those whose centre lies in
a chosen walk's area (the same part of town). Which places: the places that hold those walks' visible
pins. A place is counted once in each category its pins name, under its rounded mean rating and its
most common light. "Unsafe in two walks or more": a place where pins rated unsafe came from at least
two of the walks. "Days to Åtgärdad": from the first of the walks that found the place to the first
time a planner set it to Åtgärdad (the audit log keeps when).
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from shapely.geometry import Point
from sqlalchemy import func, select

from . import vocab
from .extensions import db
from .models import Agreement, AuditEvent, Location, Pin, Walk
from .timefmt import local_zone
from .walks import walk_rules

FIXED = vocab.FIXED_STATUS


@dataclass(frozen=True)
class RepeatPlace:
    id: int
    name: str
    walks: int  # walks in which it was rated unsafe
    status: str
    # What its suggested name says (location_text.place_name says it in the reader's language).
    name_edited: bool = True
    name_facts: dict | None = None


@dataclass(frozen=True)
class Report:
    start: dt.date
    end: dt.date
    walks: tuple[tuple[int, str, dt.datetime | None], ...]  # id, title, start
    participants: int  # participants heard: a visible pin or agreement
    places: int
    by_category: dict[str, int]
    by_rating: dict[int, int]
    by_light: dict[str, int]
    by_status: dict[str, int]
    days_to_fixed: tuple[int, ...]  # one per place set to Åtgärdad
    repeat_unsafe: tuple[RepeatPlace, ...]
    status_share: dict[str, float] = field(default_factory=dict)

    @property
    def median_days_to_fixed(self) -> float | None:
        return statistics.median(self.days_to_fixed) if self.days_to_fixed else None


def chosen_walks(start: dt.date, end: dt.date, area_walk: Walk | None = None) -> list[Walk]:
    """Published walks that started in [start, end], inside area_walk's area when given."""
    # The days are the municipality's local days; walks are stored in UTC.
    zone = local_zone()
    first = dt.datetime.combine(start, dt.time.min, zone).astimezone(dt.UTC).replace(tzinfo=None)
    after = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, zone).astimezone(dt.UTC).replace(tzinfo=None)
    walks = db.session.scalars(
        select(Walk).where(Walk.published_at.is_not(None), Walk.starts_at >= first, Walk.starts_at < after)
        .order_by(Walk.starts_at, Walk.id)).all()
    if area_walk is not None:
        area = walk_rules(area_walk).area
        walks = [w for w in walks if area.covers(Point(w.center_lon, w.center_lat))]
    return walks


def report(start: dt.date, end: dt.date, area_walk: Walk | None = None) -> Report:
    walks = chosen_walks(start, end, area_walk)
    walk_ids = [w.id for w in walks]
    started = {w.id: w.starts_at for w in walks}
    rows = db.session.execute(
        select(Pin.location_id, Pin.walk_id, Pin.participant_id, Pin.rating, Pin.categories, Pin.light)
        .where(Pin.walk_id.in_(walk_ids), Pin.hidden.is_(False), Pin.location_id.is_not(None))).all() if walk_ids else []
    heard = {p for _, _, p, *_ in rows if p is not None}
    if walk_ids:
        heard |= set(db.session.scalars(select(Agreement.participant_id).where(
            Agreement.walk_id.in_(walk_ids), Agreement.hidden.is_(False))))
    by_place: dict[int, list] = defaultdict(list)
    for row in rows:
        by_place[row.location_id].append(row)
    locations = {loc.id: loc for loc in db.session.scalars(
        select(Location).where(Location.id.in_(list(by_place)), Location.merged_into_id.is_(None)))} if by_place else {}

    categories: Counter[str] = Counter()
    ratings: Counter[int] = Counter()
    lights: Counter[str] = Counter()
    statuses: Counter[str] = Counter()
    repeats = []
    for loc_id, pins in by_place.items():
        loc = locations.get(loc_id)
        if loc is None:
            continue
        categories.update({c for p in pins for c in (p.categories or ())})
        # The mean rounded half up (2.5 counts as 3), not to even as round() would.
        ratings[math.floor(sum(p.rating for p in pins) / len(pins) + 0.5)] += 1
        light = Counter(p.light for p in pins if p.light).most_common(1)
        if light:
            lights[light[0][0]] += 1
        statuses[loc.status] += 1
        unsafe_walks = {p.walk_id for p in pins if p.rating in vocab.UNSAFE_RATINGS}
        if len(unsafe_walks) >= 2:
            repeats.append(RepeatPlace(loc.id, loc.name, len(unsafe_walks), loc.status,
                                           loc.name_edited, loc.name_facts))

    fixed_at = dict(db.session.execute(
        select(AuditEvent.location_id, func.min(AuditEvent.created_at))
        .where(AuditEvent.location_id.in_(list(locations)), AuditEvent.field == "status", AuditEvent.new_value == FIXED)
        .group_by(AuditEvent.location_id)).all()) if locations else {}
    days = []
    for loc_id, when in fixed_at.items():
        if locations[loc_id].status != FIXED:
            continue  # set to Åtgärdad once, then taken back: not fixed
        found = min((started[p.walk_id] for p in by_place[loc_id] if started.get(p.walk_id)), default=None)
        if found is not None:
            days.append(max(0, (when - found).days))

    places = sum(statuses.values())
    return Report(
        start=start, end=end, walks=tuple((w.id, w.title, w.starts_at) for w in walks), participants=len(heard),
        places=places,
        by_category=dict(categories.most_common()),
        by_rating={r: ratings.get(r, 0) for r in vocab.RATINGS},
        by_light={k: lights.get(k, 0) for k in vocab.LIGHT},
        by_status={s.key: statuses.get(s.key, 0) for s in vocab.LOCATION_STATUS_SCALE},
        status_share={s.key: statuses.get(s.key, 0) / places if places else 0.0 for s in vocab.LOCATION_STATUS_SCALE},
        days_to_fixed=tuple(sorted(days)),
        repeat_unsafe=tuple(sorted(repeats, key=lambda r: (-r.walks, r.name))),
    )
