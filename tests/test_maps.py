"""The folium builders: only local assets, the class-wide CDN lists untouched, user text kept out
of the HTML, and no CDN address on any page we serve."""

from __future__ import annotations

import json
import math
import re

import folium
import pytest
from folium.plugins import HeatMap, MarkerCluster

from tests.factories import HOSTILE, Page, arrange, location_ids
from walkapp import maps

TILES = maps.Tiles("/test-tiles/{z}/{x}/{y}.png", "&copy; OpenStreetMap")
ASSETS = maps.Assets("/static/")
TEXT = {
    "layer_footprints": "Utbredning", "layer_locations": "Platser", "layer_pins": "Punkter", "layer_heat": "Värme",
    "layer_area": "Område", "priority": "Prioritet", "safe_place": "Trygg plats", "pin": "punkt", "pins": "punkter",
    "person": "person", "people": "personer", "mean": "medel", "open_location": "Öppna", "photo": "Foto",
    "ratings": {1: "Mycket otryggt", 2: "Ganska otryggt", 3: "Ganska tryggt", 4: "Mycket tryggt"},
    "lights": {"dagsljus": "Dagsljus", "skymning": "Skymning", "morker": "Mörker"},
    "statuses": {"ny": "Ny"},
}
OUTSIDE = re.compile(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", re.I)


def _pins(n: int, comment: str = "Mörkt") -> list[maps.MapPin]:
    return [maps.MapPin(i, 57.1 + i * 1e-5, 12.25 + (i % 100) * 1e-5, 1 + i % 4, ("belysning",), comment, "morker", 1, i % 5 == 0)
            for i in range(n)]


def _places(n: int, name: str = "Tunneln") -> list[maps.MapLocation]:
    square = {"type": "Polygon", "coordinates": [[[12.25, 57.1], [12.251, 57.1], [12.251, 57.101], [12.25, 57.1]]]}
    return [maps.MapLocation(i, name, 57.1 + i * 1e-4, 12.25, square, float(i % 100), "ny", 10, 7, 1.8, ("Belysning",), i % 10 == 0)
            for i in range(n)]


def _findings(places, pins, **kw) -> folium.Map:
    return maps.findings_map(places, pins, tiles=TILES, assets=ASSETS, text=TEXT, category_labels={"belysning": "Belysning"},
                             walk_titles={1: "Vandring"}, photo_url="/photos/{id}/thumb.jpg",
                             location_url="/planner/locations/{id}", center=(57.1, 12.25), **kw)


def _payloads(parts: maps.Embedded, factory: str) -> list:
    """The data each layer of this kind reads: its island, named in the script."""
    islands = {key: json.loads(value) for key, value in parts.islands}
    names = re.findall(rf'walkappMaps\.{factory}\(walkappMaps\.data\("([\w-]+)"\)\);', parts.script)
    return [islands[name] for name in names]


def test_every_asset_is_local():
    html = _findings(_places(3), _pins(20)).get_root().render()
    sources = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)
    assert sources and all(s.startswith("/static/") for s in sources), sources
    for name in ("jquery", "bootstrap", "font-awesome", "fontawesome", "awesome-markers", "cdn"):
        assert name not in html.lower()
    assert "/static/vendor/leaflet.markercluster/leaflet.markercluster.js" in sources
    assert "/static/vendor/leaflet-heat/leaflet-heat.js" in sources


def test_class_lists_are_left_alone():
    before = [list(c.default_js) + list(c.default_css) for c in (folium.Map, MarkerCluster, HeatMap)]
    _findings(_places(2), _pins(5)).get_root().render()
    after = [list(c.default_js) + list(c.default_css) for c in (folium.Map, MarkerCluster, HeatMap)]
    assert before == after
    # A plain folium map made afterwards still has folium's own lists, i.e. our change stayed on our instances.
    assert any("cdn" in url for _n, url in folium.Map().default_js)


def test_user_text_cannot_leave_the_json():
    hostile = HOSTILE + "</script><script>alert(1)</script>'\u2028"
    m = _findings(_places(1, name=hostile), _pins(3, comment=hostile))
    parts = maps.embed(m)
    assert hostile not in parts.script and "Tunneln" not in parts.script  # no data in folium's script at all
    assert not any("</script>" in island or "<img" in island or "\u2028" in island for _id, island in parts.islands)
    pins = _payloads(parts, "pins")[0]
    assert {row[5] for row in pins["rows"]} == {1}  # the words are fetched when a popup opens, not sent here
    assert not [v for row in pins["rows"] for v in row if isinstance(v, str)]  # no words at all in the pins' data
    assert _payloads(parts, "locations")[0]["rows"][0][3] == hostile


