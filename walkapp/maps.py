"""Folium maps for the planners' pages: the findings map and a walk's numbered overview.

Builders take plain records and return a folium.Map; they never touch the request. Every asset is
served from our own static/ folder: the CDN lists folium keeps on its classes are replaced on each
instance (never on the class, where one change would leak into every later map). Data goes to the
browser as one JSON payload per layer and static/js/planner/maps.js builds markers and popups from
it with textContent, so user text never becomes HTML and 10,000 pins cost one array, not 10,000
Python objects.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import folium
from folium.elements import JSCSSMixin
from folium.map import Layer
from folium.plugins import HeatMap
from folium.template import Template
from markupsafe import Markup

from . import vocab

# The layers shown when the map opens; the others are one tick away in the layer control.
DEFAULT_LAYERS = frozenset({"footprints", "locations"})
ALL_LAYERS = frozenset({"footprints", "locations", "pins", "heat"})


@dataclass(frozen=True)
class Assets:
    """Where static files are served (the view passes url_for('static', filename=''))."""

    static: str = "/static/"

    def url(self, path: str) -> str:
        """The address of one file under static/."""
        return self.static.rstrip("/") + "/" + path

    def map_js(self) -> list[tuple[str, str]]:
        """Leaflet and the `$` shim; no jQuery, Bootstrap or awesome-markers (the shim covers folium's `$`)."""
        return [("leaflet", self.url("vendor/leaflet/leaflet.js")),
                ("folium_shim", self.url("js/planner/folium-shim.js"))]

    def map_css(self) -> list[tuple[str, str]]:
        """Leaflet's stylesheet (its marker images resolve next to it)."""
        return [("leaflet_css", self.url("vendor/leaflet/leaflet.css"))]

    def cluster_js(self) -> list[tuple[str, str]]:
        """Leaflet.markercluster's script."""
        return [("markerclusterjs", self.url("vendor/leaflet.markercluster/leaflet.markercluster.js"))]

    def cluster_css(self) -> list[tuple[str, str]]:
        """Leaflet.markercluster's two stylesheets."""
        return [("markerclustercss", self.url("vendor/leaflet.markercluster/MarkerCluster.css")),
                ("markerclusterdefaultcss", self.url("vendor/leaflet.markercluster/MarkerCluster.Default.css"))]

    def heat_js(self) -> list[tuple[str, str]]:
        """The heat-map plugin folium ships (vendored from its wheel)."""
        return [("leaflet-heat.js", self.url("vendor/leaflet-heat/leaflet-heat.js"))]

    def our_js(self) -> list[tuple[str, str]]:
        """Our layer factories (static/js/planner/maps.js)."""
        return [("walkapp_maps", self.url("js/planner/maps.js"))]


@dataclass(frozen=True)
class Tiles:
    """The configured tile server (TILE_URL, TILE_ATTRIBUTION)."""

    url: str
    attribution: str


@dataclass(frozen=True, slots=True)
class MapPin:
    """One pin as the findings map shows it (already moderated: hidden pins never get here)."""

    id: int
    lat: float
    lon: float
    rating: int
    categories: tuple[str, ...]
    comment: str | None
    light: str | None
    walk_id: int
    photo: bool


@dataclass(frozen=True, slots=True)
class MapLocation:
    """One location with the figures of the pins shown."""

    id: int
    name: str
    lat: float
    lon: float
    footprint: dict | None
    priority: float
    status: str  # the key; the map shows text["statuses"][key]
    pins: int
    people: int
    mean_rating: float
    categories: tuple[str, ...]
    safe: bool


@dataclass(frozen=True, slots=True)
class NumberedPlace:
    """A location on a walk's overview map, numbered as in the protocol's list."""

    number: int
    name: str
    lat: float
    lon: float
    priority: float
    safe: bool


@dataclass(frozen=True)
class Embedded:
    """A rendered map in three parts for one of our pages: asset links, the map element, its script."""

    links: Markup
    html: Markup
    script: Markup


class ScriptLayer(JSCSSMixin, Layer):
    """A layer that maps.js builds in the browser from one JSON payload."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = walkappMaps.{{ this.factory }}({{ this.payload }});
        {% endmacro %}
        """
    )

    def __init__(self, factory: str, payload, name: str, assets: Assets, *, show: bool = True,
                 control: bool = True, js: Iterable[tuple[str, str]] = (), css: Iterable[tuple[str, str]] = ()):
        super().__init__(name=name, overlay=True, control=control, show=show)
        self._name = "ScriptLayer"
        if not factory.isidentifier():
            raise ValueError(f"not a factory name: {factory!r}")
        self.factory = factory
        self.payload = script_json(payload)
        self.default_js = [*assets.our_js(), *js]
        self.default_css = list(css)


