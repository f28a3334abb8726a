"""Map tiles in Chromium: a phone on a walk asks no origin but the app's own, the app asks the stand-in
upstream once per tile however many devices look, and staff get tiles anywhere in the region."""

from __future__ import annotations

import math
import time

from playwright.sync_api import expect

from tests.browser.conftest import TILE_PATH, wait_until, watch
from tests.browser.test_participant_app import join, make_walk, wait_for_offline_copy

PASSWORD = "kartbitarnas-långa-lösen"
TVAAKER = (57.0431, 12.4113)  # in the region (30 km around Varberg), far from every test walk
STOCKHOLM = (59.3293, 18.0686)


def tile_url(server, lat: float, lon: float, z: int) -> str:
    n = 2**z
    x = int((lon + 180.0) / 360.0 * n)
    y = int((1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * n)
    return f"{server.url}{TILE_PATH}{z}/{x}/{y}.png"


def loaded_tiles(page) -> list[str]:
    wait_until(page, "document.querySelectorAll('img.leaflet-tile-loaded').length >= 4")
    return page.eval_on_selector_all("img.leaflet-tile-loaded", "tiles => tiles.map((t) => t.src)")


def test_a_phone_session_asks_only_our_server_which_asks_upstream_once_per_tile(server, phone, laptop, guard):
    code = make_walk(server)
    asked: list[str] = []
    phone.on("request", lambda request: asked.append(request.url))  # the pages' and the service worker's
    page = watch(phone.new_page(), guard)
    join(page, server, code)
    tiles = loaded_tiles(page)
    wait_for_offline_copy(page)
    page.reload()
    expect(page.get_by_role("button", name="Markera här")).to_be_visible()
    loaded_tiles(page)
    page.wait_for_load_state("networkidle")

    elsewhere = [u for u in asked if not u.startswith((server.url + "/", "data:", "blob:"))]
    assert elsewhere == [] and guard.external == []
    assert all(u.startswith(server.url + TILE_PATH) for u in tiles)
    fetched = dict(server.upstream.hits)
    assert {"/" + u.split(TILE_PATH, 1)[1] for u in tiles} <= set(fetched)  # each came from upstream …
    assert max(fetched.values()) == 1  # … once, in the whole session so far
    print(f"\nphone: {len(asked)} requests, all to {server.url}; {len(tiles)} tiles shown, "
          f"{sum(fetched.values())} upstream fetches for {len(fetched)} tiles")

    # A second device on the same walk: our server answers from its cache, the upstream hears nothing.
    other = watch(laptop.new_page(), guard)
    other.set_viewport_size(page.viewport_size)  # the same view of the walk, in another browser
    other.goto(f"{server.url}/j/{code}")
    other.get_by_role("button", name="Kom igång").click()
    shared = [u for u in loaded_tiles(other) if "/" + u.split(TILE_PATH, 1)[1] in fetched]
    other.wait_for_load_state("networkidle")
    assert shared and all(server.upstream.hits["/" + u.split(TILE_PATH, 1)[1]] == 1 for u in shared)
    assert max(server.upstream.hits.values()) == 1
    guard.assert_clean()


def test_staff_get_tiles_anywhere_in_the_region_and_others_do_not(server, laptop, phone, guard):
    email = f"kartor{time.monotonic_ns()}@example.org"
    server.flask("users", "create", email, "--role", "leader", "--password-stdin", input=PASSWORD + "\n")
    page = watch(laptop.new_page(), guard)
    page.goto(server.url + "/login")
    page.get_by_label("E-post").fill(email)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    expect(page.get_by_role("heading", name="Vandringar")).to_be_visible()
    page.goto(server.url + "/leader/walks/new")
    assert all(u.startswith(server.url + TILE_PATH) for u in loaded_tiles(page))

    for z in (10, 14, 17, 19):
        assert laptop.request.get(tile_url(server, *TVAAKER, z)).status == 200, z
    assert laptop.request.get(tile_url(server, *STOCKHOLM, 15)).status == 404
    # Nobody logged in: nothing away from the walks.
    assert phone.request.get(tile_url(server, *TVAAKER, 15)).status == 404
    assert max(server.upstream.hits.values()) == 1
    guard.assert_clean()
