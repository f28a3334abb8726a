"""Builders shared by the tests: a closed, clustered, published walk from a list of pins (arrange),
its places (location_ids), a page's text and elements (Page), hostile text, and a two-place walk."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid
from html.parser import HTMLParser

from sqlalchemy import select

from tests.conftest import VARBERG
from walkapp import geo, locations
from walkapp.extensions import db
from walkapp.models import Participant, Photo, Pin, Walk, hash_token, utcnow

HOSTILE = '<img src=x onerror=alert(1)>'


def arrange(app, make_walk, pins, *, published=True, feedback=False, status="closed", photo_approval=False,
            title="Vandring vid Mittpunkten", follow_up_of=None, when=None) -> int:
    """A walk with these pins, clustered into locations; returns its id.

    A pin is a dict: dx, dy (metres from the centre), rating, categories, comment, light, hidden,
    person (participant number), photo (None, "approved", "pending" or "removed"), approved (its
    comment approved for the public; True unless given).
    """
    code = make_walk(status=status, title=title, photo_approval=photo_approval)
    with app.app_context():
        walk = db.session.scalar(select(Walk).where(Walk.join_code == code))
        walk.follow_up_of_id = follow_up_of
        walk.starts_at = when or utcnow() - dt.timedelta(hours=3)
        proj = geo.LocalProjection(*VARBERG)
        people: dict[int, Participant] = {}
        for spec in pins:
            who = spec.get("person", len(people))
            if who not in people:
                people[who] = Participant(walk=walk, token_hash=hash_token(secrets.token_urlsafe(16)))
            lat, lon = proj.inverse(spec.get("dx", 0.0), spec.get("dy", 0.0))
            pin = Pin(walk=walk, participant=people[who], client_id=str(uuid.uuid4()), lat=float(lat), lon=float(lon),
                      rating=spec.get("rating", 2), categories=spec.get("categories", ["belysning"]),
                      comment=spec.get("comment"), light=spec.get("light", "morker"), hidden=spec.get("hidden", False),
                      comment_approved=spec.get("approved", True),
                      created_at=spec.get("created_at", walk.starts_at + dt.timedelta(minutes=10)))
            db.session.add(pin)
            if spec.get("photo"):
                sha = hashlib.sha256(uuid.uuid4().bytes).hexdigest()
                pin.photo = Photo(sha256=sha, width=800, height=600, bytes=1000, thumb_width=320, thumb_height=240,
                                  approved=spec["photo"] == "approved", hidden=spec["photo"] == "removed")
        db.session.flush()
        if status == "closed":
            locations.cluster_walk(walk)
            walk.closed_at = utcnow()
        walk.published_at = utcnow() if published else None
        walk.feedback_published_at = utcnow() if feedback else None
        db.session.commit()
        return walk.id


def location_ids(app, walk_id: int) -> list[int]:
    """The walk's locations, highest priority first."""
    with app.app_context():
        return [loc.id for loc in locations.walk_locations(db.session.get(Walk, walk_id))]


class Page(HTMLParser):
    """What a page shows: its text, its elements with their attributes."""

    def __init__(self, html: str):
        super().__init__()
        self.text: list[str] = []
        self.elements: list[tuple[str, dict]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)

    @property
    def all_text(self) -> str:
        return " ".join(" ".join(self.text).split())

    def find(self, tag: str, **attrs) -> list[dict]:
        return [a for t, a in self.elements if t == tag and all(a.get(k) == v for k, v in attrs.items())]


TWO_PLACES = [
    {"dx": 0, "dy": 0, "rating": 1, "categories": ["belysning", "tunnel"], "comment": "Kolsvart i tunneln", "person": 0},
    {"dx": 3, "dy": 2, "rating": 1, "categories": ["belysning"], "comment": "Läskigt; \"mörkt\"", "person": 1},
    {"dx": 2, "dy": -2, "rating": 2, "categories": ["tunnel"], "comment": "Dold kommentar", "hidden": True, "person": 2},
    {"dx": 300, "dy": 0, "rating": 2, "categories": ["trafik"], "comment": "Bilar kör fort", "light": "dagsljus", "person": 0},
    {"dx": 302, "dy": 1, "rating": 3, "categories": ["trafik"], "light": "dagsljus", "person": 1},
]


class _Text(HTMLParser):
    """A page's visible text (no scripts or styles), one space between pieces."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        self.skip += tag in ("script", "style")

    def handle_endtag(self, tag):
        self.skip -= tag in ("script", "style")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def text_of(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())
