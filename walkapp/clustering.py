"""From pins to locations: group a walk's pins and decide which location each group belongs to.

No Flask and no database here: plain arrays and dataclasses in, plain decisions out. The exact
DBSCAN lives in clustering_dbscan.py; this module adds the rules that make locations persist.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from shapely import MultiPoint, Polygon, transform
from shapely.geometry import mapping, shape

from .clustering_dbscan import dbscan
from .geo import LocalProjection

FOOTPRINT_BUFFER_M = 10.0


@dataclass(frozen=True)
class KnownLocation:
    """A location that already exists: where it is, and its footprint (GeoJSON in lon/lat) if any."""

    id: int
    lat: float
    lon: float
    footprint: dict | None = None


def group_pins(lat, lon, eps_m: float, min_samples: int) -> list[np.ndarray]:
    """Indices of pins that form one place each: DBSCAN clusters, then every noise pin alone.

    Noise pins become single-pin groups so that no concern is dropped. Groups come out in a stable
    order (clusters by label, then noise by index).
    """
    lat = np.asarray(lat, dtype=float)
    lon = np.asarray(lon, dtype=float)
    if lat.size == 0:
        return []
    labels = dbscan(lat, lon, eps_m, min_samples)
    groups = [np.flatnonzero(labels == k) for k in range(int(labels.max()) + 1)] if labels.max() >= 0 else []
    groups += [np.array([i]) for i in np.flatnonzero(labels == -1)]
    return groups


def match_groups(groups: list[np.ndarray], lat, lon, current: list[int | None], known: list[KnownLocation],
                 eps_m: float) -> list[int | None]:
    """For each group, the id of the location it should join, or None for a new one.

    1. A group whose pins already belong to locations keeps the one most of them are in (so
       running again changes nothing staff made); a location is kept by one group only, the
       group with most of its pins.
    2. Otherwise the group joins the nearest known location whose footprint (or centre) lies
       within eps of the group's pins: a follow-up walk adds to the same place.
    3. Otherwise it gets a new location.
    """
    lat = np.asarray(lat, dtype=float)
    lon = np.asarray(lon, dtype=float)
    result: list[int | None] = [None] * len(groups)
    claims: dict[int, tuple[int, int]] = {}  # location id → (pins of the group, group index)
    for g, idx in enumerate(groups):
        ids = [current[i] for i in idx if current[i] is not None]
        if not ids:
            continue
        values, counts = np.unique(ids, return_counts=True)
        best = int(values[np.lexsort((values, -counts))[0]])
        count = int(counts.max())
        if best not in claims or claims[best][0] < count:
            claims[best] = (count, g)
    for location_id, (_count, g) in claims.items():
        result[g] = location_id

    if not known:
        return result
    proj = LocalProjection.around(lat, lon) if lat.size else LocalProjection(0.0, 0.0)
    shapes = [_known_shape(k, proj) for k in known]
    for g, idx in enumerate(groups):
        if result[g] is not None:
            continue
        x, y = proj.forward(lat[idx], lon[idx])
        hull = MultiPoint(np.column_stack([x, y])).convex_hull
        near = [(hull.distance(s), k.id) for k, s in zip(known, shapes) if hull.distance(s) <= eps_m]
        if near:
            result[g] = min(near)[1]
    return result


def _known_shape(location: KnownLocation, proj: LocalProjection):
    def fwd(coords):
        x, y = proj.forward(coords[:, 1], coords[:, 0])
        return np.column_stack([x, y])

    if location.footprint:
        return transform(shape(location.footprint), fwd)
    x, y = proj.forward([location.lat], [location.lon])
    return MultiPoint([(float(x[0]), float(y[0]))])


def centroid(lat, lon) -> tuple[float, float]:
    """The mean position of a location's pins."""
    return float(np.mean(lat)), float(np.mean(lon))


def footprint(lat, lon, buffer_m: float = FOOTPRINT_BUFFER_M) -> dict:
    """The buffered hull of the pins as a GeoJSON Polygon in lon/lat, for the map."""
    lat = np.asarray(lat, dtype=float)
    lon = np.asarray(lon, dtype=float)
    proj = LocalProjection(float(lat.mean()), float(lon.mean()))
    x, y = proj.forward(lat, lon)
    area = MultiPoint(np.column_stack([x, y])).convex_hull.buffer(buffer_m, quad_segs=4)
    assert isinstance(area, Polygon)

    def back(coords):
        la, lo = proj.inverse(coords[:, 0], coords[:, 1])
        return np.column_stack([np.round(lo, 7), np.round(la, 7)])

    return mapping(transform(area, back))
