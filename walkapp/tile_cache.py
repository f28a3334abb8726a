"""Map tiles for our own tile route: their grid, the areas they may come from, the upstream server, and a
disk cache that asks the upstream for each tile at most once per lifetime, however many phones want it.

No Flask here. Across threads of one process a tile being fetched is waited for, not fetched again;
across processes (several app workers on one cache directory) a lock file made with O_EXCL does the
same, and every file appears whole or not at all (written aside, then renamed into place).
"""

from __future__ import annotations

import logging
import math
import os
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path

MAX_ZOOM = 19
# Metres per degree of latitude, near enough for margins around an area.
METRES_PER_DEGREE = 111_320.0
# An OpenStreetMap tile is 5–60 KB; anything far bigger is not a map tile.
MAX_TILE_BYTES = 1024 * 1024
log = logging.getLogger(__name__)


# --- The grid ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Box:
    """A rectangle in degrees (WGS84): south, west, north, east."""

    south: float
    west: float
    north: float
    east: float

    @classmethod
    def around(cls, lat: float, lon: float, metres: float) -> Box:
        """The square of `metres` each way around a point."""
        return cls(lat, lon, lat, lon).grown(metres)

    @classmethod
    def parse(cls, text: str) -> Box:
        """'south,west,north,east' as a Box, with a clear error for a wrong setting."""
        try:
            south, west, north, east = (float(part) for part in text.split(","))
        except ValueError:
            raise ValueError(f"WALKAPP_TILE_REGION must be 'south,west,north,east', got {text!r}") from None
        if not (-90 <= south < north <= 90 and -180 <= west < east <= 180):
            raise ValueError(f"WALKAPP_TILE_REGION is not a box south,west,north,east: {text!r}")
        return cls(south, west, north, east)

    def grown(self, metres: float) -> Box:
        """This box with `metres` added on every side."""
        dlat = metres / METRES_PER_DEGREE
        widest = max(abs(self.south), abs(self.north))
        dlon = metres / (METRES_PER_DEGREE * max(math.cos(math.radians(min(widest, 89.0))), 0.01))
        return Box(max(self.south - dlat, -90.0), max(self.west - dlon, -180.0),
                   min(self.north + dlat, 90.0), min(self.east + dlon, 180.0))

    def intersects(self, other: Box) -> bool:
        """True if the two boxes share any point (touching edges included)."""
        return (self.south <= other.north and other.south <= self.north
                and self.west <= other.east and other.west <= self.east)

    def leaflet(self) -> list[list[float]]:
        """As Leaflet's LatLngBounds: [[south, west], [north, east]]."""
        return [[round(self.south, 6), round(self.west, 6)], [round(self.north, 6), round(self.east, 6)]]


def box_of(geometry: dict) -> Box:
    """The bounding box of a GeoJSON geometry's coordinates."""
    lons: list[float] = []
    lats: list[float] = []

    def walk(value) -> None:
        if value and isinstance(value[0], (int, float)):
            lons.append(float(value[0]))
            lats.append(float(value[1]))
        else:
            for part in value:
                walk(part)

    walk(geometry["coordinates"])
    return Box(min(lats), min(lons), max(lats), max(lons))


def parse_tile(z: str, x: str, y: str) -> tuple[int, int, int] | None:
    """A tile address from the URL: ASCII digits, zoom 0–MAX_ZOOM, x and y inside that zoom's grid; else None."""
    if not all(part.isascii() and part.isdigit() and len(part) <= 7 for part in (z, x, y)):
        return None
    zoom, col, row = int(z), int(x), int(y)
    if zoom > MAX_ZOOM or col >= 2**zoom or row >= 2**zoom:
        return None
    return zoom, col, row


def tile_box(z: int, x: int, y: int) -> Box:
    """The ground a Web Mercator tile covers."""
    n = 2**z

    def lat(row: int) -> float:
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * row / n))))

    return Box(lat(y + 1), x / n * 360.0 - 180.0, lat(y), (x + 1) / n * 360.0 - 180.0)


# --- The upstream tile server -----------------------------------------------------------------------

class UpstreamError(Exception):
    """The upstream server did not give the tile; `status` is what our route answers (404, 502 or 504)."""

    def __init__(self, status: int, reason: str, *, repeated: bool = False):
        super().__init__(reason)
        self.status = status
        self.repeated = repeated  # the same failure as a moment ago: not worth another log line


