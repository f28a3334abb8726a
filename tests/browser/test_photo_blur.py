"""A leader sees what the detector blurred in a photo and blurs a missed face by dragging a rectangle."""

from __future__ import annotations

import io
import time

from playwright.sync_api import expect
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from tests import face_samples
from tests.browser.conftest import _context, screenshot, watch
from tests.conftest import VARBERG, pin_form

PASSWORD = "ledarens-långa-lösen"


def _arrange(server) -> tuple[str, int, int]:
    """A leader, an open walk they lead, and a participant's pin with a street photo of the astronaut."""
    from walkapp import geo
    from walkapp.extensions import db
    from walkapp.models import User, Walk, utcnow
    from walkapp.walks import new_join_code, set_area

    email = f"ledare{time.monotonic_ns()}@example.org"
    server.flask("users", "create", email, "--role", "leader", "--password-stdin", input=PASSWORD + "\n")
    app = server.app()
    with app.app_context():
        walk = Walk(title="Vandring med foto", join_code=new_join_code(), status="open", opened_at=utcnow(),
                    stops=[{"name": "Stopp 1", "lat": VARBERG[0], "lon": VARBERG[1]}])
        set_area(walk, geo.circle_area(*VARBERG, 600))
        walk.staff.append(db.session.scalar(select(User).where(User.email == email)))
        db.session.add(walk)
        db.session.commit()
        code, walk_id = walk.join_code, walk.id
    client = app.test_client()
    token = client.post(f"/api/v1/walks/{code}/participants").get_json()["token"]
    data = pin_form()
    data["photo"] = FileStorage(io.BytesIO(face_samples.face_photo()[0]), "IMG_0001.jpg", content_type="image/jpeg")
    boundary, body = encode_multipart(data)
    resp = client.post(f"/api/v1/walks/{code}/pins", data=body, headers={"Authorization": f"Bearer {token}"},
                       content_type=f"multipart/form-data; boundary={boundary}")
    assert resp.status_code == 201, resp.get_json()
    return email, walk_id, resp.get_json()["id"]


def _log_in(page, server, email: str) -> None:
    page.goto(server.url + "/login")
    page.get_by_label("E-post").fill(email)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    expect(page.get_by_role("heading", name="Vandringar")).to_be_visible()


def _blurred(server, pin_id: int) -> list[dict]:
    from walkapp.extensions import db
    from walkapp.models import Photo

    with server.app().app_context():
        return db.session.scalar(select(Photo).where(Photo.pin_id == pin_id)).blurred


def test_a_leader_drags_a_rectangle_to_blur_a_missed_face(browser, server, guard, laptop, playwright_devices):
    email, walk_id, pin_id = _arrange(server)
    assert [b["by"] for b in _blurred(server, pin_id)] == ["auto"]

    page = watch(laptop.new_page(), guard)
    _log_in(page, server, email)
    page.goto(f"{server.url}/leader/walks/{walk_id}/pins")
    expect(page.locator(".pin-photo .blur-box.is-auto")).to_have_count(1)
    page.get_by_role("link", name="Ett område suddat – granska och sudda mer").click()
    expect(page.get_by_text("Ett ansikte hittades och suddades när fotot kom in")).to_be_visible()
    expect(page.locator(".blur-figure .blur-box.is-auto")).to_be_visible()
    screenshot(page, "laptop-leader-photo")

    # Drag from a tenth to a fifth of the photo: the fields say where in the photo's own pixels.
    photo = page.locator(".blur-figure img")
    photo.scroll_into_view_if_needed()
    box = photo.bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.1, box["y"] + box["height"] * 0.1)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.15, box["y"] + box["height"] * 0.15, steps=4)
    page.mouse.move(box["x"] + box["width"] * 0.2, box["y"] + box["height"] * 0.2, steps=4)
    page.mouse.up()
    x, y, w, h = (int(page.get_by_label(name, exact=True).input_value()) for name in ("Vänster", "Överkant", "Bredd", "Höjd"))
    assert abs(x - 160) <= 4 and abs(y - 120) <= 4 and abs(w - 160) <= 6 and abs(h - 120) <= 6
    expect(page.locator(".blur-figure .blur-box.is-new")).to_have_count(1)
    screenshot(page, "laptop-leader-photo-drawn")

    page.get_by_role("button", name="Sudda ut").click()
    expect(page.get_by_text("Området är suddat.")).to_be_visible()
    expect(page.locator(".blur-figure .blur-box.is-manual")).to_have_count(1)
    blurred = _blurred(server, pin_id)
    assert [b["by"] for b in blurred] == ["auto", "manual"]
    assert (blurred[1]["x"], blurred[1]["y"], blurred[1]["w"], blurred[1]["h"]) == (x, y, w, h)

    # The keyboard way: type a rectangle; it is outlined as typed, and blurred.
    page.get_by_label("Vänster", exact=True).fill("1200")
    page.get_by_label("Överkant", exact=True).fill("900")
    page.get_by_label("Bredd", exact=True).fill("100")
    page.get_by_label("Höjd", exact=True).fill("80")
    expect(page.locator(".blur-figure .blur-box.is-new")).to_have_count(1)
    page.get_by_role("button", name="Sudda ut").click()
    expect(page.locator(".blur-figure .blur-box.is-manual")).to_have_count(2)
    guard.assert_clean()

    # The same page on a phone.
    device = dict(playwright_devices["Pixel 7"])
    device.pop("default_browser_type", None)
    phone = _context(browser, server, device, guard)
    try:
        small = watch(phone.new_page(), guard)
        _log_in(small, server, email)
        small.goto(f"{server.url}/leader/pins/{pin_id}/photo")
        expect(small.locator(".blur-figure .blur-box")).to_have_count(3)
        assert small.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        low = small.evaluate("""() => [...document.querySelectorAll('main button, main input:not([type=hidden]), main a.tap')]
            .filter((el) => !el.closest('[hidden]') && el.getBoundingClientRect().height < 43.5)
            .map((el) => el.textContent.trim() || el.name)""")
        assert low == [], f"targets lower than 44 px on a phone: {low}"
        screenshot(small, "phone-leader-photo")
        small.locator(".blur-form").scroll_into_view_if_needed()
        screenshot(small, "phone-leader-photo-form")
        small.goto(f"{server.url}/leader/walks/{walk_id}/pins")
        small.locator(".pin-photo").scroll_into_view_if_needed()
        screenshot(small, "phone-leader-pins")
    finally:
        phone.close()
    guard.assert_clean()
