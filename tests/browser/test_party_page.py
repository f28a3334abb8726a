"""A responsible party answers on a phone through its personal link (issue 14.1): it reads its places
with the youths' approved words only, proposes "Planerad" with a date, and sees that the answer was
sent; a planner accepts the proposal on the place's page, and only then does the youths' feedback
page at the walk's QR link show the new status."""

from __future__ import annotations

import datetime as dt
import io
import time

from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.conftest import screenshot, watch
from tests.browser.test_participant_app import make_walk
from tests.factories import arrange, location_ids
from walkapp import party_links, photos, pinstore
from walkapp.extensions import db
from walkapp.models import Location, Pin, ResponsibleParty, User, Walk

PASSWORD = "planerarens-långa-lösen"
PARTY = "Gatuförvaltningen"
# Away from where other browser tests put their pins: closing a walk joins an earlier walk's place at
# the same spot (before/after), and this test's places must be its own.
PLACES = [
    # The party's place: an approved comment (with an approved photo) and a comment still awaiting approval.
    {"dx": -420, "dy": 330, "rating": 1, "comment": "Kolsvart i tunneln", "person": 0},
    {"dx": -417, "dy": 332, "rating": 1, "comment": "Hemligt namn Kalle", "approved": False, "person": 1},
    # Another place, not the party's.
    {"dx": -120, "dy": 330, "rating": 2, "comment": "Bilar kör fort", "person": 0},
    {"dx": -118, "dy": 331, "rating": 2, "person": 1},
]


def _jpeg() -> bytes:
    from PIL import Image, ImageDraw

    im = Image.new("RGB", (800, 600), (30, 40, 70))
    ImageDraw.Draw(im).rectangle([250, 200, 550, 600], fill=(10, 10, 15))  # a dark tunnel mouth
    buf = io.BytesIO()
    im.save(buf, "JPEG")
    return buf.getvalue()


def _scene(server, planner_email: str) -> dict:
    """A walk with published feedback, its first place the party's (with an action and a due date), and
    the party's personal link, sent by the planner as "send" would (without the mail)."""
    app = server.app()
    walk_id = arrange(app, lambda **fields: make_walk(server, **fields), PLACES, feedback=True,
                      title="Kvällsvandring i tunneln")
    first, second = location_ids(app, walk_id)
    with app.app_context():
        party = db.session.scalar(select(ResponsibleParty).where(ResponsibleParty.name == PARTY))
        if party is None:
            party = ResponsibleParty(name=PARTY, kind="forvaltning", email="gata@example.org")
            db.session.add(party)
            db.session.flush()
        loc = db.session.get(Location, first)
        loc.responsible_id, loc.proposed_action = party.id, "Sätt upp belysning i tunneln"
        loc.due_date = dt.date(2031, 3, 31)
        pin = db.session.scalar(select(Pin).where(Pin.walk_id == walk_id, Pin.comment == "Kolsvart i tunneln"))
        pinstore.attach_photo(pin, photos.process(_jpeg()))
        pin.photo.approved = True
        walk = db.session.get(Walk, walk_id)
        planner = db.session.scalar(select(User).where(User.email == planner_email))
        link, token = party_links.create_link(party, walk, planner)
        party_links.mark_sent(link, planner, party_links.items(party.id, walk))
        pinstore.commit()
        return {"code": walk.join_code, "item": first, "other": second, "token": token}


def _feedback_place(page):
    """The party's place on the youths' feedback page."""
    return page.locator(".fb-place").filter(has_text="Kolsvart i tunneln")


