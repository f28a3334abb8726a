"""Hjälp on a Pixel 7: 112 and BRIS one tap away from the intro and the map, offline too, and out of
the way of the map."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import screenshot, watch
from tests.browser.test_participant_app import join, make_walk, wait_for_offline_copy


def test_help_opens_over_the_map_offline_too(server, phone, guard):
    page = watch(phone.new_page(), guard)
    code = make_walk(server)
    page.goto(f"{server.url}/j/{code}")
    expect(page.get_by_role("link", name="Hjälp")).to_be_visible()  # already on the intro
    join(page, server, code)
    wait_for_offline_copy(page)
    phone.set_offline(True)
    page.reload()

    page.get_by_role("link", name="Hjälp").click()
    sheet = page.locator("#help")
    expect(sheet.get_by_role("heading", name="Hjälp")).to_be_focused()
    expect(sheet.get_by_role("link", name="Ring 112")).to_have_attribute("href", "tel:112")
    expect(sheet.get_by_role("link", name="Ring BRIS 116 111")).to_have_attribute("href", "tel:116111")
    assert page.url.endswith(f"/j/{code}")  # a sheet in the page, not a page that needs the network
    screenshot(page, "help-sheet")
    page.keyboard.press("Escape")
    expect(sheet).to_be_hidden()
    expect(page.get_by_role("link", name="Hjälp")).to_be_focused()
    # The link sits in the top bar and leaves the map's buttons alone.
    top = page.locator("header").bounding_box()
    link = page.get_by_role("link", name="Hjälp").bounding_box()
    assert link["y"] + link["height"] <= top["y"] + top["height"] + 1
    assert link["height"] >= 44
    screenshot(page, "help-link-on-map")
    guard.assert_clean()
