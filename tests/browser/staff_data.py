"""Data for the staff-page browser tests: every kind of page has something to show.

A leader, a planner and an admin; walks in every state (a draft, an open walk with pins and a photo,
a closed one waiting for review, a closed and published one whose places have a history and whose
feedback page is public, and one whose code was changed); helpers to log in as each.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import secrets
import time
import uuid
from dataclasses import dataclass, field

from tests.conftest import VARBERG

PASSWORD = "personalens-långa-lösen"


@dataclass
class StaffData:
    leader: str
    planner: str
    admin: str
    walks: dict[str, int] = field(default_factory=dict)
    codes: dict[str, str] = field(default_factory=dict)
    retired_code: str = ""
    locations: list[int] = field(default_factory=list)
    pin: int = 0
    admin_secret: str | None = None
    admin_step: int = 0  # the last time step of a code the admin logged in with (the server takes each once)


def _jpeg() -> bytes:
    from PIL import Image, ImageDraw

    im = Image.new("RGB", (800, 600), (70, 90, 120))
    ImageDraw.Draw(im).rectangle([200, 150, 600, 450], fill=(220, 200, 120))
    buf = io.BytesIO()
    im.save(buf, "JPEG")
    return buf.getvalue()


def arrange(server) -> StaffData:
    """Users and walks in every state, made straight in the server's database."""
    from werkzeug.security import generate_password_hash

    from walkapp import audit, geo, locations, photos, pinstore
    from walkapp.extensions import db
    from walkapp.models import Participant, Pin, ResponsibleParty, User, Walk, hash_token, utcnow
    from walkapp.walks import give_new_code, new_join_code, set_area

    stamp = time.monotonic_ns()
    data = StaffData(leader=f"ledare{stamp}@example.org", planner=f"planerare{stamp}@example.org",
                     admin=f"admin{stamp}@example.org")
    app = server.app()
    with app.app_context():
        hashed = generate_password_hash(PASSWORD)
        users = {}
        for role, email, name in (("leader", data.leader, "Lea Ledare"), ("planner", data.planner, "Pia Planerare"),
                                  ("admin", data.admin, "Adam Admin")):
            users[role] = User(email=email, display_name=name, role=role, password_hash=hashed)
            db.session.add(users[role])
        leader = users["leader"]
        proj = geo.LocalProjection(*VARBERG)
        stops = [{"name": "Tunneln vid stationen", "lat": VARBERG[0] + 0.001, "lon": VARBERG[1]},
                 {"name": "Parken", "lat": VARBERG[0] - 0.001, "lon": VARBERG[1] + 0.002}]

        def walk(state: str, status: str, **fields) -> Walk:
            w = Walk(title=fields.pop("title", f"Kvällsvandring runt Mittpunkten ({state})"), join_code=new_join_code(),
                     status=status, starts_at=utcnow() + dt.timedelta(days=2), meeting_place="Mittpunktens entré",
                     light="skymning", stops=stops, created_by=leader, **fields)
            set_area(w, geo.circle_area(*VARBERG, 600))
            w.staff.append(leader)
            if status != "draft":
                w.opened_at = utcnow() - dt.timedelta(hours=3)
            db.session.add(w)
            return w

        def pins(w: Walk, spots, photo: bool = False) -> list[Pin]:
            people = [Participant(walk=w, token_hash=hash_token(secrets.token_urlsafe(16))) for _ in range(3)]
            made = []
            for n, (x, y, rating) in enumerate(spots):
                lat, lon = proj.inverse(x, y)
                pin = Pin(walk=w, participant=people[n % 3], client_id=str(uuid.uuid4()), lat=float(lat), lon=float(lon),
                          rating=rating, categories=["belysning"] if n % 2 else ["trafik", "tunnel"],
                          comment=["Mörkt och <b>läskigt</b> i tunneln", None, "Bra belysning här"][n % 3], light="morker",
                          created_at=utcnow() - dt.timedelta(minutes=60 - n))
                db.session.add(pin)
                made.append(pin)
            db.session.flush()
            if photo:
                pinstore.attach_photo(made[0], photos.process(_jpeg()))
            return made

        spots = [(0, 0, 1), (3, 2, 2), (-200, 120, 1), (-203, 118, 2), (250, -150, 4), (252, -148, 3)]
        draft = walk("utkast", "draft")
        open_walk = walk("pågår", "open")
        data.pin = pins(open_walk, spots, photo=True)[0].id
        review = walk("att granska", "closed")
        pins(review, spots)
        db.session.flush()
        locations.cluster_walk(review)
        review.closed_at = utcnow()
        done = walk("klar", "closed", title="Vårvandring i Söder")
        pins(done, spots)
        db.session.flush()
        locations.cluster_walk(done)
        done.closed_at = done.published_at = done.feedback_published_at = utcnow()
        recoded = walk("ny kod", "open")
        db.session.flush()
        data.retired_code = give_new_code(recoded)

        party = db.session.query(ResponsibleParty).filter_by(name="Gatuavdelningen").one_or_none()
        if party is None:
            party = ResponsibleParty(name="Gatuavdelningen", kind="forvaltning")
            db.session.add(party)
            db.session.flush()
            audit.record("responsible_added", users["admin"], field="responsible", new="Gatuavdelningen (forvaltning)")
        places = locations.walk_locations(done)
        first = places[0]
        first.status, first.responsible_id = "planerad", party.id
        first.due_date = dt.date.today() + dt.timedelta(days=60)
        first.proposed_action = "Byt armaturen i tunneln"
        first.public_note = "Ny lampa är beställd."
        audit.record("location_status", users["planner"], location=first, field="status", old="ny", new="planerad")
        audit.record("location_responsible", users["planner"], location=first, field="responsible", new=party.name)
        locations.split(first, [first.pins[0].id], users["leader"], done)
        audit.record("walk_published", users["leader"], walk=done, field="published_at", new=done.published_at)
        audit.record("user_created", users["admin"], field="role", new=f"{data.planner} (planner)")
        pinstore.commit()
        data.walks = {"draft": draft.id, "open": open_walk.id, "review": review.id, "done": done.id, "recoded": recoded.id}
        data.codes = {"draft": draft.join_code, "open": open_walk.join_code, "review": review.join_code,
                      "done": done.join_code, "recoded": recoded.join_code}
        data.locations = [loc.id for loc in locations.walk_locations(done)]
    return data


