"""What a youth meets in the field, on a Pixel 7: without GPS the pin stays inside the walk and the
map comes back after the sheet; one's own new pin shows above the position dot and pulses; the
status over the map stays small; the keyboard stays inside an open sheet."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import _context, screenshot, wait_until, watch
from tests.browser.test_participant_app import join, make_walk, send, stored_pins
from walkapp import geo
from tests.conftest import VARBERG

AREA_PATH = "path[stroke-dasharray='10 8']"


@pytest.fixture
def no_gps(browser, server, guard, playwright_devices):
    """A Pixel 7 whose owner said no to sharing the location."""
    device = dict(playwright_devices["Pixel 7"])
    device.pop("default_browser_type", None)
    context = _context(browser, server, device, guard)
    yield context
    context.close()


def box(page, selector: str) -> dict:
    return page.locator(selector).first.bounding_box()


def draft_tip(page) -> tuple[float, float]:
    b = page.get_by_role("img", name="Din nya punkt").bounding_box()
    return b["x"] + b["width"] / 2, b["y"] + b["height"]


def inside_area_on_screen(page, x: float, y: float) -> bool:
    """Whether the screen point lies inside the dashed area outline (the SVG path's own geometry)."""
    return page.evaluate("""([x, y]) => {
        const path = document.querySelector("path[stroke-dasharray='10 8']");
        const svg = path.ownerSVGElement;
        const point = svg.createSVGPoint();
        point.x = x; point.y = y;
        const local = point.matrixTransform(path.getScreenCTM().inverse());
        return path.isPointInFill(local);
    }""", [x, y])


def assert_in_view(page) -> None:
    """The new pin is drawn in the part of the map the bar, the toast and the sheet leave free."""
    x, y = draft_tip(page)
    top = max(box(page, "header")["height"], 0)
    toast = page.locator("#toast")
    if toast.text_content():
        top = box(page, "#toast")["y"] + box(page, "#toast")["height"]
    assert top + 41 <= y <= box(page, "#sheet")["y"], (top, y)


def test_without_gps_the_pin_stays_in_the_walk_and_the_map_comes_back(server, no_gps, guard):
    page = watch(no_gps.new_page(), guard)
    code = make_walk(server)
    page.goto(f"{server.url}/j/{code}")
    page.get_by_role("button", name="Kom igång").click()
    expect(page.locator("#gps-status")).to_have_text("Ingen position")
    # What to do about it is said once, and then the message leaves by itself.
    expect(page.locator("#toast")).to_contain_text("Tryck på kartan")
    # (The offline map's message may follow it: it waits for the screen to be free.)
    expect(page.locator("#toast")).not_to_contain_text("Tryck på kartan", timeout=12_000)
    area_before = box(page, AREA_PATH)

    for _ in range(5):
        page.get_by_role("button", name="Markera här").click()
        expect(page.get_by_role("img", name="Din nya punkt")).to_be_visible()
        assert inside_area_on_screen(page, *draft_tip(page))
        assert_in_view(page)
        # The status over the map gives way to the sheet; nothing covers the new pin.
        expect(page.locator(".status")).to_be_hidden()
        page.keyboard.press("Escape")
        expect(page.locator("#sheet")).to_be_hidden()
        after = box(page, AREA_PATH)
        assert abs(after["x"] - area_before["x"]) < 1 and abs(after["y"] - area_before["y"]) < 1, (area_before, after)

    # Panned away so the middle of the screen is outside the area, the new pin still starts inside it.
    page.mouse.move(200, 400)
    page.mouse.down()
    page.mouse.move(200, 900, steps=8)
    page.mouse.up()
    page.get_by_role("button", name="Markera här").click()
    assert inside_area_on_screen(page, *draft_tip(page))
    assert_in_view(page)
    page.locator("#sheet").get_by_role("radio", name="Ganska otryggt").check()
    screenshot(page, "field-no-gps-sheet")
    send(page)
    expect(page.get_by_text("Tack! Punkten är skickad.")).to_be_visible()
    [pin] = stored_pins(server, code)
    assert geo.distance_m(VARBERG[0], VARBERG[1], pin["lat"], pin["lon"]) < 600
    guard.assert_clean()


def test_a_new_pin_shows_above_the_position_dot_and_pulses(server, phone, guard):
    page = watch(phone.new_page(), guard)
    code = make_walk(server)
    join(page, server, code)
    page.get_by_role("button", name="Markera här").click()
    page.locator("#sheet").get_by_role("radio", name="Mycket otryggt").check()
    send(page)
    pin = page.locator(".leaflet-own-pane path.pin-new")
    expect(pin).to_have_count(1)
    stacking = page.evaluate("""() => ({
        own: Number(getComputedStyle(document.querySelector('.leaflet-own-pane')).zIndex),
        me: Number(getComputedStyle(document.querySelector('.leaflet-me-pane')).zIndex),
    })""")
    assert stacking["own"] > stacking["me"]
    # The pin sits where the phone is, under the same screen point as the position dot.
    centres = page.evaluate("""() => [".leaflet-me-pane path:last-of-type", ".leaflet-own-pane path"].map((s) => {
        const r = document.querySelector(s).getBoundingClientRect();
        return [r.x + r.width / 2, r.y + r.height / 2];
    })""")
    assert abs(centres[0][0] - centres[1][0]) < 2 and abs(centres[0][1] - centres[1][1]) < 2, centres
    screenshot(page, "field-new-pin")
    # The pulse is over after a few seconds; the pin stays.
    expect(page.locator(".leaflet-own-pane path.pin-new")).to_have_count(0, timeout=10_000)
    expect(page.locator(".leaflet-own-pane path")).to_have_count(1)
    guard.assert_clean()


def test_offline_status_is_a_small_chip(server, phone, guard):
    page = watch(phone.new_page(), guard)
    code = make_walk(server)
    join(page, server, code)
    wait_until(page, "navigator.serviceWorker.controller !== null && document.documentElement.dataset.offline === 'ready'")
    phone.set_offline(True)
    page.get_by_role("button", name="Markera här").click()
    page.locator("#sheet").get_by_role("radio", name="Ganska tryggt").check()
    send(page)
    chip = page.locator("#net-status")
    expect(chip).to_have_text("Offline · 1 punkt väntar")
    status = box(page, ".status")
    viewport = page.viewport_size
    assert status["height"] <= 64, status  # at most two small lines, not a third of the map
    screenshot(page, "field-offline-chip")
    phone.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(chip).to_be_empty(timeout=15_000)
    assert viewport["height"] > 600
    guard.assert_clean()


def test_the_keyboard_stays_in_the_open_sheet(server, phone, guard):
    page = watch(phone.new_page(), guard)
    code = make_walk(server)
    join(page, server, code)
    mark = page.get_by_role("button", name="Markera här")
    mark.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#sheet").get_by_role("heading", name="Ny punkt")).to_be_focused()
    for key in ["Tab"] * 30 + ["Shift+Tab"] * 30:
        page.keyboard.press(key)
        assert page.evaluate("document.getElementById('sheet').contains(document.activeElement)"), key
    page.keyboard.press("Escape")
    expect(mark).to_be_focused()
    guard.assert_clean()