def test_layers_and_control():
    m = _findings(_places(4), _pins(12))
    parts = maps.embed(m)
    script = parts.script
    assert "L.control.layers" in script
    overlays = re.search(r"overlays\s*:\s*\{(.*?)\}", script, re.S).group(1)
    assert [json.loads(k) for k in re.findall(r'("[^"]+")\s*:', overlays)] == ["Utbredning", "Platser", "Punkter", "Värme"]
    locations = _payloads(parts, "locations")[0]
    assert len(locations["rows"]) == 4 and locations["locationUrl"] == "/planner/locations/{id}"
    # The heat map reads the pins' island (sent once) and weighs only the unsafe ratings.
    (heat,) = _payloads(parts, "heat")
    assert heat is _payloads(parts, "pins")[0] or heat == _payloads(parts, "pins")[0]
    assert heat["heatWeights"] == {"1": 1.0, "2": 0.6}
    assert len(parts.islands) == 3  # footprints, locations, pins


def test_only_default_layers_are_shown():
    script = maps.embed(_findings(_places(2), _pins(4))).script
    names = dict(re.findall(r"var (script_layer_\w+) = walkappMaps\.(\w+)\(", script))
    added = set(re.findall(r"(script_layer_\w+)\.addTo\(", script))
    assert {names[n] for n in added} == {"footprints", "locations"}


def test_ten_thousand_pins_are_one_array():
    m = _findings(_places(1000), _pins(10_000))
    parts = maps.embed(m)
    assert len(_payloads(parts, "pins")[0]["rows"]) == 10_000
    assert parts.script.count("L.marker(") == 0  # no per-pin objects in the page


def test_embed_keeps_page_wide_rules_out():
    parts = maps.embed(_findings(_places(1), _pins(1)))
    assert "user-scalable" not in parts.links and "html, body" not in parts.links
    assert 'class="folium-map"' in parts.html


def test_overview_numbers_places():
    area = {"type": "Polygon", "coordinates": [[[12.24, 57.1], [12.26, 57.1], [12.26, 57.11], [12.24, 57.1]]]}
    places = [maps.NumberedPlace(i, f"Plats {i}", 57.105, 12.25, 50.0, False) for i in (1, 2)]
    parts = maps.embed(maps.overview_map(places, tiles=TILES, assets=ASSETS, area=area, center=(57.1, 12.25), text=TEXT))
    assert [r[0] for r in _payloads(parts, "numbered")[0]["rows"]] == [1, 2]
    assert _payloads(parts, "area")[0] == area


@pytest.mark.parametrize("priority, safe, band", [(0, True, 0), (5, False, 1), (25, False, 2), (45, False, 3), (80, False, 4)])
def test_priority_bands(priority, safe, band):
    assert maps.priority_band(priority, safe) == band


def test_no_cdn_address_in_served_pages(app, client, make_walk, login_as):
    walk = arrange(app, make_walk, [{"comment": HOSTILE, "photo": "approved"}, {"dx": 300, "rating": 4}], feedback=True)
    loc = location_ids(app, walk)[0]
    login_as("admin")
    for url in ["/planner/", "/planner/map", "/planner/walks", "/planner/responsible", f"/planner/locations/{loc}",
                f"/planner/walks/{walk}/protocol", f"/planner/walks/{walk}/feedback"]:
        html = client.get(url).get_data(as_text=True)
        assert not OUTSIDE.search(html), (url, OUTSIDE.search(html))
        for tag, attrs in Page(html).elements:
            for name in ("src", "href"):
                value = attrs.get(name) or ""
                assert not value.startswith(("http:", "https:", "//")), (url, tag, value)


def test_a_pins_words_come_when_its_popup_opens_and_only_to_those_who_may_see_them(app, client, make_walk, login_as):
    walk = arrange(app, make_walk, [{"comment": "Mörkt vid " + HOSTILE}, {"comment": "Dolt", "hidden": True, "dx": 400},
                                    {"dx": 800}], published=True)
    from sqlalchemy import select

    from walkapp.extensions import db
    from walkapp.models import Pin

    with app.app_context():
        shown, hidden, silent = db.session.scalars(select(Pin.id).order_by(Pin.id)).all()
    assert client.get(f"/planner/pins/{shown}/words").status_code == 302  # not logged in: to the login page
    login_as("planner")
    assert client.get(f"/planner/pins/{shown}/words").get_json() == {"comment": "Mörkt vid " + HOSTILE}
    assert client.get(f"/planner/pins/{hidden}/words").status_code == 404
    assert client.get(f"/planner/pins/{silent}/words").get_json() == {"comment": ""}
    login_as("leader")
    assert client.get(f"/planner/pins/{shown}/words").status_code == 403
    del walk


def test_footprints_are_slimmed_for_the_map():
    ring = [[12.25 + 0.0001 * math.cos(a / 10), 57.1 + 0.0001 * math.sin(a / 10)] for a in range(63)]
    polygon = {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}
    slim = maps.slim_polygon(polygon)
    assert len(slim["coordinates"][0]) < len(polygon["coordinates"][0])
    assert all(len(f"{x}") <= 8 for x, _ in slim["coordinates"][0])
