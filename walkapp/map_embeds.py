"""The folium maps as pages embed them: tiles from our own server, our static assets, the words the maps
show in the reader's language, and a walk's numbered overview. Shared by the planners' pages and the
public feedback page."""

from __future__ import annotations

import json

from flask import current_app, url_for
from flask_babel import gettext as _

from . import maps, tiles as tile_route, vocab
from .location_text import place_name


def tiles(area_geojson: str | None = None) -> maps.Tiles:
    """Tiles from our own server; for a walk's map, only around its area (all that anyone may load there)."""
    attribution = current_app.config["TILE_ATTRIBUTION"]
    if area_geojson is None:
        return maps.Tiles(tile_route.url_template(), attribution)
    return maps.Tiles(tile_route.url_template(), attribution, bounds=tile_route.walk_bounds(area_geojson),
                      min_zoom=tile_route.PUBLIC_ZOOMS.start)


def assets() -> maps.Assets:
    """Where the maps find their scripts and styles."""
    return maps.Assets(url_for("static", filename=""))


def map_text() -> dict:
    """The words the maps show, in the reader's language."""
    return {
        "layer_footprints": _("Platsernas utbredning"),
        "layer_locations": _("Platser (storlek = antal punkter)"),
        "layer_pins": _("Enskilda punkter"),
        "layer_heat": _("Värmekarta över otrygga punkter"),
        "layer_area": _("Vandringens område"),
        "priority": _("Prioritet"),
        "safe_place": _("Trygg plats"),
        "pin": _("punkt"),
        "pins": _("punkter"),
        "person": _("person"),
        "people": _("personer"),
        "mean": _("medel"),
        "open_location": _("Öppna platsen"),
        "photo": _("Foto från platsen"),
        "ratings": {k: _(v) for k, v in vocab.RATINGS.items()},
        "lights": {k: _(v) for k, v in vocab.LIGHT.items()},
        "statuses": {k: _(v) for k, v in vocab.LOCATION_STATUSES.items()},
    }


def overview(walk, cards) -> maps.Embedded:
    """The walk's area with its locations numbered as in the list beside the map."""
    places = [maps.NumberedPlace(i, place_name(c.location), c.location.lat, c.location.lon, c.location.priority, c.safe)
              for i, c in enumerate(cards, start=1)]
    m = maps.overview_map(places, tiles=tiles(walk.area_geojson), assets=assets(),
                          area=json.loads(walk.area_geojson),
                          center=(walk.center_lat, walk.center_lon), text=map_text())
    return maps.embed(m)
