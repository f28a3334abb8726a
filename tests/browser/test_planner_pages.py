"""A planner's pages in Chromium with hostile comments in the data: the findings map (popups too),
the action list, a location with its history, the protocol (also as print) and the feedback page
on a laptop and a phone. Any dialog, console error or request that leaves the machine fails."""

from __future__ import annotations

import datetime as dt
import io
import re
import secrets
import time
import uuid

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, watch
from tests.conftest import VARBERG

PASSWORD = "planerarens-långa-lösen"
HOSTILE = [
    "<script>alert('skript')</script>",
    "<img src=x onerror=alert('bild')>",
    '<a href="javascript:alert(1)">klicka här</a>',
    '"><svg onload=alert(2)>',
    "x" * 400,
    "Mörkt i tunneln; \"läskigt\" & tomt",
]


def _jpeg(seed: int) -> bytes:
    from PIL import Image, ImageDraw

    im = Image.new("RGB", (800, 600), (40 + seed * 30 % 200, 60, 90))
    ImageDraw.Draw(im).rectangle([200, 150, 600, 450], fill=(220, 200, 120))
    buf = io.BytesIO()
    im.save(buf, "JPEG")
    return buf.getvalue()


def _arrange(server) -> dict:
    """A closed, published walk with hostile comments, approved photos and feedback published."""
    from sqlalchemy import select

    from walkapp import geo, locations, photos, pinstore
    from walkapp.extensions import db
    from walkapp.models import Location, Participant, Pin, ResponsibleParty, Walk, hash_token, utcnow
    from walkapp.walks import new_join_code, set_area

    app = server.app()
    with app.app_context():
        walk = Walk(title="Kvällsvandring <b>Söder</b>", join_code=new_join_code(), status="closed",
                    starts_at=utcnow() - dt.timedelta(hours=2), meeting_place="Mittpunkten", light="morker",
                    stops=[{"name": "Stopp 1", "lat": VARBERG[0], "lon": VARBERG[1]}])
        set_area(walk, geo.circle_area(*VARBERG, 600))
        db.session.add(walk)
        proj = geo.LocalProjection(*VARBERG)
        people = [Participant(walk=walk, token_hash=hash_token(secrets.token_urlsafe(16))) for _ in range(6)]
        db.session.add_all(people)
        spots = [(0, 0), (-250, 120), (180, 250), (320, -150)]
        n = 0
        for s, (x, y) in enumerate(spots):
            for i, comment in enumerate(HOSTILE):
                lat, lon = proj.inverse(x + i * 2.0, y + (i % 2) * 2.0)
                pin = Pin(walk=walk, participant=people[i % 6], client_id=str(uuid.uuid4()), lat=float(lat), lon=float(lon),
                          rating=1 + (s + i) % (4 if s == 3 else 2), categories=["belysning", "tunnel"] if s % 2 else ["trafik"],
                          comment=comment, light="morker", created_at=walk.starts_at + dt.timedelta(minutes=n))
                db.session.add(pin)
                db.session.flush()
                if i < 2 and s < 3:
                    pinstore.attach_photo(pin, photos.process(_jpeg(n)))
                    pin.photo.approved = True
                n += 1
        db.session.flush()
        locations.cluster_walk(walk)
        walk.closed_at = walk.published_at = walk.feedback_published_at = utcnow()
        party = db.session.scalar(select(ResponsibleParty).where(ResponsibleParty.name == "Gatuavdelningen"))
        if party is None:
            party = ResponsibleParty(name="Gatuavdelningen", kind="forvaltning")
            db.session.add(party)
        db.session.flush()
        ids = [loc.id for loc in locations.walk_locations(walk)]
        first = db.session.get(Location, ids[0])
        first.status, first.responsible_id, first.due_date = "planerad", party.id, dt.date.today() + dt.timedelta(days=60)
        first.proposed_action = "Byt armaturen <script>alert(3)</script>"
        first.public_note = "Ny lampa är beställd. <img src=x onerror=alert(4)>"
        pinstore.commit()
        email = f"planerare{time.monotonic_ns()}@example.org"
        return {"walk": walk.id, "code": walk.join_code, "locations": ids, "email": email}


@pytest.fixture
def arranged(server):
    data = _arrange(server)
    server.flask("users", "create", data["email"], "--role", "planner", "--name", "Pia Planerare", "--password-stdin",
                 input=PASSWORD + "\n")
    return data


def _login(page, server, email):
    page.goto(server.url + "/login")
    page.get_by_label("E-post").fill(email)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    expect(page.get_by_role("heading", name="Åtgärdslista")).to_be_visible()


def _no_injected_markup(page):
    """No element that the hostile text tried to create exists in the page."""
    assert page.locator("img[src='x'], svg[onload], a[href^='javascript:'], [onerror]").count() == 0


