"""Time the findings map with 10,000 pins and 1,000 locations against the naive folium build.

    python benchmarks/maps.py [--pins 10000] [--locations 1000] [--runs 5] [--no-browser]

Both maps get the same records from a scratch SQLite database and the same local assets.

- ours: walkapp.maps.findings_map, one JSON payload per layer, markers and popups built in the
  browser (what /planner/map serves);
- baseline: the obvious folium code, one folium.Marker with a folium.Popup per pin in a
  MarkerCluster, one CircleMarker with a Popup per location, folium.GeoJson footprints, a HeatMap.

Server side: best of --runs for building and rendering each map, and for the whole /planner/map
request (database query, map, page template). Browser: Debian's Chromium (Playwright) loads each
page from a real server on a free port; the time is navigation start to the end of the load event
(the map's script runs before it), best of --runs, with every layer shown on both sides; the
planner page with its default layers is timed too. Tiles come through the app's own /tiles/ route
from the stand-in upstream tile server of the browser tests (tests/tile_server.py) on loopback, as
in production; the browser may ask no other origin. Ratios are baseline / ours, measured in the same
run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import html
import json
import logging
import os
import random
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import folium  # noqa: E402
from folium.plugins import HeatMap, MarkerCluster  # noqa: E402
from sqlalchemy import insert  # noqa: E402

from tests.tile_server import StandInTiles  # noqa: E402
from walkapp import clustering, geo, maps, vocab  # noqa: E402

VARBERG = (57.1057, 12.2502)
COMMENTS = [
    "Tunneln är kolsvart på kvällen", "Buskarna är så höga att man inte ser om nån står där",
    "Bilarna kör jättefort i rondellen", '<img src=x onerror=alert(1)> <script>alert(2)</script>',
    "Gäng som hänger här; säger \"saker\" till en", "a" * 300, "Bra ljus här, känns tryggt", None,
]


def build_database(app, n_pins: int, n_locations: int) -> None:
    """One published walk, n_locations locations of n_pins / n_locations pins each, some with photos."""
    from walkapp.extensions import db
    from walkapp.models import Location, Participant, Photo, Pin, User, Walk
    from walkapp.walks import set_area

    rng = random.Random(7)
    proj = geo.LocalProjection(*VARBERG)
    with app.app_context():
        db.create_all()
        db.session.add(User(email="planner@example.org", display_name="Planerare", role="planner", password_hash="x"))
        walk = Walk(title="Benchmark", join_code="BNCHMK", status="closed", published_at=dt.datetime(2026, 1, 2),
                    starts_at=dt.datetime(2026, 1, 1, 17), light="morker")
        set_area(walk, geo.circle_area(*VARBERG, 3000))
        db.session.add(walk)
        db.session.flush()
        db.session.execute(insert(Participant), [{"walk_id": walk.id, "token_hash": hashlib.sha256(str(i).encode()).hexdigest()}
                                                 for i in range(500)])
        per = max(1, n_pins // n_locations)
        locations, pins = [], []
        for loc_id in range(1, n_locations + 1):
            cx, cy = rng.uniform(-2500, 2500), rng.uniform(-2500, 2500)
            xs = [cx + rng.gauss(0, 8) for _ in range(per)]
            ys = [cy + rng.gauss(0, 8) for _ in range(per)]
            lat, lon = proj.inverse(xs, ys)
            lat, lon = [float(v) for v in lat], [float(v) for v in lon]
            clat, clon = clustering.centroid(lat, lon)
            locations.append({"id": loc_id, "name": f"Belysning – plats {loc_id}", "lat": clat, "lon": clon,
                              "footprint_geojson": json.dumps(clustering.footprint(lat, lon)),
                              "status": rng.choice(list(vocab.LOCATION_STATUSES)[:5]), "priority": rng.uniform(0, 100),
                              "origin_walk_id": walk.id, "name_edited": False})
            for i in range(per):
                pins.append({"walk_id": walk.id, "participant_id": rng.randint(1, 500), "client_id": f"{loc_id}-{i}",
                             "lat": lat[i], "lon": lon[i], "rating": rng.choice([1, 1, 2, 2, 3, 4]),
                             "categories": rng.sample(list(vocab.CATEGORIES), 2), "comment": rng.choice(COMMENTS),
                             "light": rng.choice(list(vocab.LIGHT)), "location_id": loc_id,
                             "created_at": dt.datetime(2026, 1, 1, 18), "updated_at": dt.datetime(2026, 1, 1, 18),
                             "hidden": False, "unplaced": False, "location_locked": False})
        db.session.execute(insert(Location), locations)
        db.session.execute(insert(Pin), pins)
        photos = [{"pin_id": pid, "sha256": hashlib.sha256(str(pid).encode()).hexdigest(), "width": 800, "height": 600,
                   "bytes": 1000, "thumb_width": 320, "thumb_height": 240, "approved": True, "hidden": False}
                  for pid in range(1, len(pins) + 1, 5)]
        db.session.execute(insert(Photo), photos)
        db.session.commit()


def baseline_map(places, pins, tiles: maps.Tiles, assets: maps.Assets, text: dict, labels: dict, show_all=True):
    """The naive build: one folium object (and popup) per pin and per location."""
    m = maps.base_map(tiles, assets, VARBERG)
    footprints = folium.GeoJson({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": p.footprint, "properties": {"band": maps.priority_band(p.priority, p.safe)}}
        for p in places if p.footprint]}, name=text["layer_footprints"],
        style_function=lambda f: {"color": "#a8281c", "weight": 1, "fillOpacity": 0.18})
    footprints.add_to(m)
    group = folium.FeatureGroup(name=text["layer_locations"]).add_to(m)
    for p in places:
        popup = folium.Popup(f"<strong>{html.escape(p.name)}</strong><br>{text['priority']} {round(p.priority)}"
                             f"<br>{p.pins} {text['pins']}", max_width=280)
        folium.CircleMarker([p.lat, p.lon], radius=min(30, 6 + 3 * p.pins ** 0.5), popup=popup, fill=True).add_to(group)
    cluster = MarkerCluster(name=text["layer_pins"])
    cluster.default_js = assets.cluster_js()
    cluster.default_css = assets.cluster_css()
    cluster.add_to(m)
    for p in pins:
        body = f"<b>{html.escape(text['ratings'][p.rating])}</b><br>{html.escape(', '.join(labels.get(c, c) for c in p.categories))}"
        if p.comment:
            body += f"<p>{html.escape(p.comment)}</p>"
        folium.Marker([p.lat, p.lon], popup=folium.Popup(body, max_width=240)).add_to(cluster)
    heat = HeatMap([[p.lat, p.lon, 1.0 if p.rating == 1 else 0.6] for p in pins if p.rating in vocab.UNSAFE_RATINGS],
                   name=text["layer_heat"])
    heat.default_js = assets.heat_js()
    heat.add_to(m)
    folium.LayerControl(collapsed=False).add_to(m)
    return m


def best(fn, runs: int) -> tuple[float, object]:
    """The shortest of several runs in milliseconds, and the last result."""
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - start) * 1000)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pins", type=int, default=10_000)
    parser.add_argument("--locations", type=int, default=1_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="walkapp-bench-"))
    for name in list(os.environ):
        if name.startswith("WALKAPP_"):
            del os.environ[name]
    from walkapp import create_app
    from walkapp import map_embeds
    from walkapp import places as queries
    from walkapp.filters import Filters

    # The upstream the app's /tiles/ route fetches from; it answers only if the browser part runs.
    upstream = StandInTiles()
    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "DATABASE_URL": f"sqlite:///{tmp / 'bench.sqlite'}",
                      "UPLOAD_DIR": str(tmp / "uploads"), "TILE_URL": upstream.template,
                      "TILE_CACHE_DIR": str(tmp / "tiles")})
    documents: dict[str, str] = {}
    # Routes must exist before the first request; the documents are filled in below.
    app.add_url_rule("/bench/<name>", "bench_document", lambda name: documents[name])
    build_database(app, args.pins, args.locations)

    with app.test_request_context("/planner/map"):
        places, pins, walks = queries.map_records(Filters())
        text = map_embeds.map_text()
        labels = queries.category_labels(walks)
        kwargs = dict(tiles=map_embeds.tiles(), assets=map_embeds.assets(), text=text, category_labels=labels,
                      walk_titles={w.id: w.title for w in walks}, photo_url="/photos/{id}/thumb.jpg",
                      location_url="/planner/locations/{id}", center=VARBERG)

        def ours(show=maps.ALL_LAYERS):
            return maps.embed(maps.findings_map(places, pins, show=show, **kwargs))

        def ours_document():
            return maps.document(maps.embed(maps.findings_map(places, pins, show=maps.ALL_LAYERS, **kwargs)))

        def baseline():
            return baseline_map(places, pins, kwargs["tiles"], kwargs["assets"], text, labels).get_root().render()

        t_records, _ = best(lambda: queries.map_records(Filters()), args.runs)
        t_ours, embedded = best(ours, args.runs)
        ours_html = ours_document()
        t_base, base_html = best(baseline, max(1, min(args.runs, 3)))

    client = app.test_client()
    with app.app_context():
        from walkapp.extensions import db
        from walkapp.models import User

        session_id = db.session.scalars(db.select(User)).first().get_id()
    with client.session_transaction() as session:
        session["_user_id"] = session_id  # a completed login, as auth.login leaves it
        session["_fresh"] = True
        session["login_at"] = session["seen_at"] = int(time.time())
    t_request, response = best(lambda: client.get("/planner/map"), args.runs)
    assert response.status_code == 200, response.status_code
    page_size = len(response.data)

    print(f"Findings map: {len(pins):,} pins, {len(places):,} locations (best of {args.runs}; baseline best of {max(1, min(args.runs, 3))})")
    print()
    print("server side                                     ms        HTML")
    print(f"  records from the database (ours)          {t_records:8.0f}")
    ours_bytes = len(embedded.script) + len(embedded.links) + len(embedded.html) + sum(len(v) for _, v in embedded.islands)
    print(f"  ours: build + render the map              {t_ours:8.0f}  {ours_bytes / 1e6:7.2f} MB")
    for key, value in embedded.islands:
        print(f"    layer data {key[-12:]:14}                  {len(value) / 1e6:7.2f} MB")
    print(f"  ours: whole GET /planner/map              {t_request:8.0f}  {page_size / 1e6:7.2f} MB")
    print(f"  baseline: build + render (naive folium)   {t_base:8.0f}  {len(base_html) / 1e6:7.2f} MB")
    print(f"  ratio baseline / ours (build + render)    {t_base / t_ours:8.1f}x")
    print(f"  ratio baseline / ours (whole request)     {t_base / t_request:8.1f}x")

    if args.no_browser:
        return
    print()
    print("Chromium: navigation start → load event end   ms")
    documents.update(ours=ours_html, baseline=base_html)
    with upstream:
        for label, ms in browser_times(app, client, args.runs):
            print(f"  {label:<44}{ms:8.1f}x" if label.startswith("ratio") else f"  {label:<44}{ms:8.0f}")
    print(f"  tiles fetched upstream (each once, then from the app's cache): {upstream.total}")


def browser_times(app, client, runs: int):
    """Load each page in Chromium from a real server; yields (label, best ms)."""
    from playwright.sync_api import sync_playwright
    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    cookie = client.get_cookie("session")
    results = {}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None)
            context = browser.new_context(viewport={"width": 1366, "height": 900})
            context.add_cookies([{"name": "session", "value": cookie.value, "url": base}])
            errors: list[str] = []

            def route(r):
                if r.request.url.startswith(base):
                    return r.continue_()
                errors.append("outside request: " + r.request.url)
                return r.abort()

            context.route("**/*", route)
            pages = [("ours, planner page, default layers", "/planner/map"),
                     ("ours, standalone, every layer shown", "/bench/ours"),
                     ("baseline, standalone, every layer shown", "/bench/baseline")]
            for label, path in pages:
                times = []
                for _ in range(runs if "baseline" not in label else max(1, min(runs, 3))):
                    page = context.new_page()
                    page.on("pageerror", lambda e: errors.append(str(e)))
                    # A tile the app could not get from upstream is a 502: count it as an error.
                    page.on("response", lambda r: r.status >= 400 and errors.append(f"{r.status} {r.url}"))
                    page.goto(base + path, wait_until="load", timeout=120_000)
                    times.append(page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd"))
                    page.close()
                results[label] = min(times)
            browser.close()
            if errors:
                print("  errors:", errors[:5])
    finally:
        server.shutdown()
    ours_all, base_all = results["ours, standalone, every layer shown"], results["baseline, standalone, every layer shown"]
    yield from results.items()
    yield "ratio baseline / ours (every layer)", base_all / ours_all


if __name__ == "__main__":
    main()
