"""Who is heard: how a walk's voices (pins and "Jag håller med") are spread over its participants.

Brå warns that a small group may speak for everyone. The rule, stated wherever it is shown: in a walk
where at least MIN_PARTICIPANTS participants were heard, when the TOP most active gave more than
SHARE of the voices, a few voices dominate. Staff pins and hidden ones do not count. No Flask here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select

from .extensions import db
from .models import Agreement, Pin

TOP = 3
MIN_PARTICIPANTS = 8
SHARE = 0.5


@dataclass(frozen=True)
class Spread:
    """Voices per participant who gave any, most first, as (participant id, count)."""

    counts: tuple[tuple[int, int], ...]

    @property
    def participants(self) -> int:
        return len(self.counts)

    @property
    def voices(self) -> int:
        return sum(n for _, n in self.counts)

    @property
    def top_share(self) -> float:
        """The share of the voices the TOP most active gave (0 when there are none)."""
        return sum(n for _, n in self.counts[:TOP]) / self.voices if self.voices else 0.0

    @property
    def dominated(self) -> bool:
        return self.participants >= MIN_PARTICIPANTS and self.top_share > SHARE


def spread(authors: Iterable[int]) -> Spread:
    """The spread of voices, one participant id per voice."""
    counted = Counter(authors)
    return Spread(tuple(sorted(counted.items(), key=lambda kv: (-kv[1], kv[0]))))


def of_walk(walk_id: int) -> Spread:
    """The walk's visible pins and agreements by participant."""
    pins = db.session.scalars(select(Pin.participant_id).where(
        Pin.walk_id == walk_id, Pin.hidden.is_(False), Pin.participant_id.is_not(None)))
    agreed = db.session.scalars(select(Agreement.participant_id).where(
        Agreement.walk_id == walk_id, Agreement.hidden.is_(False)))
    return spread([*pins, *agreed])
