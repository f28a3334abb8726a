""""Ta bort alla mina punkter" on a Pixel 7: one waiting on the phone and one sent both go, after a
confirmation; someone else's pin stays."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import screenshot, watch
from tests.browser.test_participant_app import join, make_walk, my_pins, new_pin, send, stored_pins, wait_for_offline_copy


def test_delete_all_mine_after_a_confirmation(server, phone, guard):
    page = watch(phone.new_page(), guard)
    code = make_walk(server)
    join(page, server, code)
    wait_for_offline_copy(page)
    new_pin(page, "Ganska otryggt", ["Trafik"], "Bilarna kör fort")
    send(page)
    expect(page.get_by_text("Tack! Punkten är skickad.")).to_be_visible()
    phone.set_offline(True)
    new_pin(page, "Mycket tryggt")
    send(page)
    pins = my_pins(page)
    expect(pins).to_have_count(2)
    phone.set_offline(False)
    expect(pins.filter(has_text="Skickad")).to_have_count(2)

    mine = page.locator("#mine")
    mine.get_by_role("button", name="Ta bort alla mina punkter").click()
    expect(mine.get_by_text("Det går inte att ångra.")).to_be_visible()
    screenshot(page, "erase-confirm")
    mine.get_by_role("button", name="Avbryt").click()
    expect(pins).to_have_count(2)
    mine.get_by_role("button", name="Ta bort alla mina punkter").click()
    mine.get_by_role("button", name="Ja, ta bort allt").click()
    expect(page.locator("#toast")).to_have_text("Allt du skickat i vandringen är borttaget.")
    expect(pins).to_have_count(0)
    expect(mine.get_by_role("button", name="Ta bort alla mina punkter")).to_be_hidden()
    assert stored_pins(server, code) == []
    guard.assert_clean()
