"""Arabic on a Pixel 7: the page runs right to left, nothing scrolls sideways, the map and its
controls still work, and a pin is sent with the words in Arabic."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import screenshot, wait_until, watch
from tests.browser.test_participant_app import make_walk, stored_pins


def test_a_participant_walks_in_arabic(server, phone, guard):
    page = watch(phone.new_page(), guard)
    code = make_walk(server)
    page.goto(f"{server.url}/j/{code}")
    page.locator(".lang-menu summary").click()
    page.get_by_role("link", name="العربية").click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    screenshot(page, "arabic-intro")
    page.get_by_role("button", name="ابدأ").click()
    expect(page.get_by_role("button", name="ضع نقطة هنا")).to_be_focused()
    expect(page.locator("#gps-status")).to_be_empty()

    # The zoom control answers a tap: the map asks for tiles one level deeper.
    zoom = "Math.max(...[...document.querySelectorAll('img.leaflet-tile')].map(i => Number(new URL(i.src).pathname.split('/').at(-3))))"
    wait_until(page, "document.querySelectorAll('img.leaflet-tile-loaded').length > 0")
    before = page.evaluate(zoom)
    page.get_by_role("button", name="تكبير").click()
    wait_until(page, f"{zoom} === {before + 1}")
    page.get_by_role("button", name="ضع نقطة هنا").click()
    sheet = page.locator("#sheet")
    expect(sheet.get_by_role("heading", name="نقطة جديدة")).to_be_focused()
    sheet.get_by_role("radio", name="غير آمن جدًا").check()
    sheet.get_by_role("button", name="الإضاءة", exact=True).click()
    screenshot(page, "arabic-sheet")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    sheet.get_by_role("button", name="إرسال").click()
    expect(page.get_by_text("شكرًا! تم إرسال النقطة.")).to_be_visible()
    [pin] = stored_pins(server, code)
    assert pin["rating"] == 1 and pin["categories"] == ["belysning"]
    screenshot(page, "arabic-map")
    guard.assert_clean()