def log_in(page, server, email: str, data: StaffData | None = None) -> None:
    """Log in through the login form (and, for an admin, the second factor: set up once, then asked)."""
    import pyotp

    page.goto(server.url + "/login")
    page.get_by_label("E-post").fill(email)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_load_state()
    if "/login/enrol" in page.url:
        secret = page.locator("code.secret").inner_text().strip()
        totp, moment = pyotp.TOTP(secret), time.time()
        if data is not None:
            data.admin_secret, data.admin_step = secret, totp.timecode(_utc(moment))
        page.get_by_label(re.compile("Kod")).fill(totp.at(moment))
        page.get_by_role("button", name="Slå på").click()
    elif "/login/code" in page.url:
        # A step is not accepted twice; a code may be one step early. Two logins within one step wait
        # for the next one.
        totp = pyotp.TOTP(data.admin_secret)
        while totp.timecode(_utc(moment := time.time() + 30)) <= data.admin_step:
            page.wait_for_timeout(500)
        data.admin_step = totp.timecode(_utc(moment))
        page.get_by_label(re.compile("Kod")).fill(totp.at(moment))
        page.get_by_role("button", name="Logga in").click()
    page.wait_for_load_state()
    assert "/login" not in page.url, page.url


def _utc(moment: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(moment, dt.UTC)


def visit(page, url: str, guard, expect_error: bool = False) -> None:
    """Open a page; for an error page on purpose, its status line in the console is expected, not a fault."""
    before = len(guard.console_errors)
    page.goto(url)
    guard.settle(page)
    if expect_error:
        new = guard.console_errors[before:]
        assert all("Failed to load resource: the server responded with a status of 4" in m for m in new), new
        del guard.console_errors[before:]
