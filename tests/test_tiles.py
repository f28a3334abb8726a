"""Map tiles through our own server: fetched once from a stand-in upstream on loopback, kept on disk
within a size limit, served only around walks (anyone) or inside the region (staff), never a crash."""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import threading
import time

import pytest

from tests.conftest import VARBERG
from tests.tile_server import StandInTiles, tile_png
from walkapp import tile_cache
from walkapp.models import utcnow
from walkapp.tile_cache import Box, TileCache, Upstream, UpstreamError

STOCKHOLM = (59.3293, 18.0686)
# Inside the default region (30 km around Varberg) but well away from any test walk.
TVAAKER = (57.0431, 12.4113)


def tile_at(lat: float, lon: float, z: int) -> tuple[int, int, int]:
    """The tile under a point."""
    n = 2**z
    x = int((lon + 180.0) / 360.0 * n)
    y = int((1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * n)
    return z, x, y


def url(z: int, x: int, y: int) -> str:
    return f"/tiles/{z}/{x}/{y}.png"


@pytest.fixture
def upstream():
    with StandInTiles() as server:
        yield server


@pytest.fixture
def app_config(app_config, upstream, tmp_path):
    return {**app_config, "TILE_URL": upstream.template, "TILE_CACHE_DIR": str(tmp_path / "tiles"),
            "TILE_CONTACT": "gis@varberg.example"}


# --- The grid ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("z", "x", "y", "expected"), [
    ("0", "0", "0", (0, 0, 0)),
    ("15", "17498", "9805", (15, 17498, 9805)),
    ("19", str(2**19 - 1), "0", (19, 2**19 - 1, 0)),
    ("20", "0", "0", None),  # deeper than any tile server draws
    ("1", "2", "0", None),  # outside the zoom's grid
    ("3", "0", "8", None),
    ("-1", "0", "0", None),
    ("٣", "0", "0", None),  # a digit of another script
    ("15", "1" * 8, "0", None),
    ("15", "", "0", None),
    ("15", "0x10", "0", None),
])
def test_a_tile_address_is_digits_inside_its_zooms_grid(z, x, y, expected):
    assert tile_cache.parse_tile(z, x, y) == expected


@pytest.mark.parametrize("point", [VARBERG, STOCKHOLM, (-33.86, 151.21), (0.0, 0.0)])
@pytest.mark.parametrize("z", [0, 12, 19])
def test_a_tile_covers_the_point_it_was_found_for(point, z):
    box = tile_cache.tile_box(*tile_at(*point, z))
    assert box.south <= point[0] <= box.north and box.west <= point[1] <= box.east


def test_a_margin_grows_a_box_by_about_that_many_metres():
    box = Box.around(*VARBERG, 1000)
    assert (box.north - box.south) * 111_320 == pytest.approx(2000, rel=1e-6)
    assert (box.east - box.west) * 111_320 * math.cos(math.radians(VARBERG[0])) == pytest.approx(2000, rel=1e-3)


@pytest.mark.parametrize("text", ["Varberg", "57,12,58", "58,12,57,13", "57,13,58,12", "57,12,95,13"])
def test_a_wrong_region_is_a_clear_error(text):
    with pytest.raises(ValueError, match="TILE_REGION"):
        Box.parse(text)


# --- The cache --------------------------------------------------------------------------------------

def make_cache(directory, upstream: StandInTiles, **options) -> TileCache:
    options.setdefault("max_bytes", 10 * 1024 * 1024)
    options.setdefault("lifetime", 7 * 86400)
    return TileCache(directory, fetch=Upstream(upstream.template, "Trygghetsvandring/test (+test)"), **options)


