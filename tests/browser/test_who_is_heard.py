"""Who is heard, on the leader's live dashboard at a laptop and on a phone: a bar per participant and
the warning when three voices dominate, kept fresh by the feed."""

from __future__ import annotations

import uuid

from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.conftest import screenshot, watch
from tests.browser.test_leader_flow import PASSWORD, _leader
from tests.conftest import VARBERG
from walkapp import geo
from walkapp.extensions import db
from walkapp.models import Participant, Pin, User, Walk, hash_token, utcnow
from walkapp.walks import new_join_code, set_area


def _walk_of_eight(server, leader_email: str) -> int:
    with server.app().app_context():
        leader = db.session.scalar(select(User).where(User.email == leader_email))
        walk = Walk(title="Kväll vid Mittpunkten", join_code=new_join_code(), status="open", opened_at=utcnow(),
                    created_by_id=leader.id)
        set_area(walk, geo.circle_area(*VARBERG, 600))
        walk.staff.append(leader)
        db.session.add(walk)
        for i in range(8):
            who = Participant(walk=walk, token_hash=hash_token(uuid.uuid4().hex))
            for j in range(6 if i < 3 else 1):
                db.session.add(Pin(walk=walk, participant=who, client_id=str(uuid.uuid4()), rating=1 + (i + j) % 4,
                                   lat=VARBERG[0] + 0.0003 * i, lon=VARBERG[1] + 0.0003 * j, categories=[]))
        db.session.commit()
        return walk.id


def test_the_live_dashboard_says_when_a_few_dominate(server, laptop, phone, guard):
    email = _leader(server)
    walk_id = _walk_of_eight(server, email)
    for name, context in (("laptop", laptop), ("phone", phone)):
        page = watch(context.new_page(), guard)
        page.goto(server.url + "/login")
        page.get_by_label("E-post").fill(email)
        page.get_by_label("Lösenord").fill(PASSWORD)
        page.get_by_role("button", name="Logga in").click()
        page.goto(f"{server.url}/leader/walks/{walk_id}/live")
        section = page.locator("section.spread")
        expect(section.get_by_role("heading", name="Vem hörs?")).to_be_visible()
        expect(section.locator("meter")).to_have_count(8)
        expect(section.get_by_role("status")).to_contain_text("Några få hörs mest")
        expect(page.locator("#live-status")).not_to_be_empty()  # the feed answered and redrew it
        expect(section.locator("meter")).to_have_count(8)
        section.scroll_into_view_if_needed()
        screenshot(page, f"{name}-leader-who-is-heard")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        page.close()
    guard.assert_clean()


def test_pins_at_one_spot_show_their_count_and_list_on_tap(server, laptop, guard):
    email = _leader(server)
    walk_id = _walk_of_eight(server, email)
    with server.app().app_context():
        walk = db.session.get(Walk, walk_id)
        first = db.session.scalar(select(Pin).where(Pin.walk_id == walk_id).order_by(Pin.id))
        for comment in ("Här igen", "Och här"):
            db.session.add(Pin(walk=walk, participant=first.participant, client_id=str(uuid.uuid4()), rating=2,
                               lat=first.lat, lon=first.lon, categories=[], comment=comment))
        db.session.commit()
    page = watch(laptop.new_page(), guard)
    page.goto(server.url + "/login")
    page.get_by_label("E-post").fill(email)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.goto(f"{server.url}/leader/walks/{walk_id}/live")
    stack = page.locator(".stack-count").filter(has_text="3")
    expect(stack).to_have_count(1)
    stack.click()
    popup = page.locator(".stack-list")
    expect(popup).to_contain_text("3 punkter på samma ställe")
    expect(popup).to_contain_text("Här igen")
    expect(popup).to_contain_text("Och här")
    expect(popup.get_by_role("link", name="Moderera")).to_have_count(3)
    screenshot(page, "laptop-leader-live-stack")
    guard.assert_clean()
