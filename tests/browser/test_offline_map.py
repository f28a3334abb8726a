"""The walk area works offline on a Pixel 7: once a youth has joined, the phone keeps the area's tiles
(through our server, each fetched upstream once); offline and reloaded, the map shows them from the
phone; the leader's page says how large that download is."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.conftest import TILE_PATH, screenshot, wait_until, watch
from tests.browser.test_participant_app import join, make_walk, wait_for_offline_copy
from walkapp import offline_tiles, tile_cache
from walkapp.extensions import db
from walkapp.models import Walk


def test_the_walk_area_is_kept_and_shows_offline_after_a_reload(server, phone, guard):
    code = make_walk(server)
    with server.app().app_context():
        area = db.session.scalar(select(Walk.area_geojson).where(Walk.join_code == code))
    import json

    plan = offline_tiles.plan(tile_cache.box_of(json.loads(area)), 400)
    page = watch(phone.new_page(), guard)
    join(page, server, code)
    wait_for_offline_copy(page)
    wait_until(page, "document.documentElement.dataset.tiles === 'ready'", timeout_ms=60_000)
    # Said once no other message is on screen (it waits for one to go).
    expect(page.locator("#toast")).to_contain_text("Kartan finns nu i telefonen", timeout=15_000)
    kept = page.evaluate("caches.open('walkapp-tiles').then((c) => c.keys()).then((k) => k.length)")
    assert kept == plan.tiles
    assert max(server.upstream.hits.values()) == 1  # the phone and its map asked; the upstream once each

    phone.set_offline(True)
    page.reload()
    expect(page.get_by_role("button", name="Markera här")).to_be_visible()
    wait_until(page, "document.querySelectorAll('img.leaflet-tile-loaded').length >= 4")
    # Every tile on screen is one the phone kept: with the network off, nothing else could draw.
    shown = page.eval_on_selector_all("img.leaflet-tile-loaded", "tiles => tiles.map((t) => t.src)")
    assert shown and all(TILE_PATH in u for u in shown)
    missing = page.evaluate("""async (urls) => {
        const cache = await caches.open('walkapp-tiles');
        const found = await Promise.all(urls.map((u) => cache.match(u)));
        return urls.filter((u, i) => !found[i]);
    }""", shown)
    assert missing == []
    screenshot(page, "offline-map-after-reload")
    phone.set_offline(False)
    guard.assert_clean()
