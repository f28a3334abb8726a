"""The demo: a walk around Mittpunkten with pins from twelve youths, and demo staff accounts."""

from __future__ import annotations

import datetime as dt
import os
import random
import secrets
import uuid
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from . import geo, photos, pinstore, vocab
from .extensions import db
from .models import Participant, Pin, User, Walk, hash_token, utcnow
from .walks import set_area

DEMO_CODE = "MTPNKT"
DEMO_TITLE = "Trygghetsvandring runt Mittpunkten"
LOGINS_FILE = "demo-logins.txt"
STAFF = [
    ("admin@example.org", "Alva Admin", "admin"),
    ("ledare@example.org", "Lina Ledare", "leader"),
    ("planerare@example.org", "Per Planerare", "planner"),
]

# (name, metres east, metres north of the centre)
STOPS = [
    ("Stopp 1 – Mittpunkten", 0, 0),
    ("Stopp 2 – Gångtunneln", -250, 120),
    ("Stopp 3 – Skolparken", 180, 250),
    ("Stopp 4 – Busshållplatsen", 320, -150),
    ("Stopp 5 – Rondellen", -120, -300),
]

# Hotspots: where, how many pins, ratings to draw from, categories, light, photo kind, comments.
HOTSPOTS = [
    ((-250, 120), 10, [1, 1, 1, 2, 2], ["tunnel", "belysning", "ensligt"], "morker", "tunnel", [
        "Tunneln är kolsvart på kvällen, lampan har varit trasig i flera veckor",
        "jag springer alltid igenom här",
        "Luktar kiss och det är mörkt. Går hellre runt fast det tar längre tid",
        "man ser inte vem som står i andra änden",
        "Läskigast på hela vägen hem",
        "Ekar jättemycket, känns obehagligt när man är själv",
    ]),
    ((180, 250), 8, [1, 2, 2, 2, 3], ["skymd_sikt", "belysning", "ensligt"], "skymning", "bushes", [
        "Buskarna är så höga att man inte ser om nån står där",
        "Inga lampor alls längs stigen bakom skolan",
        "Skulle va bättre om de klippte ner buskarna",
        "Här hänger det folk på kvällarna som man inte känner",
    ]),
    ((320, -150), 7, [2, 2, 3, 1], ["manniskor", "ensligt"], "morker", "streetlight", [
        "Väntar ofta här själv på 6:an sent, känns utsatt",
        "Gäng som hänger här och säger saker till en",
        "Bra med tak men dåligt ljus",
    ]),
    ((-120, -300), 8, [1, 2, 2, 2], ["trafik", "orientering"], "dagsljus", "crossing", [
        "Bilarna kör jättefort i rondellen, ingen stannar vid övergångsstället",
        "A-traktorer som gasar här hela kvällarna",
        "Svårt att se bilar som kommer från vänster",
        "Mopeder på cykelbanan!!",
    ]),
    ((60, -40), 6, [2, 3, 2], ["nedskrapning", "skadegorelse"], "skymning", "graffiti", [
        "Krossat glas överallt vid cykelställen",
        "Klotter på hela väggen, ser slitet ut",
        "Cykeln blev sönderslagen här förra veckan",
    ]),
    ((-30, 90), 6, [4, 4, 3], ["belysning"], "morker", "park", [
        "Bra ljus här, känns tryggt",
        "Mycket folk i rörelse så det känns lugnt",
        "Nya lamporna är jättebra!",
    ]),
    ((400, 220), 5, [1, 2, 2], ["ensligt", "belysning"], "morker", None, [
        "Parkeringshuset är helt tomt på kvällen",
        "Trapphuset är mörkt och dörren går inte att låsa",
    ]),
]
SCATTERED = [
    ((-420, 0), 2, ["orientering"], "Svårt att hitta rätt väg här, inga skyltar"),
    ((250, 400), 3, ["belysning"], "Ganska ok men en lampa blinkar"),
    ((-300, -120), 2, ["skadegorelse"], "Trasigt staket som man kan skära sig på"),
    ((150, -350), 4, ["annat"], "Fint med nya bänkarna"),
    ((-180, 330), 1, ["manniskor"], "Nån följde efter mig här en gång"),
    ((480, -20), 2, ["trafik"], "Ingen trottoar, man får gå i vägkanten"),
    ((30, 460), 3, ["ensligt"], None),
]


@dataclass
class DemoResult:
    created: bool
    join_url: str
    logins: list[tuple[str, str, str]] = field(default_factory=list)
    note: str = ""

    def report(self) -> str:
        lines = []
        if self.created:
            lines.append("Demo loaded: %s" % DEMO_TITLE)
            lines.append("Staff logins (shown once; also saved in instance/%s):" % LOGINS_FILE)
        else:
            lines.append("Demo already loaded (nothing changed). %s" % self.note)
            if self.logins:
                lines.append("Staff logins (from instance/%s):" % LOGINS_FILE)
        lines += ["  %-8s %-24s %s" % (role, email, password) for role, email, password in self.logins]
        lines.append("Participants join at: %s" % self.join_url)
        return "\n".join(lines)


