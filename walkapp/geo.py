"""Geometry on the ground: a local metric projection, distances, walk areas.

No Flask here. Coordinates are WGS84 degrees (lat, lon) at the edges of this module and metres
(x east, y north) inside it, through a projection centred on the data.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

# WGS84 ellipsoid.
_A = 6_378_137.0
_F = 1 / 298.257223563
_E2 = _F * (2 - _F)


@dataclass(frozen=True)
class LocalProjection:
    """An equirectangular projection around (lat0, lon0) using the ellipsoid's curvature radii there.

    x = Δλ·N·cos φ₀ and y = Δφ·M, where M and N are the meridional and prime-vertical radii of
    curvature at φ₀: within a few kilometres of the centre this is within 0.1 % of the geodesic
    distance, far below phone GPS error, and it keeps everything a cheap numpy expression.
    """

    lat0: float
    lon0: float

    @classmethod
    def around(cls, lat, lon) -> "LocalProjection":
        """A projection centred on the mean of the given coordinates (a town-scale data set)."""
        lat = np.asarray(lat, dtype=float)
        lon = np.asarray(lon, dtype=float)
        if lat.size == 0:
            return cls(0.0, 0.0)
        return cls(float(lat.mean()), float(lon.mean()))

    @property
    def _scale(self) -> tuple[float, float]:
        phi = math.radians(self.lat0)
        w = math.sqrt(1 - _E2 * math.sin(phi) ** 2)
        m = _A * (1 - _E2) / w**3
        n = _A / w
        return math.radians(1) * n * math.cos(phi), math.radians(1) * m

    def forward(self, lat, lon) -> tuple[np.ndarray, np.ndarray]:
        """Degrees to metres east (x) and north (y) of the centre."""
        kx, ky = self._scale
        x = (np.asarray(lon, dtype=float) - self.lon0) * kx
        y = (np.asarray(lat, dtype=float) - self.lat0) * ky
        return x, y

    def inverse(self, x, y) -> tuple[np.ndarray, np.ndarray]:
        """Metres east and north of the centre back to (lat, lon) degrees."""
        kx, ky = self._scale
        lat = np.asarray(y, dtype=float) / ky + self.lat0
        lon = np.asarray(x, dtype=float) / kx + self.lon0
        return lat, lon


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Distance in metres between two nearby points (town scale)."""
    proj = LocalProjection((lat1 + lat2) / 2, (lon1 + lon2) / 2)
    x, y = proj.forward([lat1, lat2], [lon1, lon2])
    return float(math.hypot(x[1] - x[0], y[1] - y[0]))


def circle_area(lat: float, lon: float, radius_m: float, segments: int = 64) -> dict:
    """A GeoJSON Polygon approximating a circle of radius_m metres around (lat, lon)."""
    proj = LocalProjection(lat, lon)
    angles = np.linspace(0, 2 * np.pi, segments, endpoint=False)
    plat, plon = proj.inverse(radius_m * np.cos(angles), radius_m * np.sin(angles))
    ring = [[round(float(x), 7), round(float(y), 7)] for x, y in zip(plon, plat)]
    ring.append(ring[0])
    return {"type": "Polygon", "coordinates": [ring]}


def _projected(geom, proj: LocalProjection):
    from shapely import transform

    def fwd(coords):
        x, y = proj.forward(coords[:, 1], coords[:, 0])
        return np.column_stack([x, y])

    return transform(geom, fwd)


def distance_to_area_m(area, lat: float, lon: float) -> float:
    """How far (metres) a point lies outside an area given as a shapely geometry in lon/lat; 0 inside."""
    import shapely
    from shapely.geometry import Point

    if shapely.contains_xy(area, lon, lat):  # no Point made for the common case, a pin inside
        return 0.0
    proj = LocalProjection(lat, lon)
    return float(_projected(area, proj).distance(Point(0.0, 0.0)))


def parse_area(geojson: dict):
    """A walk area from GeoJSON: a valid, non-empty Polygon in lon/lat, else ValueError."""
    from shapely.geometry import shape

    if not isinstance(geojson, dict) or geojson.get("type") != "Polygon":
        raise ValueError("area must be a GeoJSON Polygon")
    rings = geojson.get("coordinates")
    if (not isinstance(rings, list) or not rings or len(rings) > 50
            or not all(isinstance(ring, list) and 4 <= len(ring) <= 5000 for ring in rings)
            or not all(_is_position(p) for ring in rings for p in ring)):
        raise ValueError("area coordinates must be rings of [lon, lat] numbers")
    try:
        geom = shape(geojson)
    except Exception as e:  # shapely/GEOS raise several kinds for odd input
        raise ValueError(f"not a polygon: {e}") from None
    if geom.is_empty or not geom.is_valid or geom.area == 0:
        raise ValueError("area is empty or self-intersecting")
    minx, miny, maxx, maxy = geom.bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise ValueError("area outside WGS84 range")
    return geom


def _is_position(p) -> bool:
    """[lon, lat] as two finite numbers (a JSON boolean is not a number)."""
    return (isinstance(p, list) and len(p) == 2
            and all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in p))


def area_size_m2(area) -> float:
    """The area's size in square metres."""
    c = area.centroid
    return float(_projected(area, LocalProjection(c.y, c.x)).area)
