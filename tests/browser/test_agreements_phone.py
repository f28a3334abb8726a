"""'Jag håller med' on a Pixel 7: a new pin next to someone else's offers to agree instead; an
agreement made offline waits on the phone and arrives exactly once; it can be taken back; the phone
never shows what the other participant wrote."""

from __future__ import annotations

import secrets

from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.conftest import screenshot, wait_until, watch
from tests.browser.test_participant_app import join, make_walk, my_pins, wait_for_offline_copy
from tests.conftest import VARBERG
from walkapp.extensions import db
from walkapp.models import Agreement, Participant, Pin, Walk

SECRET = "Mitt hemliga ord om platsen"


def _with_others_pin(server) -> tuple[str, int]:
    """A walk that shares pins, with someone else's pin 11 m north of the phone."""
    code = make_walk(server, share_pins=True)
    with server.app().app_context():
        walk = db.session.scalar(select(Walk).where(Walk.join_code == code))
        other = Participant(walk=walk, token_hash=secrets.token_hex(32))
        pin = Pin(walk=walk, participant=other, client_id="someone-elses-pin", lat=VARBERG[0] + 0.0001,
                  lon=VARBERG[1], rating=1, categories=["belysning"], comment=SECRET)
        db.session.add(pin)
        db.session.commit()
        return code, pin.id


def _agreements(server, pin_id: int) -> list[tuple[int | None, str]]:
    with server.app().app_context():
        rows = db.session.scalars(select(Agreement).where(Agreement.pin_id == pin_id)).all()
        return [(a.rating, a.comment) for a in rows]


def test_agree_offline_instead_of_a_duplicate_arrives_once_and_can_be_taken_back(server, phone, guard):
    page = watch(phone.new_page(), guard)
    code, pin_id = _with_others_pin(server)
    join(page, server, code)
    wait_for_offline_copy(page)

    # "Markera här" right beside the other pin: the sheet offers it first.
    page.get_by_role("button", name="Markera här").click()
    nearby = page.locator("#nearby")
    expect(nearby).to_be_visible()
    expect(nearby).to_contain_text("Det finns redan en punkt här.")
    offer = nearby.get_by_role("button", name="Mycket otryggt")
    expect(offer).to_contain_text("Belysning")
    expect(offer).to_contain_text("Jag håller med")
    screenshot(page, "agree-nearby")

    phone.set_offline(True)
    offer.click()
    agree = page.locator("#agree")
    expect(agree.get_by_role("heading", name="Någon annans punkt")).to_be_focused()
    expect(page.locator("#sheet")).to_be_hidden()
    agree.get_by_role("radio", name="Ganska otryggt").check()
    agree.get_by_label("Vill du lägga till något?").fill("Mörkt vid busshållplatsen")
    screenshot(page, "agree-sheet")
    agree.get_by_role("button", name="Jag håller med").click()
    expect(agree).to_be_hidden()
    expect(page.locator("#toast")).to_have_text("Sparat i telefonen. Det skickas när du har täckning.")
    expect(page.locator("#net-status")).to_have_text("Offline · 1 punkt väntar")
    assert _agreements(server, pin_id) == []

    # Reloaded offline, it is still on the phone, in Mina punkter.
    page.reload()
    items = my_pins(page)
    expect(items).to_have_count(1)
    expect(items.first).to_contain_text("Du håller med")
    expect(items.first).to_contain_text("Väntar på uppladdning")
    page.keyboard.press("Escape")

    phone.set_offline(False)
    items = my_pins(page)
    expect(items.first).to_contain_text("Du håller med om den här punkten.")
    assert _agreements(server, pin_id) == [(2, "Mörkt vid busshållplatsen")]
    # It is a voice in the figures: one pin, one agreement, two people.
    with server.app().app_context():
        from walkapp import places

        walk = db.session.scalar(select(Walk).where(Walk.join_code == code))
        facts = places.walk_facts(walk)
        assert (facts["pins"], facts["agreements"], facts["people"]) == (1, 1, 2)
    # Mina punkter counts one's own pins only.
    expect(page.locator("#mine-count")).to_be_hidden()
    page.keyboard.press("Escape")

    # Tapping the other pin on the map: it says so, and it can be taken back.
    page.locator("path.leaflet-interactive").first.click()
    agree = page.locator("#agree")
    expect(agree.get_by_role("heading", name="Någon annans punkt")).to_be_focused()
    expect(agree).to_contain_text("Du håller med om den här punkten.")
    expect(agree.get_by_role("button", name="Jag håller med")).to_be_hidden()
    agree.get_by_role("button", name="Ta tillbaka").click()
    expect(page.locator("#toast")).to_have_text("Du håller inte längre med om punkten.")
    expect(agree.get_by_role("button", name="Jag håller med")).to_be_visible()
    assert _agreements(server, pin_id) == []

    # Nowhere on the phone, not in the page and not in what the API gave it, are the other's words.
    assert SECRET not in page.content()
    assert SECRET not in page.evaluate("JSON.stringify(localStorage)")
    guard.assert_clean()