def load_demo(base_url: str, show_saved_logins: bool = False) -> DemoResult:
    """Create the demo walk, its pins and the demo staff unless they are there already."""
    join_url = base_url.rstrip("/") + "/j/" + DEMO_CODE
    if db.session.scalar(select(Walk.id).where(Walk.join_code == DEMO_CODE)) is not None:
        saved = _read_logins() if show_saved_logins else []
        return DemoResult(False, join_url, saved, note="" if saved else "Logins: see instance/%s." % LOGINS_FILE)
    rng = random.Random(2021)
    logins = _staff()
    leader = db.session.scalar(select(User).where(User.role == "leader").order_by(User.id))
    walk = _walk(leader)
    _pins(walk, rng)
    pinstore.commit()
    _save_logins(logins)
    return DemoResult(True, join_url, logins)


def _staff() -> list[tuple[str, str, str]]:
    logins = []
    for email, name, role in STAFF:
        if db.session.scalar(select(User.id).where(User.email == email)) is not None:
            continue
        password = secrets.token_urlsafe(9)
        db.session.add(User(email=email, display_name=name, role=role, password_hash=generate_password_hash(password)))
        logins.append((role, email, password))
    db.session.flush()
    return logins


def _walk(leader: User | None) -> Walk:
    lat, lon = current_app.config["DEFAULT_CENTER_LATLON"]
    proj = geo.LocalProjection(lat, lon)
    start = utcnow().replace(minute=0, second=0, microsecond=0) - dt.timedelta(hours=2)
    walk = Walk(
        title=DEMO_TITLE,
        join_code=DEMO_CODE,
        status="open",
        starts_at=start,
        opened_at=start,
        meeting_place="Entrén till Mittpunktens ungdomsgård",
        light="skymning",
        stops=[_stop(proj, name, x, y) for name, x, y in STOPS],
        categories=vocab.default_categories(),
        created_by=leader,
    )
    set_area(walk, geo.circle_area(lat, lon, 600))
    # The circle's centroid is a hair off its centre; keep the configured centre exactly.
    walk.center_lat, walk.center_lon = lat, lon
    if leader is not None:
        walk.staff.append(leader)
    db.session.add(walk)
    db.session.flush()
    return walk


def _stop(proj: geo.LocalProjection, name: str, x: float, y: float) -> dict:
    lat, lon = proj.inverse(x, y)
    return {"name": name, "lat": round(float(lat), 6), "lon": round(float(lon), 6)}


def _pins(walk: Walk, rng: random.Random) -> None:
    participants = [Participant(walk=walk, token_hash=hash_token(secrets.token_urlsafe(32))) for _ in range(12)]
    db.session.add_all(participants)
    proj = geo.LocalProjection(walk.center_lat, walk.center_lon)
    start = walk.starts_at
    photo_budget = 12
    for (cx, cy), count, ratings, cats, light, kind, comments in HOTSPOTS:
        people = rng.sample(participants, count) if count <= len(participants) else participants
        for i, who in enumerate(people):
            x, y = cx + rng.gauss(0, 7), cy + rng.gauss(0, 7)
            chosen = [c for c in cats if rng.random() < 0.7] or cats[:1]
            comment = comments[i] if i < len(comments) else None
            pin = _pin(walk, who, proj, x, y, rng.choice(ratings), chosen, comment, light, start, rng)
            if kind and photo_budget and i < 2:
                _photo(pin, kind, seed=len(walk.pins) + i)
                photo_budget -= 1
    for (x, y), rating, cats, comment in SCATTERED:
        _pin(walk, rng.choice(participants), proj, x, y, rating, cats, comment, "skymning", start, rng)


def _pin(walk, who, proj, x, y, rating, cats, comment, light, start, rng) -> Pin:
    lat, lon = proj.inverse(x, y)
    when = start + dt.timedelta(minutes=rng.uniform(5, 95))
    pin = Pin(walk=walk, participant=who, client_id=str(uuid.UUID(int=rng.getrandbits(128))),
              lat=round(float(lat), 7), lon=round(float(lon), 7), accuracy_m=round(rng.uniform(4, 15), 1),
              rating=rating, categories=cats, comment=comment, light=light, created_at=when, taken_at=when)
    db.session.add(pin)
    db.session.flush()
    return pin


def _photo(pin: Pin, kind: str, seed: int) -> None:
    from .demo_images import scene

    pinstore.attach_photo(pin, photos.process(scene(kind, seed)))


def _read_logins() -> list[tuple[str, str, str]]:
    path = current_app.config["DEMO_LOGINS_PATH"]
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [tuple(line.rstrip("\n").split("\t")) for line in f if line.strip() and not line.startswith("#")]


def _save_logins(logins: list[tuple[str, str, str]]) -> None:
    if not logins:
        return
    path = current_app.config["DEMO_LOGINS_PATH"]
    os.makedirs(os.path.dirname(path), exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write("# Demo staff logins (made by `flask --app walkapp demo`)\n")
        for role, email, password in logins:
            f.write(f"{role}\t{email}\t{password}\n")
