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
