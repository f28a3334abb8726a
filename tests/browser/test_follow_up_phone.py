"""A follow-up walk on a Pixel 7: at one of the earlier walk's places the form asks "Har det blivit
bättre?", the answer is sent like any pin, and on closing it joins the same place: the place gets its
before/after."""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.conftest import screenshot, watch
from tests.browser.test_participant_app import join, make_walk
from tests.conftest import VARBERG
from tests.factories import arrange, location_ids
from walkapp import follow_up, lifecycle, locations
from walkapp.extensions import db
from walkapp.models import Location, User, Walk, utcnow


def test_the_follow_up_question_at_an_earlier_place(server, phone, guard):
    app = server.app()
    # The earlier walk: an unsafe place right where the phone stands (the browser's position is VARBERG).
    earlier = arrange(app, lambda **f: make_walk(server, **f),
                      [{"dx": 0, "dy": 0, "rating": 1, "person": 0}, {"dx": 2, "dy": 1, "rating": 1, "person": 1}],
                      when=utcnow() - dt.timedelta(days=120), title="Våren")
    [place] = location_ids(app, earlier)
    with app.app_context():
        leader = User(email=f"ledare{utcnow().timestamp()}@example.org", display_name="L", role="leader", password_hash="x")
        db.session.add(leader)
        follow = follow_up.create(db.session.get(Walk, earlier), leader, "Uppföljning: Våren")
        follow.status, follow.opened_at = "open", utcnow()
        db.session.commit()
        code, follow_id = follow.join_code, follow.id

    page = watch(phone.new_page(), guard)
    join(page, server, code)
    expect(page.get_by_text("Det här är en uppföljning.")).to_be_hidden()  # the intro is behind us
    page.get_by_role("button", name="Markera här").click()
    sheet = page.locator("#sheet")
    expect(sheet.locator("#rating-legend")).to_have_text("Har det blivit bättre? Hur känns platsen nu?")
    expect(sheet.locator("#follow-up-hint")).to_contain_text("en plats från förra vandringen")
    screenshot(page, "follow-up-question")
    sheet.get_by_role("radio", name="Ganska tryggt").check()
    sheet.get_by_role("button", name="Skicka").click()
    expect(page.get_by_text("Tack! Punkten är skickad.")).to_be_visible()

    # Away from the places the question is the usual one.
    page.get_by_role("button", name="Markera här").click()
    box = page.locator("#map").bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.9, box["y"] + box["height"] * 0.15)
    expect(sheet.locator("#rating-legend")).to_have_text("Hur känns platsen?")
    page.keyboard.press("Escape")

    with app.app_context():
        walk = db.session.get(Walk, follow_id)
        lifecycle.change_status(walk, "closed", None)
        walk.published_at = utcnow()
        db.session.commit()
        # Other tests' walks may have pins at this spot too; these two walks' rows are before and after.
        history = {row["walk"].id: row for row in locations.per_walk(db.session.get(Location, place))}
        assert earlier in history and follow_id in history
        assert (round(history[earlier]["mean_rating"]), round(history[follow_id]["mean_rating"])) == (1, 3)
    guard.assert_clean()
