"""Walk helpers shared by the participant API, the leader pages and the CLI."""

from __future__ import annotations

import functools
import json
import re
import secrets

from sqlalchemy import select

from . import geo, vocab
from .extensions import db
from .models import RetiredJoinCode, Walk
from .pin_input import WalkRules


def normalise_code(code: str) -> str:
    """What a person typed, as a join code: upper case, no spaces or dashes."""
    return re.sub(r"[\s-]", "", code or "").upper()


def find_walk_by_code(code: str, *, retired: bool = False) -> Walk | None:
    """The walk with this join code, however it was typed; with retired=True also by a code it had before."""
    code = normalise_code(code)
    if len(code) != vocab.JOIN_CODE_LENGTH:
        return None
    walk = db.session.scalar(select(Walk).where(Walk.join_code == code))
    if walk is None and retired:
        walk = db.session.scalar(select(Walk).join(RetiredJoinCode, RetiredJoinCode.walk_id == Walk.id)
                                 .where(RetiredJoinCode.code == code))
    return walk


def is_retired_code(code: str) -> bool:
    """Whether a walk had this code before it was given a new one."""
    return db.session.get(RetiredJoinCode, normalise_code(code)) is not None


def new_join_code() -> str:
    """A join code no walk has or had: 6 characters without 0/O/1/I/L."""
    while True:
        code = "".join(secrets.choice(vocab.JOIN_CODE_ALPHABET) for _ in range(vocab.JOIN_CODE_LENGTH))
        taken = db.session.scalar(select(Walk.id).where(Walk.join_code == code))
        if taken is None and db.session.get(RetiredJoinCode, code) is None:
            return code


def give_new_code(walk: Walk) -> str:
    """Retire the walk's code (joined phones keep working with it) and give it a new one; returns the old."""
    old = walk.join_code
    db.session.add(RetiredJoinCode(code=old, walk_id=walk.id))
    walk.join_code = new_join_code()
    return old


def set_area(walk: Walk, area_geojson: dict) -> None:
    """Give the walk an area (validated) and put its centre at the area's centroid."""
    area = geo.parse_area(area_geojson)
    walk.area_geojson = json.dumps(area_geojson, separators=(",", ":"))
    c = area.representative_point() if not area.contains(area.centroid) else area.centroid
    walk.center_lat, walk.center_lon = round(c.y, 7), round(c.x, 7)


def walk_rules(walk: Walk) -> WalkRules:
    """What the walk accepts from a pin (the area's geometry is built once per distinct area)."""
    return WalkRules(
        area=_area(walk.area_geojson),
        category_keys=frozenset(walk.category_keys),
        stops=tuple(walk.stops or ()),
        center=(walk.center_lat, walk.center_lon),
    )


@functools.lru_cache(maxsize=256)
def _area(area_geojson: str):
    from shapely import prepare
    from shapely.geometry import shape

    geom = shape(json.loads(area_geojson))
    prepare(geom)  # contains() in pin_input is then fast
    return geom
