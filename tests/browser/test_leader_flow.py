"""A leader runs a walk in Chromium: log in, draw the area, open it, print the poster (the QR code
decodes to the join link), watch a participant's pin arrive live, and hide it."""

from __future__ import annotations

import io
import re
import time

from playwright.sync_api import expect

from tests.browser.conftest import screenshot, watch

PASSWORD = "ledarens-långa-lösen"


def _leader(server) -> str:
    email = f"ledare{time.monotonic_ns()}@example.org"
    server.flask("users", "create", email, "--role", "leader", "--password-stdin", input=PASSWORD + "\n")
    return email


def _decode_qr(png: bytes) -> str:
    import zxingcpp
    from PIL import Image

    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert results, "no QR code found in the screenshot"
    return results[0].text


def test_leader_runs_a_walk(server, laptop, phone, guard):
    page = watch(laptop.new_page(), guard)
    page.goto(server.url + "/login")
    page.get_by_label("E-post").fill(_leader(server))
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    expect(page.get_by_role("heading", name="Vandringar")).to_be_visible()

    page.get_by_role("link", name="Ny vandring").click()
    page.get_by_label("Namn på vandringen").fill("Vandring i webbläsaren")
    page.get_by_label("Område", exact=True).select_option("polygon")
    page.get_by_label("Deltagarna ser varandras punkter").check()
    area = page.locator("#area-map")
    box = area.bounding_box()
    for fx, fy in [(0.25, 0.25), (0.75, 0.25), (0.75, 0.75), (0.25, 0.75)]:
        area.click(position={"x": box["width"] * fx, "y": box["height"] * fy})
    page.get_by_role("button", name="Lägg till stopp på kartan").click()
    area.click(position={"x": box["width"] * 0.5, "y": box["height"] * 0.5})
    screenshot(page, "leader-walk-form")
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_text("Vandringen är skapad")).to_be_visible()
    code = re.search(r"Koden är ([A-Z0-9]{6})", page.content()).group(1)
    walk_url = page.url
    page.get_by_role("button", name="Öppna vandringen").click()
    expect(page.locator(".status-open")).to_be_visible()
    screenshot(page, "leader-walk")

    page.get_by_role("link", name="Skriv ut QR-affisch").click()
    qr = page.locator(".poster-qr svg")
    expect(qr).to_be_visible()
    screenshot(page, "leader-poster")
    assert _decode_qr(qr.screenshot()) == f"{server.url}/j/{code}"
    expect(page.locator(".poster-code")).to_have_text(code)

    page.goto(walk_url + "/live")
    expect(page.locator("#live-map")).to_be_visible()

    # Two participants on their phones; the walk shares pins between them.
    teen = watch(phone.new_page(), guard)
    teen.goto(f"{server.url}/j/{code}")
    friend_token = teen.evaluate(f"fetch('/api/v1/walks/{code}/participants', {{method: 'POST'}}).then(r => r.json()).then(b => b.token)")
    token = teen.evaluate(f"fetch('/api/v1/walks/{code}/participants', {{method: 'POST'}}).then(r => r.json()).then(b => b.token)")
    with server.app().app_context():
        from sqlalchemy import select

        from walkapp.extensions import db
        from walkapp.models import Walk

        walk = db.session.scalar(select(Walk).where(Walk.join_code == code))
        lat, lon = walk.center_lat, walk.center_lon
    sent_at = time.monotonic()
    status = teen.evaluate("""([code, token, lat, lon]) => {
        const body = new FormData();
        body.append('client_id', crypto.randomUUID()); body.append('lat', lat); body.append('lon', lon);
        body.append('rating', '1'); body.append('categories', 'belysning');
        body.append('comment', '<img src=x onerror=alert(1)> mörk gång');
        return fetch(`/api/v1/walks/${code}/pins`, {method: 'POST', body, headers: {Authorization: 'Bearer ' + token}}).then(r => r.status);
    }""", [code, token, lat, lon])
    assert status == 201

    marker = page.locator("[data-pin-id]")
    expect(marker).to_have_count(1, timeout=5000)
    assert time.monotonic() - sent_at < 5
    expect(page.locator("#latest-comments")).to_contain_text("<img src=x onerror=alert(1)> mörk gång")
    expect(page.locator("[data-figure=pins]")).to_have_text("1")
    screenshot(page, "leader-live")

    def shared_count():
        return teen.evaluate("""([code, token]) => fetch(`/api/v1/walks/${code}/pins`, {headers: {Authorization: 'Bearer ' + token}})
            .then(r => r.json()).then(b => b.pins.filter(p => !p.own).length)""", [code, friend_token])

    assert shared_count() == 1
    page.goto(walk_url + "/pins")
    page.get_by_placeholder("Skäl").first.fill("Olämpligt")
    page.get_by_role("button", name="Dölj").first.click()
    expect(page.get_by_text("Punkten är dold.")).to_be_visible()
    assert shared_count() == 0
    page.goto(walk_url + "/live")
    expect(page.locator("[data-pin-id][data-hidden=true]")).to_have_count(1, timeout=5000)
    guard.assert_clean()


def test_a_drawn_area_survives_a_form_error(server, laptop, guard):
    page = watch(laptop.new_page(), guard)
    page.goto(server.url + "/login")
    page.get_by_label("E-post").fill(_leader(server))
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.get_by_role("link", name="Ny vandring").click()
    page.get_by_label("Område", exact=True).select_option("polygon")
    area = page.locator("#area-map")
    box = area.bounding_box()
    for fx, fy in [(0.25, 0.25), (0.75, 0.25), (0.75, 0.75), (0.25, 0.75)]:
        area.click(position={"x": box["width"] * fx, "y": box["height"] * fy})
    drawn = page.locator("#area_geojson").input_value()
    page.get_by_role("button", name="Spara").click()  # no title: the form comes back with an error
    expect(page.get_by_text("Det här fältet är obligatoriskt")).to_be_visible()
    assert page.locator("#area_geojson").input_value() == drawn != ""
    page.get_by_label("Namn på vandringen").fill("Andra försöket")
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_text("Vandringen är skapad")).to_be_visible()
    page.get_by_role("button", name="Öppna vandringen").click()
    page.goto(page.url + "/live")
    page.get_by_role("button", name="Lägg till egen punkt").click()
    live = page.locator("#live-map")
    b = live.bounding_box()
    live.click(position={"x": b["width"] / 2, "y": b["height"] / 2})
    expect(page.get_by_label("Hur känns platsen?")).to_be_focused()
    guard.assert_clean()
