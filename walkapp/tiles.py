"""Map tiles through our own server, so no phone asks another site for anything.

The server fetches each tile once from TILE_URL, keeps it on disk (tile_cache) and serves it from
/tiles/{z}/{x}/{y}.png. It is not an open proxy: anyone gets tiles around the walks a participant can
see (open, just closed, or with published feedback) plus TILE_MARGIN_M; logged-in staff get every tile
of TILE_REGION so a leader can draw a new walk's area. Everything else is 404.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from importlib.metadata import PackageNotFoundError, version

from flask import Blueprint, Flask, current_app, request, url_for
from flask_login import current_user
from sqlalchemy import and_, or_, select

from . import tile_cache, vocab
from .extensions import db
from .models import Walk, utcnow
from .tile_cache import Box

bp = Blueprint("tiles", __name__)

# The grid the public may see: the walk's streets, not the whole country at a glance.
PUBLIC_ZOOMS = range(12, tile_cache.MAX_ZOOM + 1)
# Without TILE_REGION staff get this far around DEFAULT_CENTER each way (a municipality).
REGION_DEFAULT_M = 30_000
# How long the walks' boxes are trusted before the database is asked again, and how soon a tile
# outside them makes us look again (a walk opened a moment ago).
BOXES_TTL = 60.0
BOXES_RECHECK = 3.0
CACHE_KEY = "walkapp_tiles"


def install(app: Flask) -> None:
    """Set up the tile cache and the upstream for this app (nothing touches the disk or the network yet)."""
    cfg = app.config
    contact = cfg["TILE_CONTACT"] or cfg["CONTACT_EMAIL"]
    try:
        ours = version("walkapp")
    except PackageNotFoundError:  # run from a checkout that was never installed
        ours = "0"
    upstream = tile_cache.Upstream(cfg["TILE_URL"], f"Trygghetsvandring/{ours} (+{contact})",
                                   timeout=cfg["TILE_TIMEOUT_SECONDS"])
    cache = tile_cache.TileCache(cfg["TILE_CACHE_DIR"], max_bytes=int(cfg["TILE_CACHE_MB"] * 1024 * 1024),
                                 lifetime=cfg["TILE_CACHE_DAYS"] * 86400, fetch=upstream)
    center = cfg["DEFAULT_CENTER_LATLON"]
    region = Box.parse(cfg["TILE_REGION"]) if cfg["TILE_REGION"] else Box.around(*center, REGION_DEFAULT_M)
    app.extensions[CACHE_KEY] = {"cache": cache, "region": region, "boxes": (float("-inf"), [])}
    app.register_blueprint(bp)
    app.add_template_global(url_template, "tile_url")


def url_template() -> str:
    """Our tile address for Leaflet: /tiles/{z}/{x}/{y}.png under wherever the app is mounted."""
    return url_for("tiles.tile", z="0", x="0", y="0").removesuffix("/0/0/0.png") + "/{z}/{x}/{y}.png"


def walk_bounds(area_geojson: str) -> list[list[float]]:
    """The tiles a phone on this walk may load, as Leaflet bounds: the area plus the margin, a hair inside
    what the server allows so rounding never asks for a tile it refuses."""
    margin = current_app.config["TILE_MARGIN_M"]
    return tile_cache.box_of(json.loads(area_geojson)).grown(max(margin - 10, 0)).leaflet()


@bp.get("/tiles/<z>/<x>/<y>.png")
def tile(z: str, x: str, y: str):
    """A map tile near a walk (or anywhere in the region for staff), from our cache or fetched once."""
    address = tile_cache.parse_tile(z, x, y)
    if address is None or not _allowed(*address):
        return _empty(404)
    state = current_app.extensions[CACHE_KEY]
    try:
        found = state["cache"].get(*address)
    except tile_cache.UpstreamError as err:
        if err.status != 404 and not err.repeated:
            current_app.logger.warning("Tile %s/%s/%s: %s", *address, err)
        return _empty(err.status)
    response = current_app.response_class(found.data, mimetype="image/png")
    left = state["cache"].lifetime - (time.time() - found.fetched_at)
    # Private: who may see a tile depends on the login; the phone keeps it as long as we do.
    response.headers["Cache-Control"] = f"private, max-age={max(int(left), 0) if found.fresh else 300}"
    response.last_modified = dt.datetime.fromtimestamp(int(found.fetched_at), dt.timezone.utc)
    response.set_etag(f"{int(found.fetched_at)}-{len(found.data)}")
    return response.make_conditional(request)


def _empty(status: int):
    response = current_app.response_class(b"", status=status, mimetype="text/plain")
    response.headers["Cache-Control"] = "no-store"
    return response


def _allowed(z: int, x: int, y: int) -> bool:
    """Whether this tile may be served to whoever asks."""
    ground = tile_cache.tile_box(z, x, y)
    state = current_app.extensions[CACHE_KEY]
    if current_user.is_authenticated and ground.intersects(state["region"]):
        return True
    if z not in PUBLIC_ZOOMS and not current_user.is_authenticated:
        return False
    checked_at, boxes = state["boxes"]
    now = time.monotonic()
    if now - checked_at > BOXES_TTL:
        checked_at, boxes = state["boxes"] = (now, _walk_boxes())
    if any(ground.intersects(box) for box in boxes):
        return True
    if now - checked_at > BOXES_RECHECK:
        state["boxes"] = (now, boxes := _walk_boxes())
        return any(ground.intersects(box) for box in boxes)
    return False


def _walk_boxes() -> list[Box]:
    """Around every walk whose map someone without a login may see: open (also before the walk day), closed within LATE_PIN_HOURS
    (phones still on the map, sending what waited), or with its feedback page published."""
    cfg = current_app.config
    recently = utcnow() - dt.timedelta(hours=cfg["LATE_PIN_HOURS"])
    query = select(Walk.area_geojson).where(or_(
        Walk.status.in_(vocab.ACCEPTING_STATUSES),
        and_(Walk.status == "closed", or_(Walk.closed_at >= recently, Walk.feedback_published_at.is_not(None)))))
    return [tile_cache.box_of(json.loads(area)).grown(cfg["TILE_MARGIN_M"]) for area in db.session.scalars(query)]


def offline_plan(area_geojson: str):
    """What a phone on this walk keeps for offline use (offline_tiles.py), or None when that is off."""
    from . import offline_tiles

    return offline_tiles.plan(tile_cache.box_of(json.loads(area_geojson)), current_app.config["TILE_PREFETCH_MAX"])


def typical_tile_bytes(sample: int = 500) -> int:
    """The mean size of tiles in our cache (a sample of them), or a typical size when it is empty."""
    from itertools import islice
    from pathlib import Path

    from .offline_tiles import TYPICAL_TILE_BYTES

    try:
        sizes = [p.stat().st_size for p in islice(Path(current_app.config["TILE_CACHE_DIR"]).rglob("*.png"), sample)]
    except OSError:
        sizes = []
    return round(sum(sizes) / len(sizes)) if sizes else TYPICAL_TILE_BYTES
