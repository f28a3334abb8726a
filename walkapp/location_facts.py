"""What a location's pins add up to: figures, a priority with its reasons, a suggested name.

No Flask and no database: works on PinFact records so it can be tested and benchmarked alone.

Priority (0–100), shown with its reasons:

    priority = 100 × severity × reach × darkness

    severity = mean over the pins of the rating's severity  1 when all say Mycket otryggt, 0 when all Mycket tryggt
                                                            (vocab.RATING_SCALE: 1, 2/3, 1/3, 0)
    reach    = 0.3 + 0.7 × min(1, people / walkers)        how many of those who walked there noticed it
    darkness = (1 + 0.2 × share of pins in darkness or dusk) / 1.2

A place that one youth found very unsafe in daylight scores about 25; one that most of the group
found very unsafe in the dark scores close to 100. Places with only safe ratings (3–4) are listed
apart as "trygga platser" and get no priority.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from . import vocab
from .geo import LocalProjection

NAME_STOP_RADIUS_M = 150.0


@dataclass(frozen=True)
class PinFact:
    """The parts of a pin that a location's figures are made of."""

    id: int
    walk_id: int
    author: str  # "p:<participant id>" or "u:<user id>": distinct people, never who they are
    rating: int
    categories: tuple[str, ...]
    light: str | None
    lat: float
    lon: float
    comment: str | None = None
    has_photo: bool = False
    created_at: dt.datetime | None = None
    agrees: bool = False  # an agreement with a pin ("Jag håller med"), at the pin's place, not a pin


def agreement_fact(pin: PinFact, author: str, rating: int | None, comment: str | None,
                   created_at: dt.datetime | None) -> PinFact:
    """Another participant's voice on a pin: the pin's place, categories and light, its own rating
    (or the pin's when the youth kept it) and words."""
    return PinFact(id=pin.id, walk_id=pin.walk_id, author=author, rating=rating if rating is not None else pin.rating,
                   categories=pin.categories, light=pin.light, lat=pin.lat, lon=pin.lon, comment=comment,
                   created_at=created_at, agrees=True)


@dataclass(frozen=True)
class Figures:
    """A location's derived figures."""

    pin_count: int  # pins only; agreements are counted apart but weigh in everything else
    people: int
    mean_rating: float
    unsafe_share: float
    category_counts: dict[str, int]
    light_counts: dict[str, int]
    first: dt.datetime | None
    last: dt.datetime | None
    agreements: int = 0

    @property
    def only_safe(self) -> bool:
        return self.pin_count > 0 and self.unsafe_share == 0

    @property
    def dominant_category(self) -> str | None:
        return max(self.category_counts, key=lambda k: (self.category_counts[k], -_order(k))) if self.category_counts else None


def _order(key: str) -> int:
    keys = list(vocab.CATEGORIES)
    return keys.index(key) if key in keys else len(keys)


class Counted(Protocol):
    """What figures() reads of a pin: a PinFact, or any row with these attributes."""

    author: str
    rating: int
    categories: Sequence[str]
    light: str | None
    created_at: dt.datetime | None
    agrees: bool


def figures(pins: Sequence[Counted]) -> Figures:
    """Count and average a location's voices: its pins and the agreements with them."""
    n = len(pins)
    agreements = sum(p.agrees for p in pins)
    cats: Counter[str] = Counter(c for p in pins for c in p.categories)
    lights: Counter[str] = Counter(p.light for p in pins if p.light)
    times = [p.created_at for p in pins if p.created_at]
    return Figures(
        pin_count=n - agreements,
        agreements=agreements,
        people=len({p.author for p in pins}),
        mean_rating=sum(p.rating for p in pins) / n if n else 0.0,
        unsafe_share=sum(p.rating in vocab.UNSAFE_RATINGS for p in pins) / n if n else 0.0,
        category_counts=dict(cats.most_common()),
        light_counts=dict(lights.most_common()),
        first=min(times) if times else None,
        last=max(times) if times else None,
    )


def photo_order(fact: PinFact) -> tuple:
    """Sort key putting a location's best photo first: the most unsafe rating, with words, the latest."""
    stamp = fact.created_at.timestamp() if fact.created_at else 0.0
    return (fact.rating, fact.comment is None, -stamp, fact.id)


@dataclass(frozen=True)
class Priority:
    score: float
    reasons: list[str]  # Swedish, plain: "7 av 12 deltagare", "mest Mycket otryggt", "i mörker"


def priority(pins: list[PinFact], walkers: int) -> Priority:
    """The documented priority score and the reasons to show beside it."""
    if not pins:
        return Priority(0.0, [])
    f = figures(pins)
    if f.only_safe:
        return Priority(0.0, [f"{f.people} av {max(walkers, f.people)} deltagare", "bara trygga svar"])
    severity = sum(vocab.RATING[p.rating].severity for p in pins) / len(pins)
    walkers = max(walkers, f.people, 1)
    reach = 0.3 + 0.7 * min(1.0, f.people / walkers)
    dark_share = sum(p.light in ("morker", "skymning") for p in pins) / len(pins)
    darkness = (1 + 0.2 * dark_share) / 1.2
    score = round(100 * severity * reach * darkness, 1)
    reasons = [f"{f.people} av {walkers} deltagare"]
    ratings = Counter(p.rating for p in pins)
    top = min(ratings, key=lambda r: (-ratings[r], r))
    reasons.append("mest " + vocab.RATINGS[top])
    dark = Counter(p.light for p in pins if p.light in ("morker", "skymning"))
    if dark_share >= 0.5:
        reasons.append("i mörker" if dark.get("morker", 0) >= dark.get("skymning", 0) else "i skymning")
    return Priority(score, reasons)


_DIRECTIONS = ["öster", "nordost", "norr", "nordväst", "väster", "sydväst", "söder", "sydost"]


def suggested_name(pins: list[PinFact], stops: list[dict], category_label, number: int) -> str:
    """'Belysning – vid Stopp 3', or '… – 120 m norr om Stopp 2', or '… – plats 4' without stops."""
    f = figures(pins)
    key = f.dominant_category
    what = category_label(key) if key else "Plats"
    if f.only_safe:
        what = "Tryggt: " + what if key else "Trygg plats"
    if not pins:
        return what
    lat = sum(p.lat for p in pins) / len(pins)
    lon = sum(p.lon for p in pins) / len(pins)
    where = _near_stop(lat, lon, stops)
    return f"{what} – {where}" if where else f"{what} – plats {number}"


def _near_stop(lat: float, lon: float, stops: list[dict]) -> str | None:
    if not stops:
        return None
    proj = LocalProjection(lat, lon)
    best = None
    for stop in stops:
        x, y = proj.forward(stop["lat"], stop["lon"])
        d = math.hypot(float(x), float(y))
        if best is None or d < best[0]:
            best = (d, stop["name"], float(x), float(y))
    d, name, x, y = best
    if d <= 40:
        return f"vid {name}"
    if d <= NAME_STOP_RADIUS_M * 3:
        # Direction from the stop to the place.
        angle = math.degrees(math.atan2(-y, -x)) % 360
        direction = _DIRECTIONS[int(((angle + 22.5) % 360) // 45)]
        return f"{int(round(d, -1))} m {direction} om {name}"
    return None