class Upstream:
    """Fetches one tile from the configured server, saying who we are; after a failure to reach it,
    answers at once for `pause` seconds instead of tying up a worker per tile on a dead server."""

    def __init__(self, template: str, user_agent: str, *, timeout: float = 10.0, pause: float = 30.0):
        self.template = template
        self.user_agent = user_agent
        self.timeout = timeout
        self.pause = pause
        self._down_until = 0.0

    def url(self, z: int, x: int, y: int) -> str:
        """The upstream address of a tile ({s} is the first subdomain, {r} the normal resolution)."""
        return (self.template.replace("{z}", str(z)).replace("{x}", str(x)).replace("{y}", str(y))
                .replace("{s}", "a").replace("{r}", ""))

    def __call__(self, z: int, x: int, y: int) -> bytes:
        """The tile's bytes, or UpstreamError."""
        url = self.url(z, x, y)
        if not url.startswith(("http://", "https://")):
            raise UpstreamError(502, f"the tile address is not http(s): {url!r}")
        if time.monotonic() < self._down_until:
            raise UpstreamError(502, "the tile server failed a moment ago", repeated=True)
        request = urllib.request.Request(url, headers={"User-Agent": self.user_agent, "Accept": "image/png,image/*"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 (http(s) only, above)
                kind = response.headers.get_content_type()
                data = response.read(MAX_TILE_BYTES + 1)
        except urllib.error.HTTPError as err:
            err.close()
            if err.code in (404, 410):
                raise UpstreamError(404, f"no such tile upstream ({err.code})") from None
            raise UpstreamError(502, f"the tile server answered {err.code}") from None
        except TimeoutError:
            self._down_until = time.monotonic() + self.pause
            raise UpstreamError(504, "the tile server did not answer in time") from None
        except (urllib.error.URLError, OSError) as err:
            self._down_until = time.monotonic() + self.pause
            timed_out = isinstance(getattr(err, "reason", None), TimeoutError)
            raise UpstreamError(504 if timed_out else 502, f"the tile server is unreachable: {err}") from None
        if not kind.startswith("image/") or len(data) > MAX_TILE_BYTES or not data:
            raise UpstreamError(502, f"the tile server sent {kind}, {len(data)} bytes")
        return data


# --- The disk cache ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Tile:
    data: bytes
    fetched_at: float  # seconds since the epoch
    fresh: bool  # False: an expired copy, served because the upstream failed


class TileCache:
    """Tiles as files `<directory>/<z>/<x>/<y>.png`, at most `max_bytes` in all.

    A file's mtime is when it was fetched (it expires `lifetime` seconds later); its atime is when it
    was last served (set by us, not by the mount options), and the least recently served go first
    when the cache is full.
    """

    # How long a request waits for a tile another thread or process is fetching.
    WAIT = 20.0
    # A lock file older than this was left by a process that died while fetching.
    STALE_LOCK = 60.0
    # Recount the files now and then: other processes write to the same directory.
    RECOUNT_EVERY = 200
    # Mark a tile as served at most this often (each mark is a write to the disk).
    TOUCH_EVERY = 3600.0

    def __init__(self, directory: str | os.PathLike, *, max_bytes: int, lifetime: float,
                 fetch: Callable[[int, int, int], bytes]):
        self.directory = Path(directory)
        self.max_bytes = max_bytes
        self.lifetime = lifetime
        self.fetch = fetch
        self._lock = threading.Lock()
        self._inflight: dict[tuple[int, int, int], Future] = {}
        self._evicting = threading.Lock()
        self._total: int | None = None
        self._writes = 0

    def path(self, z: int, x: int, y: int) -> Path:
        return self.directory / str(z) / str(x) / f"{y}.png"

    def get(self, z: int, x: int, y: int) -> Tile:
        """The tile, from the disk while it is fresh, else fetched once (others asking meanwhile wait for it)."""
        kept = self._read(self.path(z, x, y))
        if kept is not None and kept.fresh:
            return kept
        key = (z, x, y)
        with self._lock:
            pending = self._inflight.get(key)
            mine = pending is None
            if mine:
                pending = self._inflight[key] = Future()
        if not mine:
            try:
                return pending.result(timeout=self.WAIT)
            except TimeoutError:
                raise UpstreamError(504, "waited too long for the tile") from None
        try:
            tile = self._fetch_between_processes(key, kept)
        except BaseException as err:
            pending.set_exception(err)
            raise
        else:
            pending.set_result(tile)
            return tile
        finally:
            with self._lock:
                del self._inflight[key]

    def _read(self, path: Path) -> Tile | None:
        try:
            stat = path.stat()
            data = path.read_bytes()
        except OSError:  # not there (or a cache folder gone wrong: fetched then, uncached)
            return None
        now = time.time()
        if now - stat.st_atime > self.TOUCH_EVERY:
            try:
                os.utime(path, (now, stat.st_mtime))
            except FileNotFoundError:
                pass  # evicted meanwhile; the bytes are already read
        return Tile(data, stat.st_mtime, now - stat.st_mtime < self.lifetime)

    def _fetch_between_processes(self, key: tuple[int, int, int], kept: Tile | None) -> Tile:
        path = self.path(*key)
        lock = path.with_name(path.name + ".lock")
        deadline = time.monotonic() + self.WAIT
        while True:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                os.close(os.open(lock, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))
                break
            except FileExistsError:
                if not path.parent.is_dir():
                    return self._uncached(key, f"{path.parent} is not a folder")
            except OSError as err:  # a full or read-only disk: the map still works, uncached
                return self._uncached(key, err)
            # Another process is fetching this tile: wait for its file, or for a dead one's lock to age.
            try:
                if time.time() - lock.stat().st_mtime > self.STALE_LOCK:
                    lock.unlink(missing_ok=True)
                    continue
            except FileNotFoundError:
                continue
            time.sleep(0.05)
            now_kept = self._read(path)
            if now_kept is not None and now_kept.fresh:
                return now_kept
            if time.monotonic() > deadline:
                if kept is not None:
                    return kept
                raise UpstreamError(504, "waited too long for the tile")
        try:
            # The process that held the lock a moment ago may have fetched it.
            now_kept = self._read(path)
            if now_kept is not None and now_kept.fresh:
                return now_kept
            try:
                data = self.fetch(*key)
            except UpstreamError as err:
                if kept is not None and err.status != 404:
                    return kept  # an old map is better than none
                raise
            try:
                fetched_at = self._write(path, data)
            except OSError as err:
                log.warning("Tile cache %s is not writable: %s", self.directory, err)
                fetched_at = time.time()
            return Tile(data, fetched_at, True)
        finally:
            lock.unlink(missing_ok=True)

    def _uncached(self, key: tuple[int, int, int], why) -> Tile:
        log.warning("Tile cache %s is not writable: %s", self.directory, why)
        return Tile(self.fetch(*key), time.time(), True)

    def _write(self, path: Path, data: bytes) -> float:
        aside = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        try:
            with open(aside, "wb") as f:
                f.write(data)
            try:
                old = path.stat().st_size
            except FileNotFoundError:
                old = 0
            os.replace(aside, path)
        except OSError:
            aside.unlink(missing_ok=True)
            raise
        self._account(len(data) - old)
        return path.stat().st_mtime

    # --- Size limit: the least recently served tiles go first -----------------------------------------

    def _files(self) -> Iterable[tuple[float, int, str]]:
        for root, _dirs, names in os.walk(self.directory):
            for name in names:
                if name.endswith(".png") and not name.startswith("."):
                    full = os.path.join(root, name)
                    try:
                        stat = os.stat(full)
                    except FileNotFoundError:
                        continue
                    yield stat.st_atime, stat.st_size, full

    def size(self) -> int:
        """The bytes of all tiles on the disk now."""
        return sum(size for _atime, size, _path in self._files())

    def _account(self, added: int) -> None:
        with self._lock:
            self._writes += 1
            if self._total is not None and self._writes % self.RECOUNT_EVERY:
                self._total += added
                if self._total <= self.max_bytes:
                    return
        self.evict()

    def evict(self) -> int:
        """Count the tiles on the disk and, above the limit, delete the least recently served down to 90 %
        of it. Returns the bytes kept."""
        with self._evicting:
            files = sorted(self._files())
            total = sum(size for _atime, size, _path in files)
            if total > self.max_bytes:
                goal = self.max_bytes * 0.9
                for _atime, size, full in files:
                    if total <= goal:
                        break
                    try:
                        os.unlink(full)
                    except FileNotFoundError:
                        pass
                    total -= size
            with self._lock:
                self._total = total
            return total