def test_a_party_answers_on_its_phone_and_a_planner_accepts(server, phone, laptop, guard):
    email = f"planerare{time.monotonic_ns()}@example.org"
    server.flask("users", "create", email, "--role", "planner", "--password-stdin", input=PASSWORD + "\n")
    scene = _scene(server, email)
    link = f"{server.url}/svar/{scene['token']}"

    # The party opens its link on a phone: its place, the approved words and photo, nothing else.
    page = watch(phone.new_page(), guard)
    page.goto(link)
    expect(page.get_by_role("heading", name=f"Platser för {PARTY}")).to_be_visible()
    items = page.locator("article.party-item")
    expect(items).to_have_count(1)
    item = page.locator(f"#plats-{scene['item']}")
    expect(item.get_by_text("Status nu: Skickad till ansvarig")).to_be_visible()
    expect(item.locator("q.comment")).to_have_text(["Kolsvart i tunneln"])
    expect(item).to_contain_text("Sätt upp belysning i tunneln")
    expect(item).to_contain_text("31 mars 2031")
    photo = item.locator(".photo-row img")
    expect(photo).to_have_count(1)
    # Shown, not only in the page: the image arrives after the page (later on a busy machine).
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=photo.element_handle(), timeout=15_000)
    body = page.locator("main").inner_text()
    assert "Hemligt namn Kalle" not in body and "Bilar kör fort" not in body
    assert page.locator(f"#plats-{scene['other']}").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "phone-party-page-before")

    # The youths' page before anyone answered: sent to the responsible.
    teen = watch(phone.new_page(), guard)
    teen.goto(f"{server.url}/j/{scene['code']}")
    expect(_feedback_place(teen).locator(".fb-steps li.now")).to_have_text("Skickat")

    # The party proposes "Planerad" with a date.
    item.get_by_label("Planerad").check()
    item.get_by_label("Datum").fill("2030-05-01")
    item.get_by_label("Meddelande till planerarna").fill("Armaturen är beställd.")
    item.get_by_role("button", name="Skicka svar").click()
    # The thanks stand in the answered place, which the page opens at: in sight on a phone.
    thanks = page.locator(f"#plats-{scene['item']} .flash-success")
    expect(thanks).to_contain_text("Tack! Svaret för")
    expect(thanks).to_contain_text("är skickat till planerarna.")
    expect(thanks).to_be_in_viewport()
    latest = page.locator(f"#plats-{scene['item']} .party-latest")
    expect(latest).to_contain_text("Planerad, 1 maj 2030")
    expect(latest).to_contain_text("Väntar på att planerarna godkänner det.")
    expect(item.get_by_text("Status nu: Skickad till ansvarig")).to_be_visible()  # a proposal, not a change
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "phone-party-page-after")

    # Not yet on the youths' page.
    teen.reload()
    expect(_feedback_place(teen).locator(".fb-steps li.now")).to_have_text("Skickat")
    expect(_feedback_place(teen)).not_to_contain_text("Planerat klart: maj 2030")

    # A planner sees the proposal on the place's page and accepts it.
    desk = watch(laptop.new_page(), guard)
    desk.goto(server.url + "/login")
    desk.get_by_label("E-post").fill(email)
    desk.get_by_label("Lösenord").fill(PASSWORD)
    desk.get_by_role("button", name="Logga in").click()
    expect(desk.get_by_role("heading", name="Åtgärdslista")).to_be_visible()
    desk.goto(f"{server.url}/planner/locations/{scene['item']}")
    waiting = desk.locator("section.party-answers")
    expect(waiting.get_by_role("heading", name="Svar från ansvarig som väntar")).to_be_visible()
    expect(waiting).to_contain_text(PARTY)
    expect(waiting).to_contain_text("Planerad, 1 maj 2030")
    expect(waiting).to_contain_text("Armaturen är beställd.")
    waiting.get_by_role("button", name="Godkänn", exact=True).click()
    expect(desk.locator(".flash-success")).to_have_text(f"Svaret från {PARTY} är godkänt och platsen är uppdaterad.")
    expect(desk.locator("section.party-answers")).to_have_count(0)

    # Now the youths' page says it is planned, with the party's date.
    teen.reload()
    place = _feedback_place(teen)
    expect(place.locator(".fb-steps li.now")).to_have_text("Planerat")
    expect(place).to_contain_text("Det är bestämt vad som ska göras, och arbetet är planerat.")
    expect(place).to_contain_text("Planerat klart: maj 2030")

    # And the party's page says the planners accepted it.
    page.reload()
    expect(latest).to_contain_text("Planerarna har godkänt det.")
    expect(item.get_by_text("Status nu: Planerad")).to_be_visible()
    screenshot(page, "phone-party-page-accepted")
    guard.assert_clean()