def test_planner_pages_in_chromium(server, laptop, phone, guard, arranged):
    page = watch(laptop.new_page(), guard)
    _login(page, server, arranged["email"])
    walk, first = arranged["walk"], arranged["locations"][0]

    # The action list: ranked, hostile words shown as text, sortable.
    page.goto(f"{server.url}/planner/?walk={walk}")
    expect(page.locator("table.action-list tbody tr")).to_have_count(len(arranged["locations"]))
    # Kept as text among the words (which of them show first depends on their ratings; the rest wait
    # in a closed "Visa alla" box), never as markup.
    assert page.locator("table.action-list p.quote", has_text="<script>alert('skript')</script>").count() >= 1
    _no_injected_markup(page)
    screenshot(page, "planner-action-list")
    page.get_by_role("navigation", name="Sortera").get_by_role("link", name="Namn").click()
    expect(page.locator("th[aria-sort=ascending]")).to_have_text("Plats")
    expect(page).to_have_url(re.compile(r"sort=name"))

    # The findings map: popups of a location and of a single pin, built from text.
    page.goto(f"{server.url}/planner/map?walk={walk}")
    expect(page.locator(".folium-map.leaflet-container")).to_be_visible()
    page.evaluate("""() => {
        const map = window[Object.keys(window).find((k) => k.startsWith('map_'))];
        let done = false;
        map.eachLayer((layer) => { if (!done && layer instanceof L.CircleMarker && layer.getPopup()) { layer.openPopup(); done = true; } });
    }""")
    expect(page.locator(".leaflet-popup .map-popup-title")).to_be_visible()
    page.wait_for_timeout(400)  # the popup fades in
    screenshot(page, "planner-map-location-popup")
    page.evaluate("() => window[Object.keys(window).find((k) => k.startsWith('map_'))].closePopup()")
    page.get_by_label("Enskilda punkter").check()
    page.evaluate("""() => new Promise((resolve) => {
        const map = window[Object.keys(window).find((k) => k.startsWith('map_'))];
        map.eachLayer((layer) => {
            if (layer instanceof L.MarkerClusterGroup) {
                const marker = layer.getLayers().find((m) => m.getPopup());
                layer.zoomToShowLayer(marker, () => { marker.openPopup(); resolve(); });
            }
        });
    })""")
    popup = page.locator(".leaflet-popup .map-popup:has(.rating-badge)")
    expect(popup).to_be_visible()
    expect(popup.locator(".rating-badge")).to_be_visible()
    # The pin's words arrive when its popup opens (fetched, not in the page): wait for them.
    expect(popup).to_contain_text(re.compile("|".join(re.escape(text) for text in HOSTILE)))
    _no_injected_markup(page)
    page.wait_for_timeout(400)
    screenshot(page, "planner-map-pin-popup")

    # A location: follow up, refuse "Åtgärdas ej" without a reason, then see the history.
    page.goto(f"{server.url}/planner/locations/{first}")
    page.get_by_label("Status").select_option("atgardas_ej")
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_text("Skriv varför platsen inte ska åtgärdas")).to_be_visible()
    page.get_by_label("Status").select_option("pagar")
    page.get_by_label("Offentlig kommentar").fill("Arbetet har börjat. <b>Snart klart</b>")
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_text("Platsen är uppdaterad.")).to_be_visible()
    history = page.locator("table.history")
    expect(history).to_contain_text("Pia Planerare")
    expect(history).to_contain_text("Pågår")
    _no_injected_markup(page)
    screenshot(page, "planner-location")
    history.scroll_into_view_if_needed()
    screenshot(page, "planner-location-history")

    # The protocol, on screen and as print.
    page.goto(f"{server.url}/planner/walks/{walk}/protocol")
    expect(page.locator(".protocol-item")).to_have_count(len(arranged["locations"]))
    expect(page.locator(".protocol-map .leaflet-marker-icon.map-number").first).to_be_visible()
    page.wait_for_load_state("networkidle")
    _no_injected_markup(page)
    screenshot(page, "planner-protocol")
    page.emulate_media(media="print")
    expect(page.locator(".topbar")).to_be_hidden()
    screenshot(page, "planner-protocol-print")
    page.emulate_media(media="screen")

    # The feedback page: the planner's preview, and the youths' phones at the QR link once it is wired.
    page.goto(f"{server.url}/planner/walks/{walk}/feedback")
    expect(page.get_by_text("Arbetet pågår just nu.")).to_be_visible()
    _no_injected_markup(page)
    screenshot(page, "feedback-laptop")
    teen = watch(phone.new_page(), guard)
    teen.goto(f"{server.url}/j/{arranged['code']}")
    expect(teen.get_by_text("Arbetet pågår just nu.")).to_be_visible()
    _no_injected_markup(teen)
    screenshot(teen, "qr-link-after-the-walk-phone")
    guard.assert_clean()


def test_feedback_page_on_a_phone(server, phone, guard, arranged):
    """render_feedback's HTML as a phone shows it (served here through the preview, logged in)."""
    page = watch(phone.new_page(), guard)
    _login(page, server, arranged["email"])
    page.goto(f"{server.url}/planner/walks/{arranged['walk']}/feedback")
    expect(page.locator(".fb-place").first).to_be_visible()
    expect(page.locator(".fb-steps li.now").first).to_be_visible()
    _no_injected_markup(page)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], "the page scrolls sideways"
    screenshot(page, "feedback-phone")
    page.evaluate("window.scrollTo(0, 900)")
    screenshot(page, "feedback-phone-scrolled")
    guard.assert_clean()
