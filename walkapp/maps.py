"""Folium maps for the planners' pages: the findings map and a walk's numbered overview.

Builders take plain records and return a folium.Map; they never touch the request. Every asset is
served from our own static/ folder: the CDN lists folium keeps on its classes are replaced on each
instance (never on the class, where one change would leak into every later map).

THE RULE: no data ever enters folium's scripts. folium and branca render each element's script and
then compile the result again as a Jinja template (`branca.element.Element(text)` builds a
`jinja2.Template`), so any text inside a layer's script is template source: a comment "{{ 7*7 }}"
would come out as 49, "{% raw %}" would break the page, and "{{ cycler.__init__.__globals__.os… }}"
would run commands on the server. So every layer's data, user text or not, travels in a
`<script type="application/json">` island that our own autoescaped template writes (see
`embed()` and `Embedded.islands`); the folium script only names the island by its generated id, and
static/js/planner/maps.js reads it and builds markers and popups with textContent, so user text never
becomes HTML either. Never pass user text to folium (no Popup, Tooltip, Marker title, GeoJson
properties, HeatMap data or layer names from people), nor to `Template(...)`, `from_string` or
`render_template_string` anywhere in the app: tests/test_template_injection.py checks both.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import folium
from folium.elements import JSCSSMixin
from folium.map import Layer
from folium.template import Template
from markupsafe import Markup

from . import vocab

# Unsafe pins on the heat map, weighed as the rating scale says (vocab.RATING_SCALE); safe pins not at all.
HEAT_WEIGHTS = {r.value: r.heat for r in vocab.RATING_SCALE if r.heat}
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
    """Where the map's tiles come from (our own tile route), and the ground and zooms it may ask for there."""

    url: str
    attribution: str
    bounds: list[list[float]] | None = None  # [[south, west], [north, east]]: no tiles asked for outside
    min_zoom: int = 0


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
    """A rendered map for one of our pages: asset links, the map element, its script, and its data.

    `islands` are (element id, JSON) pairs that our own template writes as
    `<script type="application/json">` blocks; they never pass through folium's template compiler.
    """

    links: Markup
    html: Markup
    script: Markup
    islands: tuple[tuple[str, Markup], ...] = ()


class ScriptLayer(JSCSSMixin, Layer):
    """A layer that maps.js builds in the browser from a JSON island (never from the script itself).

    The script names the island only by an id made from folium's own generated name, so nothing but
    identifiers ever reaches folium's template compiler. `source` lets a layer read another layer's
    island (the heat map is derived from the pins in the browser, not sent twice).
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = walkappMaps.{{ this.factory }}(walkappMaps.data("{{ this.island_id }}"));
        {% endmacro %}
        """
    )

    def __init__(self, factory: str, payload, name: str, assets: Assets, *, show: bool = True,
                 control: bool = True, js: Iterable[tuple[str, str]] = (), css: Iterable[tuple[str, str]] = (),
                 source: ScriptLayer | None = None):
        super().__init__(name=name, overlay=True, control=control, show=show)
        self._name = "ScriptLayer"
        if not factory.isidentifier():
            raise ValueError(f"not a factory name: {factory!r}")
        self.factory = factory
        self.source = source
        self.payload = None if source is not None else payload
        self.island_id = source.island_id if source is not None else "map-data-" + self.get_name()
        self.default_js = [*assets.our_js(), *js]
        self.default_css = list(css)