def test_a_new_pin_near_ones_own_offers_to_change_it(server, phone, guard):
    page = watch(phone.new_page(), guard)
    code = make_walk(server, share_pins=True)
    join(page, server, code)
    page.get_by_role("button", name="Markera här").click()
    sheet = page.locator("#sheet")
    expect(sheet.locator("#nearby")).to_be_hidden()  # nothing here yet
    sheet.get_by_role("radio", name="Ganska tryggt").check()
    sheet.get_by_role("button", name="Skicka").click()
    expect(sheet).to_be_hidden()
    expect(page.get_by_text("Tack! Punkten är skickad.")).to_be_visible()

    page.get_by_role("button", name="Markera här").click()
    offer = sheet.locator("#nearby").get_by_role("button", name="Ganska tryggt")
    expect(offer).to_contain_text("Din punkt")
    expect(offer).to_contain_text("Ändra den")
    offer.click()
    expect(sheet.get_by_role("heading", name="Ändra punkt")).to_be_focused()
    expect(sheet.get_by_role("radio", name="Ganska tryggt")).to_be_checked()
    expect(sheet.locator("#nearby")).to_be_hidden()
    guard.assert_clean()


def test_an_agreement_sent_just_before_coverage_ends_stays_in_the_list(server, phone, guard):
    """The agreement arrives, but the list's fetch after it is lost as the phone walks out of
    coverage: "Mina punkter" still shows it, offline."""
    page = watch(phone.new_page(), guard)
    code, pin_id = _with_others_pin(server)
    join(page, server, code)
    wait_for_offline_copy(page)
    # The list has been fetched once, with the other's pin, and kept for offline use.
    wait_until(page, "k => JSON.parse(localStorage.getItem(k) || '[]').length === 1", f"walkapp:pins:{code}")

    def lose_the_list(route):
        if route.request.method == "GET":
            return route.abort("internetdisconnected")
        return route.fallback()

    phone.route(f"**/api/v1/walks/{code}/pins", lose_the_list)
    page.get_by_role("button", name="Markera här").click()
    page.locator("#nearby").get_by_role("button", name="Mycket otryggt").click()
    agree = page.locator("#agree")
    agree.get_by_role("radio", name="Ganska otryggt").check()
    agree.get_by_role("button", name="Jag håller med").click()
    expect(agree).to_be_hidden()
    wait_until(page, "() => WalkQueue.all().then(r => r.length === 0)")
    assert _agreements(server, pin_id) == [(2, None)]

    phone.set_offline(True)
    items = my_pins(page)
    expect(items).to_have_count(1)
    expect(items.first).to_contain_text("Du håller med om den här punkten.")
    assert guard.cut_off >= 1  # the list's fetch was lost, as the test meant
    guard.assert_clean()