def script_json(value) -> str:
    """JSON that is safe inside a <script> element: no <, >, & or ' left to close or confuse it."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("'", "\\u0027").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def base_map(tiles: Tiles, assets: Assets, center: Sequence[float], zoom: int = 15) -> folium.Map:
    """An empty map with our tiles and only local assets."""
    m = folium.Map(location=list(center), zoom_start=zoom, tiles=None, prefer_canvas=True, control_scale=True)
    m.default_js = assets.map_js()
    m.default_css = assets.map_css()
    folium.TileLayer(tiles=tiles.url, attr=tiles.attribution, name="tiles", max_zoom=19, control=False).add_to(m)
    return m


def priority_band(priority: float, safe: bool) -> int:
    """0 for places that felt safe, then 1 (low) to 4 (high): the colour step on the map and in the legend."""
    if safe:
        return 0
    if priority >= 60:
        return 4
    if priority >= 40:
        return 3
    if priority >= 20:
        return 2
    return 1


def findings_map(locations: Sequence[MapLocation], pins: Sequence[MapPin], *, tiles: Tiles, assets: Assets,
                 text: dict, category_labels: dict[str, str], walk_titles: dict[int, str],
                 photo_url: str, location_url: str, center: Sequence[float],
                 show: frozenset[str] = DEFAULT_LAYERS) -> folium.Map:
    """The planners' findings map: location circles and footprints, clustered pins, a heat map of unsafe pins.

    `photo_url` and `location_url` are address templates with `{id}` where the pin or location id goes.
    `text` holds the translated words the map shows (layer names and popup labels).
    """
    m = base_map(tiles, assets, center)
    cats = list(category_labels)
    cat_index = {key: i for i, key in enumerate(cats)}
    walks = list(walk_titles)
    walk_index = {walk_id: i for i, walk_id in enumerate(walks)}
    lights = list(vocab.LIGHT)
    common = {
        "text": text,
        "categories": [category_labels[k] for k in cats],
        "walks": [walk_titles[w] for w in walks],
        "lights": [text["lights"][k] for k in lights],
        "ratings": {str(k): v for k, v in text["ratings"].items()},
        "photoUrl": photo_url,
        "locationUrl": location_url,
    }

    footprints = [
        {"type": "Feature", "geometry": loc.footprint, "properties": {"band": priority_band(loc.priority, loc.safe)}}
        for loc in locations if loc.footprint
    ]
    ScriptLayer("footprints", {"type": "FeatureCollection", "features": footprints}, text["layer_footprints"],
                assets, show="footprints" in show).add_to(m)

    rows = [
        [loc.id, round(loc.lat, 6), round(loc.lon, 6), loc.name, round(loc.priority, 1),
         text["statuses"].get(loc.status, loc.status), loc.pins,
         loc.people, round(loc.mean_rating, 2), list(loc.categories), priority_band(loc.priority, loc.safe)]
        for loc in locations
    ]
    ScriptLayer("locations", {**common, "rows": rows}, text["layer_locations"], assets,
                show="locations" in show).add_to(m)

    pin_rows = [
        [round(p.lat, 6), round(p.lon, 6), p.id, p.rating, [cat_index[c] for c in p.categories if c in cat_index],
         p.comment or "", 1 if p.photo else 0, walk_index.get(p.walk_id, -1),
         lights.index(p.light) if p.light in vocab.LIGHT else -1]
        for p in pins
    ]
    ScriptLayer("pins", {**common, "rows": pin_rows}, text["layer_pins"], assets, show="pins" in show,
                js=assets.cluster_js(), css=assets.cluster_css()).add_to(m)

    # Unsafe pins only: "Mycket otryggt" weighs more than "Ganska otryggt".
    heat_points = [[p.lat, p.lon, 1.0 if p.rating == 1 else 0.6] for p in pins if p.rating in vocab.UNSAFE_RATINGS]
    heat = HeatMap(heat_points, name=text["layer_heat"], show="heat" in show, radius=22, blur=18, min_opacity=0.3)
    heat.default_js = assets.heat_js()
    heat.add_to(m)

    folium.LayerControl(collapsed=False).add_to(m)
    bounds = _bounds([(loc.lat, loc.lon) for loc in locations] or [(p.lat, p.lon) for p in pins])
    if bounds:
        m.fit_bounds(bounds, padding=(24, 24), max_zoom=17)
    return m


def overview_map(places: Sequence[NumberedPlace], *, tiles: Tiles, assets: Assets, area: dict | None,
                 center: Sequence[float], text: dict) -> folium.Map:
    """A walk's overview: its area and its locations as numbered markers, numbered as in the list beside it."""
    m = base_map(tiles, assets, center)
    if area:
        ScriptLayer("area", area, text["layer_area"], assets, control=False).add_to(m)
    rows = [[p.number, round(p.lat, 6), round(p.lon, 6), p.name, priority_band(p.priority, p.safe)] for p in places]
    ScriptLayer("numbered", {"rows": rows}, text["layer_locations"], assets, control=False).add_to(m)
    points = [(p.lat, p.lon) for p in places]
    if area:
        points += [(lat, lon) for lon, lat in area.get("coordinates", [[]])[0]]
    bounds = _bounds(points)
    if bounds:
        m.fit_bounds(bounds, padding=(20, 20), max_zoom=17)
    return m


def _bounds(points: Sequence[tuple[float, float]]) -> list[list[float]] | None:
    if not points:
        return None
    lats = [p[0] for p in points]
    lons = [p[1] for p in points]
    return [[min(lats), min(lons)], [max(lats), max(lons)]]


def embed(m: folium.Map) -> Embedded:
    """Render a map into parts for one of our templates.

    Only the asset links are taken from folium's header: it also holds page-wide rules
    (html/body at 100 % height, a viewport that forbids zooming) that would break our pages.
    """
    root = m.get_root()
    root.render()
    links = [child.render() for child in root.header._children.values()
             if isinstance(child, (folium.elements.JavascriptLink, folium.elements.CssLink))]
    return Embedded(links=Markup("\n".join(links)), html=Markup(root.html.render()), script=Markup(root.script.render()))

