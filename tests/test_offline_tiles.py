"""Which tiles a phone keeps for offline use: the area at zoom 14 and up, as deep as the limit allows;
the phone page carries the plan, the leader's page its size, and 0 turns it off."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from tests.factories import Page
from walkapp import geo, offline_tiles, tile_cache


def _box(radius_m: float) -> tile_cache.Box:
    return tile_cache.box_of(geo.circle_area(57.1057, 12.2502, radius_m))


def test_zoom_levels_are_added_while_they_fit():
    plan = offline_tiles.plan(_box(600), 400)
    assert (plan.min_zoom, plan.max_zoom) == (14, 17)
    assert plan.tiles == sum(offline_tiles.count(_box(600).grown(offline_tiles.MARGIN_M), z) for z in range(14, 18))
    assert plan.tiles <= 400
    assert offline_tiles.plan(_box(600), 2000).max_zoom == 18
    assert offline_tiles.plan(_box(600), 0) is None  # off
    assert offline_tiles.plan(_box(20_000), 400) is None  # a whole town does not fit even at zoom 14


@given(st.floats(min_value=-80, max_value=80), st.floats(min_value=-179, max_value=179),
       st.floats(min_value=10, max_value=3000), st.integers(min_value=1, max_value=2000))
def test_the_plan_never_exceeds_its_limit_and_covers_the_area(lat, lon, radius, limit):
    box = tile_cache.box_of(geo.circle_area(lat, lon, radius))
    plan = offline_tiles.plan(box, limit)
    if plan is None:
        return
    assert plan.tiles <= limit
    for z in range(plan.min_zoom, plan.max_zoom + 1):
        x0, x1, y0, y1 = offline_tiles.tile_range(box, z)
        assert x0 <= x1 and y0 <= y1
        # The area's corners lie in the range's tiles.
        south_west = tile_cache.tile_box(z, x0, y1)
        north_east = tile_cache.tile_box(z, x1, y0)
        assert south_west.west <= box.west + 1e-9 and south_west.south <= box.south + 1e-9
        assert north_east.east >= box.east - 1e-9 and north_east.north >= box.north - 1e-9


def test_the_phone_page_carries_the_plan_and_the_leader_sees_its_size(app, client, make_walk, login_as):
    leader = login_as("leader")
    code = make_walk(leader=leader)
    html = client.get(f"/j/{code}").get_data(as_text=True)
    page = json.loads(html.split('<script type="application/json" id="page-data">')[1].split("</script>")[0])
    assert page["offline"]["zooms"] == [14, 17] and page["offline"]["tiles"] == offline_tiles.plan(_box(600), 400).tiles
    from sqlalchemy import select

    from walkapp.extensions import db
    from walkapp.models import Walk

    with app.app_context():
        walk_id = db.session.scalar(select(Walk.id).where(Walk.join_code == code))
    text = Page(client.get(f"/leader/walks/{walk_id}").get_data(as_text=True)).all_text
    assert f"Varje telefon sparar {page['offline']['tiles']} kartbitar (zoom 14–17), cirka" in text
    assert " MB, när deltagaren har gått med." in text
    app.config["TILE_PREFETCH_MAX"] = 0
    html = client.get(f"/j/{code}").get_data(as_text=True)
    assert '"offline": null' in html
    assert "Telefonerna sparar inte kartan" in Page(client.get(f"/leader/walks/{walk_id}").get_data(as_text=True)).all_text
