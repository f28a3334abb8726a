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
from .vocab import N_
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
    # What the reasons say, as values: {"people": 7, "walkers": 12, "rating": 1, "light": "morker"}, or
    # {"people": 2, "walkers": 12, "only_safe": True}; reasons() turns them into words.
    facts: dict

    @property
    def reasons(self) -> list[str]:
        """The reasons in Swedish, the source language."""
        return reasons(self.facts)


def priority(pins: list[PinFact], walkers: int) -> Priority:
    """The documented priority score and the facts its reasons are said from."""
    if not pins:
        return Priority(0.0, {})
    f = figures(pins)
    if f.only_safe:
        return Priority(0.0, {"people": f.people, "walkers": max(walkers, f.people), "only_safe": True})
    severity = sum(vocab.RATING[p.rating].severity for p in pins) / len(pins)
    walkers = max(walkers, f.people, 1)
    reach = 0.3 + 0.7 * min(1.0, f.people / walkers)
    dark_share = sum(p.light in ("morker", "skymning") for p in pins) / len(pins)
    darkness = (1 + 0.2 * dark_share) / 1.2
    score = round(100 * severity * reach * darkness, 1)
    ratings = Counter(p.rating for p in pins)
    top = min(ratings, key=lambda r: (-ratings[r], r))
    dark = Counter(p.light for p in pins if p.light in ("morker", "skymning"))
    light = None
    if dark_share >= 0.5:
        light = "morker" if dark.get("morker", 0) >= dark.get("skymning", 0) else "skymning"
    return Priority(score, {"people": f.people, "walkers": walkers, "rating": top, "light": light})


# --- saying the facts -------------------------------------------------------------------------
# The sentences are Swedish source strings: the database keeps the Swedish rendering (for search,
# sorting and older readers) and pages pass the viewer's gettext/ngettext (walkapp/location_text.py).

def _source_gettext(text: str) -> str:
    return text


def _source_ngettext(singular: str, plural: str, num: int) -> str:
    return singular if num == 1 else plural


def reasons(facts: dict | None, gettext=_source_gettext, ngettext=_source_ngettext) -> list[str]:
    """A priority's reasons in words: '7 av 12 deltagare', 'mest Mycket otryggt', 'i mörker'."""
    if not facts:
        return []
    walkers = int(facts.get("walkers") or 0)
    out = [ngettext("%(people)d av %(num)d deltagare", "%(people)d av %(num)d deltagare", walkers)
           % {"people": int(facts.get("people") or 0), "num": walkers}]
    if facts.get("only_safe"):
        out.append(gettext("bara trygga svar"))
        return out
    if facts.get("rating") in vocab.RATINGS:
        out.append(gettext("mest %(rating)s") % {"rating": gettext(vocab.RATINGS[facts["rating"]])})
    if facts.get("light") == "morker":
        out.append(gettext("i mörker"))
    elif facts.get("light") == "skymning":
        out.append(gettext("i skymning"))
    return out


# Compass points from a stop to a place, counter-clockwise from east (the order of atan2's angle).
DIRECTIONS = {"e": N_("öster"), "ne": N_("nordost"), "n": N_("norr"), "nw": N_("nordväst"),
              "w": N_("väster"), "sw": N_("sydväst"), "s": N_("söder"), "se": N_("sydost")}


def name_facts(pins: list[PinFact], stops: list[dict], category_label, number: int) -> dict:
    """What a suggested name is made of: the main category (key and label), whether the place felt
    safe, and where it is: at a stop, a distance and direction from one, or its number."""
    f = figures(pins)
    key = f.dominant_category
    facts: dict = {"category": key, "label": category_label(key) if key else None, "safe": f.only_safe,
                   "number": number}
    if not pins:
        facts["where"] = None
        return facts
    lat = sum(p.lat for p in pins) / len(pins)
    lon = sum(p.lon for p in pins) / len(pins)
    facts.update(_near_stop(lat, lon, stops) or {"where": "number"})
    return facts


def name_text(facts: dict, gettext=_source_gettext) -> str:
    """'Belysning – vid Stopp 3', '… – 120 m norr om Stopp 2', '… – plats 4', 'Tryggt: …', 'Trygg plats'."""
    label = facts.get("label")
    if label:
        what = gettext(label)
        if facts.get("safe"):
            what = gettext("Tryggt: %(category)s") % {"category": what}
    else:
        what = gettext("Trygg plats") if facts.get("safe") else gettext("Plats")
    where = facts.get("where")
    if where == "at":
        return gettext("%(what)s – vid %(stop)s") % {"what": what, "stop": facts.get("stop", "")}
    if where == "near" and facts.get("direction") in DIRECTIONS:
        return gettext("%(what)s – %(distance)d m %(direction)s om %(stop)s") % {
            "what": what, "distance": int(facts.get("distance_m") or 0),
            "direction": gettext(DIRECTIONS[facts["direction"]]), "stop": facts.get("stop", "")}
    if where == "number":
        return gettext("%(what)s – plats %(number)d") % {"what": what, "number": int(facts.get("number") or 0)}
    return what


def suggested_name(pins: list[PinFact], stops: list[dict], category_label, number: int) -> str:
    """'Belysning – vid Stopp 3', or '… – 120 m norr om Stopp 2', or '… – plats 4' without stops (Swedish)."""
    return name_text(name_facts(pins, stops, category_label, number))


def _near_stop(lat: float, lon: float, stops: list[dict]) -> dict | None:
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
        return {"where": "at", "stop": name}
    if d <= NAME_STOP_RADIUS_M * 3:
        # Direction from the stop to the place.
        angle = math.degrees(math.atan2(-y, -x)) % 360
        direction = list(DIRECTIONS)[int(((angle + 22.5) % 360) // 45)]
        return {"where": "near", "stop": name, "distance_m": int(round(d, -1)), "direction": direction}
    return None
