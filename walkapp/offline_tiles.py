"""Which map tiles a phone keeps for offline use on a walk: the walk's area (plus a little margin) at
zoom MIN_ZOOM and up, as many zoom levels as fit in the configured maximum number of tiles. The
service worker (sw.js) turns the same bounds and zooms into tile addresses with the same formula as
tile_range() here, and fetches them through our own tile route, so the upstream sees each tile once
whatever the number of phones. No Flask here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .tile_cache import MAX_ZOOM, Box

MIN_ZOOM = 14
TOP_ZOOM = 18
# Around the area, so the edge of the walk is not the edge of the map.
MARGIN_M = 100
# What a map tile weighs when there is nothing measured yet (OpenStreetMap's are 5–60 KB).
TYPICAL_TILE_BYTES = 20_000


@dataclass(frozen=True)
class Plan:
    south: float
    west: float
    north: float
    east: float
    min_zoom: int
    max_zoom: int
    tiles: int

    def json(self) -> dict:
        return {"bounds": [[self.south, self.west], [self.north, self.east]], "zooms": [self.min_zoom, self.max_zoom],
                "tiles": self.tiles}


def tile_range(box: Box, z: int) -> tuple[int, int, int, int]:
    """The tile columns and rows (x0, x1, y0, y1, inclusive) that cover the box at zoom z."""
    n = 2**z

    def col(lon: float) -> int:
        return min(n - 1, max(0, math.floor((lon + 180.0) / 360.0 * n)))

    def row(lat: float) -> int:
        lat = max(min(lat, 85.0511), -85.0511)
        rad = math.radians(lat)
        return min(n - 1, max(0, math.floor((1 - math.asinh(math.tan(rad)) / math.pi) / 2 * n)))

    return col(box.west), col(box.east), row(box.north), row(box.south)


def count(box: Box, z: int) -> int:
    x0, x1, y0, y1 = tile_range(box, z)
    return (x1 - x0 + 1) * (y1 - y0 + 1)


def plan(area: Box, limit: int) -> Plan | None:
    """The area's tiles from MIN_ZOOM up to the deepest zoom (≤ TOP_ZOOM) that keeps the total within
    `limit`; None when even MIN_ZOOM alone would not fit (or limit is 0: pre-fetching is off)."""
    box = area.grown(MARGIN_M)
    total, deepest = 0, None
    for z in range(MIN_ZOOM, min(TOP_ZOOM, MAX_ZOOM) + 1):
        if total + count(box, z) > limit:
            break
        total += count(box, z)
        deepest = z
    if deepest is None:
        return None
    r = 6
    return Plan(round(box.south, r), round(box.west, r), round(box.north, r), round(box.east, r), MIN_ZOOM, deepest, total)
