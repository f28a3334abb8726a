"""Walk helpers shared by the participant API, the leader pages and the CLI."""

from __future__ import annotations

import json
import re
import secrets

from sqlalchemy import select

from . import geo, vocab
from .extensions import db
from .models import Walk
from .pin_input import WalkRules


def normalise_code(code: str) -> str:
    """What a person typed, as a join code: upper case, no spaces or dashes."""
    return re.sub(r"[\s-]", "", code or "").upper()


def find_walk_by_code(code: str) -> Walk | None:
    """The walk with this join code, however it was typed."""
    code = normalise_code(code)
    if len(code) != vocab.JOIN_CODE_LENGTH:
        return None
    return db.session.scalar(select(Walk).where(Walk.join_code == code))


def new_join_code() -> str:
    """A join code no other walk has: 6 characters without 0/O/1/I/L."""
    while True:
        code = "".join(secrets.choice(vocab.JOIN_CODE_ALPHABET) for _ in range(vocab.JOIN_CODE_LENGTH))
        if db.session.scalar(select(Walk.id).where(Walk.join_code == code)) is None:
            return code


def set_area(walk: Walk, area_geojson: dict) -> None:
    """Give the walk an area (validated) and put its centre at the area's centroid."""
    area = geo.parse_area(area_geojson)
    walk.area_geojson = json.dumps(area_geojson, separators=(",", ":"))
    c = area.representative_point() if not area.contains(area.centroid) else area.centroid
    walk.center_lat, walk.center_lon = round(c.y, 7), round(c.x, 7)


def walk_rules(walk: Walk) -> WalkRules:
    """What the walk accepts from a pin."""
    return WalkRules(
        area=walk.area,
        category_keys=frozenset(walk.category_keys),
        stops=tuple(walk.stops or ()),
        center=(walk.center_lat, walk.center_lon),
    )
