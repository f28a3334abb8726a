"""Edge cases of the phone app found in review: a lost reply followed by an edit or a delete, a pin
sent just before the phone loses coverage, a stop name with markup, and changing how a waiting pin's
place is given."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import wait_until
from tests.browser.test_participant_app import (  # noqa: F401  (the page fixture)
    STOPS,
    join,
    make_walk,
    my_pins,
    new_pin,
    page,
    send,
    stored_pins,
    wait_for_offline_copy,
)
from tests.conftest import VARBERG
from walkapp import geo
from walkapp.extensions import db
from walkapp.models import Walk
from walkapp.walks import new_join_code, set_area


def _lose_first_reply_and_go_offline(phone, page, code):
    """The server stores the first pin, but the phone walks out of coverage before the answer arrives.

    Until _back_in_coverage, every later pin the phone sends fails as well: going offline in the
    browser can come a moment after the phone has begun sending again, and that retry would get
    the stored pin back."""
    posts = {"n": 0, "covered": True}

    def handler(route):
        if route.request.method != "POST":
            return route.fallback()
        if not posts["covered"]:
            return route.abort("internetdisconnected")
        posts["n"] += 1
        if posts["n"] == 1:
            route.fetch()
            posts["covered"] = False
            phone.set_offline(True)
            return route.abort("connectionreset")
        return route.fallback()

    phone.route(f"**/api/v1/walks/{code}/pins", handler)
    new_pin(page, "Ganska tryggt", ["Trafik"], "först")
    send(page)
    wait_until(page, "() => navigator.onLine === false")
    pins = my_pins(page)
    expect(pins.filter(has_text="Väntar")).to_have_count(1)
    return pins, posts


def _back_in_coverage(phone, posts):
    posts["covered"] = True
    phone.set_offline(False)


def _queue_empty(page, tries: int = 150):
    """Wait (inside Playwright calls, so route handlers run) until the phone's outbox is empty."""
    for _ in range(tries):
        if page.evaluate("WalkQueue.all().then(r => r.length)") == 0:
            return
        page.wait_for_timeout(100)
    raise AssertionError("pins still wait on the phone: " + page.evaluate("WalkQueue.all().then(r => JSON.stringify(r))"))


def test_an_edit_after_a_lost_reply_reaches_the_server(server, phone, page, guard):
    code = make_walk(server)
    join(page, server, code)
    wait_for_offline_copy(page)
    pins, posts = _lose_first_reply_and_go_offline(phone, page, code)
    pins.first.get_by_role("button", name="Ändra").click()
    sheet = page.locator("#sheet")
    sheet.get_by_role("radio", name="Mycket otryggt").check()
    sheet.get_by_label("Kommentar").fill("ändrad: mycket otryggt")
    sheet.get_by_role("button", name="Spara ändringen").click()
    expect(sheet).to_be_hidden()
    _back_in_coverage(phone, posts)
    _queue_empty(page)
    stored = stored_pins(server, code)
    assert len(stored) == 1
    assert (stored[0]["rating"], stored[0]["comment"]) == (1, "ändrad: mycket otryggt")
    guard.assert_clean()


def test_a_delete_after_a_lost_reply_deletes_the_servers_copy(server, phone, page, guard):
    code = make_walk(server)
    join(page, server, code)
    wait_for_offline_copy(page)
    pins, posts = _lose_first_reply_and_go_offline(phone, page, code)
    pins.first.get_by_role("button", name="Ta bort").click()
    pins.first.get_by_role("button", name="Ja, ta bort").click()
    expect(page.locator("#mine .pin")).to_have_count(0)
    _back_in_coverage(phone, posts)
    _queue_empty(page)
    assert stored_pins(server, code) == []
    guard.assert_clean()


def test_a_pin_sent_just_before_coverage_ends_stays_in_the_list(server, phone, page, guard):
    """The pin is sent, but the list's fetch of the pins is lost as the phone walks out of coverage:
    "Mina punkter" still shows it as sent, beside the one that now waits on the phone."""
    code = make_walk(server)
    join(page, server, code)
    wait_for_offline_copy(page)

    def lose_the_list(route):
        if route.request.method == "GET":
            return route.abort("internetdisconnected")
        return route.fallback()

    phone.route(f"**/api/v1/walks/{code}/pins", lose_the_list)
    new_pin(page, "Ganska otryggt", ["Trafik"], "skickad precis innan")
    send(page)
    expect(page.get_by_text("Tack! Punkten är skickad.")).to_be_visible()
    phone.set_offline(True)
    new_pin(page, "Mycket tryggt")
    send(page)
    pins = my_pins(page)
    expect(pins).to_have_count(2)
    expect(pins.filter(has_text="Skickad")).to_have_count(1)
    expect(pins.filter(has_text="skickad precis innan")).to_have_count(1)
    expect(pins.filter(has_text="Väntar")).to_have_count(1)

    phone.unroute(f"**/api/v1/walks/{code}/pins")
    phone.set_offline(False)
    expect(pins.filter(has_text="Skickad")).to_have_count(2)
    assert len(stored_pins(server, code)) == 2
    assert guard.cut_off >= 1  # the list's fetch was lost, as the test meant
    guard.assert_clean()


def test_a_waiting_pin_moved_from_a_stop_to_words_keeps_the_words(server, phone, page, guard):
    code = make_walk(server)
    join(page, server, code)
    wait_for_offline_copy(page)
    phone.set_offline(True)
    page.get_by_role("button", name="Kan du inte använda kartan?").click()
    sheet = page.locator("#sheet")
    sheet.get_by_role("radio", name=STOPS[0]["name"]).check()
    sheet.get_by_role("radio", name="Ganska otryggt").check()
    sheet.get_by_role("button", name="Skicka").click()
    expect(sheet).to_be_hidden()
    my_pins(page).first.get_by_role("button", name="Ändra").click()
    sheet.get_by_role("radio", name="Beskriv platsen med ord").check()
    sheet.get_by_label("Var är det?").fill("Under bron vid ån")
    sheet.get_by_role("button", name="Spara ändringen").click()
    expect(sheet).to_be_hidden()
    phone.set_offline(False)
    _queue_empty(page)
    stored = stored_pins(server, code)
    assert (stored[0]["stop_name"], stored[0]["place_description"]) == (None, "Under bron vid ån")
    guard.assert_clean()


def test_a_stop_name_with_markup_is_shown_as_text(server, phone, page, guard):
    name = '<img src=x onerror="window.__xss=1">Torget'
    with server.app().app_context():
        walk = Walk(title="Märkligt stopp", join_code=new_join_code(), status="open",
                    stops=[{"name": name, "lat": VARBERG[0] + 0.001, "lon": VARBERG[1]}])
        set_area(walk, geo.circle_area(*VARBERG, 600))
        db.session.add(walk)
        db.session.commit()
        code = walk.join_code
    join(page, server, code)
    expect(page.locator(".stop-label").first).to_have_text(name)
    assert page.evaluate("window.__xss") is None
    guard.assert_clean()