def test_twenty_concurrent_requests_for_one_tile_fetch_it_once(tmp_path, upstream):
    upstream.delay = 0.3  # all twenty ask while the first fetch is still under way
    cache = make_cache(tmp_path, upstream)
    results, start = [], threading.Barrier(20)

    def ask():
        start.wait()
        results.append(cache.get(15, 17498, 9805).data)

    threads = [threading.Thread(target=ask) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 20 and set(results) == {results[0]} and results[0].startswith(b"\x89PNG")
    assert upstream.hits == {"/15/17498/9805.png": 1}
    assert cache.get(15, 17498, 9805).fresh and upstream.total == 1  # afterwards from the disk


def test_two_processes_on_one_cache_directory_fetch_a_tile_once(tmp_path, upstream):
    """Two caches on one directory stand for two app workers: the lock file keeps the second waiting."""
    upstream.delay = 0.3
    first, second = make_cache(tmp_path, upstream), make_cache(tmp_path, upstream)
    start = threading.Barrier(10)
    got = []

    def ask(cache):
        start.wait()
        got.append(cache.get(16, 35000, 19600).data)

    threads = [threading.Thread(target=ask, args=(c,)) for c in [first, second] * 5]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(got) == 10 and upstream.total == 1
    assert not [name for _root, _dirs, names in os.walk(tmp_path) for name in names if not name.endswith(".png")]


def test_an_expired_tile_is_fetched_again_and_served_old_when_the_upstream_fails(tmp_path, upstream):
    cache = make_cache(tmp_path, upstream, lifetime=3600)
    first = cache.get(15, 1, 2)
    old = time.time() - 7200
    os.utime(cache.path(15, 1, 2), (old, old))
    assert cache.get(15, 1, 2).fresh and upstream.total == 2
    os.utime(cache.path(15, 1, 2), (old, old))
    upstream.status = 500
    stale = cache.get(15, 1, 2)
    assert stale.data == first.data and not stale.fresh and upstream.total == 3


def test_a_full_cache_drops_the_least_recently_served_tiles(tmp_path, upstream):
    size = len(tile_png(0))  # every stand-in tile is about this big
    cache = make_cache(tmp_path, upstream, max_bytes=int(size * 3.5))
    now = time.time()
    for age, x in [(300, 1), (200, 2), (100, 3)]:
        cache.get(15, x, 0)
        os.utime(cache.path(15, x, 0), (now - age, now))  # served `age` seconds ago, fetched just now
    cache.TOUCH_EVERY = 0  # serving tile 1 again marks it as the most recently served
    cache.get(15, 1, 0)
    cache.get(15, 4, 0)  # a fourth tile goes over the limit
    assert not cache.path(15, 2, 0).exists() and cache.path(15, 1, 0).exists() and cache.path(15, 4, 0).exists()
    assert cache.size() <= cache.max_bytes


def test_an_unreachable_upstream_is_an_error_with_a_status_then_answered_at_once(tmp_path):
    with StandInTiles() as gone:
        template = gone.template
    fetch = Upstream(template, "Trygghetsvandring/test (+test)", timeout=2)
    with pytest.raises(UpstreamError) as first:
        fetch(15, 1, 2)
    assert first.value.status in (502, 504)
    started = time.monotonic()
    with pytest.raises(UpstreamError):
        fetch(15, 1, 3)
    assert time.monotonic() - started < 0.1  # paused: a dead server does not hold a worker per tile


def test_a_cache_that_cannot_be_written_still_serves_the_map(tmp_path, upstream):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")
    cache = make_cache(blocked, upstream)
    assert cache.get(15, 1, 2).data.startswith(b"\x89PNG") and upstream.total == 1


# --- The route and who may load what ----------------------------------------------------------------

def test_a_participant_gets_tiles_around_the_walk_and_nothing_else(client, make_walk, join, upstream):
    join(make_walk())
    inside = client.get(url(*tile_at(*VARBERG, 16)))
    assert inside.status_code == 200 and inside.mimetype == "image/png" and inside.data.startswith(b"\x89PNG")
    near = (VARBERG[0] + 1500 / 111_320, VARBERG[1])  # 600 m area, 2 km margin
    assert client.get(url(*tile_at(*near, 17))).status_code == 200
    for point, z in [(TVAAKER, 16), (STOCKHOLM, 16), (VARBERG, 11), (VARBERG, 5)]:
        assert client.get(url(*tile_at(*point, z))).status_code == 404, (point, z)
    assert upstream.total == 2


def test_staff_get_every_tile_of_the_region_and_none_outside(client, login_as, upstream):
    login_as("leader")
    for point, z in [(TVAAKER, 16), (VARBERG, 19), (VARBERG, 8), ((57.35, 12.0), 14)]:
        assert client.get(url(*tile_at(*point, z))).status_code == 200, (point, z)
    assert client.get(url(*tile_at(*STOCKHOLM, 16))).status_code == 404


def test_a_configured_region_replaces_the_box_around_the_centre(app_config, upstream, request):
    app_config["TILE_REGION"] = "59.2,17.9,59.5,18.3"
    # The app, its client and the login come after the setting (the fixtures clean up after themselves).
    client = request.getfixturevalue("client")
    request.getfixturevalue("login_as")("leader")
    assert client.get(url(*tile_at(*STOCKHOLM, 16))).status_code == 200
    assert client.get(url(*tile_at(*TVAAKER, 16))).status_code == 404


@pytest.mark.parametrize(("status", "fields", "served"), [
    ("open", {}, True),
    ("draft", {}, False),  # staff only, until it opens
    ("closed", {"closed_at_hours_ago": 2}, True),  # phones still sending what waited
    ("closed", {"closed_at_hours_ago": 72}, False),
    ("closed", {"closed_at_hours_ago": 720, "feedback": True}, True),  # the public feedback page's map
])
def test_which_walks_open_their_tiles_to_anyone(client, make_walk, upstream, status, fields, served):
    extra = {}
    if "closed_at_hours_ago" in fields:
        extra["closed_at"] = utcnow() - dt.timedelta(hours=fields["closed_at_hours_ago"])
    if fields.get("feedback"):
        extra["feedback_published_at"] = utcnow()
    make_walk(status=status, **extra)
    assert client.get(url(*tile_at(*VARBERG, 16))).status_code == (200 if served else 404)


@pytest.mark.parametrize("path", ["/tiles/16/x/1.png", "/tiles/99/0/0.png", "/tiles/1/5/0.png",
                                  "/tiles/16/99999999999999999999/0.png", "/tiles/-1/0/0.png", "/tiles/16/1/2.jpg",
                                  "/tiles/16/1/2", "/tiles/١٦/1/2.png"])
def test_a_bad_tile_address_is_404(client, login_as, path, upstream):
    login_as("admin")
    assert client.get(path).status_code == 404
    assert upstream.total == 0


def test_the_upstream_hears_who_we_are(client, login_as, upstream):
    login_as("leader")
    client.get(url(*tile_at(*VARBERG, 15)))
    assert upstream.user_agents == ["Trygghetsvandring/0.1.0 (+gis@varberg.example)"]


def test_without_a_tile_contact_the_contact_email_is_given(app_config, upstream, request):
    app_config.update(TILE_CONTACT="", CONTACT_EMAIL="trygghet@kommun.example")
    app = request.getfixturevalue("app")
    assert app.extensions["walkapp_tiles"]["cache"].fetch.user_agent.endswith("(+trygghet@kommun.example)")


@pytest.mark.parametrize(("upstream_status", "ours"), [(500, 502), (503, 502), (403, 502), (404, 404)])
def test_an_upstream_error_is_an_answer_not_a_crash(client, login_as, upstream, upstream_status, ours):
    login_as("leader")
    upstream.status = upstream_status
    response = client.get(url(*tile_at(*VARBERG, 15)))
    assert response.status_code == ours and response.headers["Cache-Control"] == "no-store"


def test_an_unreachable_upstream_gives_a_gateway_error(app, client, login_as):
    with StandInTiles() as gone:
        pass  # its port is free again: nobody answers there
    app.extensions["walkapp_tiles"]["cache"].fetch.template = gone.template
    login_as("leader")
    assert client.get(url(*tile_at(*VARBERG, 15))).status_code in (502, 504)


def test_a_tile_is_served_with_cache_headers_and_answers_a_conditional_request(client, login_as, upstream):
    login_as("leader")
    first = client.get(url(*tile_at(*VARBERG, 15)))
    cache_control = first.headers["Cache-Control"]
    assert cache_control.startswith("private, max-age=")
    assert 7 * 86400 - 60 <= int(cache_control.split("=")[1]) <= 7 * 86400
    again = client.get(url(*tile_at(*VARBERG, 15)), headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and upstream.total == 1


def test_twenty_phones_at_once_make_one_upstream_request(app, client, make_walk, upstream):
    code = make_walk()
    assert code
    upstream.delay = 0.3
    address = url(*tile_at(*VARBERG, 17))
    statuses, start = [], threading.Barrier(20)

    def phone():
        own = app.test_client()
        start.wait()
        statuses.append(own.get(address).status_code)

    threads = [threading.Thread(target=phone) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == [200] * 20 and upstream.total == 1


# --- Every map asks our server ----------------------------------------------------------------------

def test_the_phone_and_its_service_worker_use_our_tiles_around_the_walk(client, make_walk):
    from tests.test_participant_pages import page_of

    code = make_walk()
    tiles = page_of(client.get(f"/j/{code}")).json["page-data"]["tiles"]
    assert tiles["url"] == "/tiles/{z}/{x}/{y}.png" and tiles["minZoom"] == 12
    (south, west), (north, east) = tiles["bounds"]
    assert south < VARBERG[0] < north and west < VARBERG[1] < east
    assert (north - south) * 111_320 == pytest.approx(2 * (600 + 2000), rel=0.02)
    body = client.get("/sw.js").get_data(as_text=True)
    assert json.loads(body.split(";\n", 1)[0].removeprefix("self.WALKAPP = "))["tiles"] == "/tiles/{z}/{x}/{y}.png"


def test_staff_and_folium_maps_use_our_tiles(client, login_as, make_walk):
    make_walk()
    login_as("admin")
    form = client.get("/leader/walks/new").get_data(as_text=True)
    config = json.loads(form.split('id="map-config">', 1)[1].split("</script>", 1)[0])
    assert config["tileUrl"] == "/tiles/{z}/{x}/{y}.png"
    findings = client.get("/planner/map").get_data(as_text=True)
    assert "/tiles/{z}/{x}/{y}.png" in findings and "127.0.0.1" not in findings


def test_images_and_fetches_come_from_our_own_origin_only(client):
    policy = dict(part.strip().split(" ", 1) for part in client.get("/").headers["Content-Security-Policy"].split(";"))
    assert policy["img-src"] == "'self' data: blob:"
    assert policy["connect-src"] == "'self'"
