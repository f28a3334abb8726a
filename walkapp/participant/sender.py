"""Who sends a pin, and what the pin needs of their walk: read in one query on every pin a phone sends.

Table columns, not ORM entities. Loading a Participant and a Walk through the Session cost about a
tenth of a pin's CPU under load (0.26 ms, benchmarks/api.py): the ORM's execution and loading, not
the number of columns.
What is read here is only for the checks a new pin goes through (walks.walk_rules, require_open,
lifecycle.takes_late_pin); whatever changes a walk or a participant loads the ORM objects.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields

from sqlalchemy import bindparam, func, select
from sqlalchemy.engine import Connection

from ..models import Agreement, Participant, Pin, Walk, WalkFacts


@dataclass(frozen=True, slots=True)
class WalkForPin(WalkFacts):
    """A walk's columns as a new pin is checked against them (read-only)."""

    id: int
    join_code: str
    status: str
    light: str | None
    area_geojson: str
    categories: list[dict[str, str]]
    stops: list[dict]
    center_lat: float
    center_lon: float
    early_opened_at: dt.datetime | None
    opened_at: dt.datetime | None
    closed_at: dt.datetime | None
    published_at: dt.datetime | None


@dataclass(frozen=True, slots=True)
class Sender:
    """The participant holding the token, with their walk."""

    id: int
    blocked_at: dt.datetime | None
    walk: WalkForPin

    @property
    def walk_id(self) -> int:
        return self.walk.id


@dataclass(frozen=True, slots=True)
class PinContext:
    """The sender, the id of a pin already stored in their walk under the sent client_id (a phone's
    retry), and how many pins and agreements they have (they count together against the cap)."""

    sender: Sender
    existing_id: int | None
    own_pins: int


_participants, _walks, _pins, _agreements = (m.__table__ for m in (Participant, Walk, Pin, Agreement))
_WALK_COLUMNS = [_walks.c[f.name] for f in fields(WalkForPin)]

# In one round trip, by the token's hash and the sent client_id.
_READ = (
    select(
        _participants.c.id,
        _participants.c.blocked_at,
        *_WALK_COLUMNS,
        select(_pins.c.id)
        .where(_pins.c.walk_id == _participants.c.walk_id, _pins.c.client_id == bindparam("client_id"))
        .scalar_subquery(),
        select(func.count()).select_from(_pins).where(_pins.c.participant_id == _participants.c.id).scalar_subquery()
        + select(func.count()).select_from(_agreements).where(_agreements.c.participant_id == _participants.c.id)
        .scalar_subquery(),
    )
    .join(_walks, _participants.c.walk_id == _walks.c.id)
    .where(_participants.c.token_hash == bindparam("token_hash"))
)


def read(connection: Connection, token_hash: str, client_id: str) -> PinContext | None:
    """The pin's context for this token, or None when no participant holds it."""
    row = connection.execute(_READ, {"token_hash": token_hash, "client_id": client_id}).one_or_none()
    if row is None:
        return None
    participant_id, blocked_at, *walk_values, existing_id, own_pins = row
    walk = WalkForPin(*walk_values)
    return PinContext(Sender(participant_id, blocked_at, walk), existing_id, own_pins)