def script_json(value) -> Markup:
    """JSON that is safe inside a <script> element: no <, >, & or ' left to close or confuse it."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
                  .replace("'", "\\u0027").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def base_map(tiles: Tiles, assets: Assets, center: Sequence[float], zoom: int = 15) -> folium.Map:
    """An empty map with our tiles and only local assets."""
    m = folium.Map(location=list(center), zoom_start=zoom, tiles=None, prefer_canvas=True, control_scale=True)
    m.default_js = assets.map_js()
    m.default_css = assets.map_css()
    limits = {"bounds": tiles.bounds} if tiles.bounds else {}
    folium.TileLayer(tiles=tiles.url, attr=tiles.attribution, name="tiles", min_zoom=tiles.min_zoom, max_zoom=19,
                     control=False, **limits).add_to(m)
    return m


# Footprints on the map: about a metre is all a screen shows of a place's outline.
FOOTPRINT_TOLERANCE_DEG = 1e-5
FOOTPRINT_DECIMALS = 5


def slim_polygon(polygon: dict) -> dict:
    """A GeoJSON Polygon simplified to about a metre and rounded to 5 decimals (~1 m): a third of the bytes."""
    from shapely.geometry import mapping, shape

    try:
        geom = shape(polygon).simplify(FOOTPRINT_TOLERANCE_DEG, preserve_topology=True)
    except (ValueError, TypeError, AttributeError):
        return polygon
    rings = []
    for ring in mapping(geom).get("coordinates", ()):
        points = []
        for x, y in ring:
            point = [round(x, FOOTPRINT_DECIMALS), round(y, FOOTPRINT_DECIMALS)]
            if not points or point != points[-1]:
                points.append(point)
        rings.append(points)
    return {"type": "Polygon", "coordinates": rings} if rings and len(rings[0]) >= 4 else polygon


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
                 photo_url: str, location_url: str, center: Sequence[float], words_url: str = "",
                 show: frozenset[str] = DEFAULT_LAYERS) -> folium.Map:
    """The planners' findings map: location circles and footprints, clustered pins, a heat map of unsafe pins.

    `photo_url`, `location_url` and `words_url` are address templates with `{id}` where the pin or location
    id goes. A pin's words are not in the page (two thirds of its bytes at 10,000 pins): its popup asks
    `words_url` for them when it opens.
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
        "wordsUrl": words_url,
        "locationUrl": location_url,
    }

    footprints = [
        {"type": "Feature", "geometry": slim_polygon(loc.footprint), "properties": {"band": priority_band(loc.priority, loc.safe)}}
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
         1 if p.comment else 0, 1 if p.photo else 0, walk_index.get(p.walk_id, -1),
         lights.index(p.light) if p.light in vocab.LIGHT else -1]
        for p in pins
    ]
    pin_layer = ScriptLayer("pins", {**common, "rows": pin_rows, "heatWeights": HEAT_WEIGHTS}, text["layer_pins"],
                            assets, show="pins" in show, js=assets.cluster_js(), css=assets.cluster_css())
    pin_layer.add_to(m)
    # The heat map is drawn in the browser from the pins' island: unsafe pins only, by HEAT_WEIGHTS.
    ScriptLayer("heat", None, text["layer_heat"], assets, show="heat" in show, js=assets.heat_js(),
                source=pin_layer).add_to(m)

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
    islands = tuple((layer.island_id, script_json(layer.payload)) for layer in _script_layers(m)
                    if layer.source is None)
    return Embedded(links=Markup("\n".join(links)), html=Markup(root.html.render()),
                    script=Markup(root.script.render()), islands=islands)


def _script_layers(element) -> list[ScriptLayer]:
    """Every ScriptLayer on the map, in the order they were added."""
    found = []
    for child in element._children.values():
        if isinstance(child, ScriptLayer):
            found.append(child)
        found.extend(_script_layers(child))
    return found


def document(parts: Embedded, title: str = "map") -> str:
    """A whole HTML document showing one embedded map full-screen (benchmarks, tests, debugging)."""
    islands = "".join(f'<script type="application/json" id="{key}">{value}</script>' for key, value in parts.islands)
    return ("<!doctype html><html><head><meta charset=\"utf-8\"><title>" + title.replace("<", "") + "</title>"
            "<style>html,body,.folium-map{height:100%;margin:0}</style>" + parts.links + "</head><body>"
            + parts.html + islands + "<script>" + parts.script + "</script></body></html>")
