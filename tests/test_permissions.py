"""The permission matrix: every staff route × every kind of visitor, generated from the URL map so a
new route cannot be forgotten."""

from __future__ import annotations

import datetime as dt
import functools

import pytest
from sqlalchemy import select
from werkzeug.routing import AnyConverter, IntegerConverter

from tests import photo_samples
from tests.conftest import log_in
from walkapp import create_app, vocab
from walkapp.extensions import db
from walkapp.models import PartyAnswer, PartyLink, Pin, ResponsibleParty, Walk
from walkapp.permissions import AREA_ROLES

_APP = create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": "sqlite://"})
STAFF_AREAS = tuple(AREA_ROLES)
# Routes outside the staff areas, each public on purpose (participants, the public, login itself).
# party.: a responsible party's personal link (its token is its key; docs/security.md).
# tiles.: map tiles, public around walks one can see and for staff in the region (tests/test_tiles.py).
PUBLIC_ENDPOINT_PREFIXES = ("api.", "pages.", "open311.", "media.", "auth.", "about.", "static", "party.", "tiles.")

STAFF_RULES = sorted(
    ((rule.rule, method, rule.endpoint) for rule in _APP.url_map.iter_rules()
     if rule.rule.split("/")[1] in STAFF_AREAS for method in sorted(rule.methods - {"HEAD", "OPTIONS"})),
)
# Visitors who may change things come last, so those refused see the world untouched.
PERSONAS = ["anonymous", "participant", "other_leader", "planner", "walk_leader", "admin"]


def test_every_route_is_staff_or_deliberately_public():
    for rule in _APP.url_map.iter_rules():
        if rule.rule.split("/")[1] in STAFF_AREAS:
            continue
        assert rule.endpoint.startswith(PUBLIC_ENDPOINT_PREFIXES), f"{rule.rule} ({rule.endpoint}) is neither staff nor known public"


def test_matrix_covers_every_staff_area():
    assert {r[0].split("/")[1] for r in STAFF_RULES} == set(STAFF_AREAS)


@pytest.fixture
def world(app, client, make_user, make_walk, join, make_pin):
    """A closed, published walk led by one leader, with pins, a photo, locations; and the other people."""
    people = {role: make_user(role.split("_")[-1] if role != "other_leader" else "leader")
              for role in ("walk_leader", "other_leader", "planner", "admin")}
    code = make_walk(leader=people["walk_leader"])
    token = join(code)
    pins = [make_pin(code, token, photo=_png()).get_json(), make_pin(code, token).get_json()]
    with app.app_context():
        from walkapp.locations import cluster_walk
        from walkapp.models import utcnow

        walk = db.session.scalar(select(Walk).where(Walk.join_code == code))
        walk.status = "closed"
        cluster_walk(walk)
        walk.published_at = walk.feedback_published_at = utcnow()
        party = ResponsibleParty(name="Gatuförvaltningen", email="gata@example.org")
        db.session.add(party)
        db.session.flush()
        location_id = db.session.get(Pin, pins[0]["id"]).location_id
        link = PartyLink(party_id=party.id, walk_id=walk.id, token_hash="0" * 64, email=party.email,
                         expires_at=utcnow() + dt.timedelta(days=1))
        db.session.add(link)
        db.session.flush()
        answer = PartyAnswer(location_id=location_id, party_id=party.id, link_id=link.id, status=vocab.PARTY_ANSWERS[0])
        db.session.add(answer)
        db.session.commit()
        ids = {
            "walk_id": walk.id,
            "pin_id": pins[0]["id"],
            "location_id": db.session.get(Pin, pins[0]["id"]).location_id,
            "user_id": people["other_leader"].id,
            "party_id": party.id,
            "link_id": link.id,
            "answer_id": answer.id,
        }
    return {"people": people, "token": token, "ids": ids, "code": code}


@functools.cache
def _png() -> bytes:
    return photo_samples.png_bytes()


def _url(rule_text: str, world) -> str:
    rule = next(r for r in _APP.url_map.iter_rules() if r.rule == rule_text)
    values = {}
    for name, converter in rule._converters.items():
        if isinstance(converter, AnyConverter):
            values[name] = sorted(converter.items)[0] if hasattr(converter, "items") else converter.regex.split("|")[0]
        elif isinstance(converter, IntegerConverter) or name.endswith("_id"):
            assert name in world["ids"], f"teach the permission matrix what {name} is ({rule_text})"
            values[name] = world["ids"][name]
        elif name == "join_code":
            values[name] = world["code"]
        else:
            values[name] = {"fmt": "csv", "format": "csv"}.get(name, "x")
    with _APP.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **values)


def _expected(area: str, persona: str, walk_specific: bool) -> str:
    if persona in ("anonymous", "participant"):
        return "login"
    role = {"other_leader": "leader", "walk_leader": "leader"}.get(persona, persona)
    if role not in AREA_ROLES[area]:
        return "forbidden"
    if area == "leader" and walk_specific and persona == "other_leader":
        return "forbidden"
    return "allowed"


@pytest.mark.parametrize(("rule", "method", "endpoint"), STAFF_RULES, ids=[f"{m} {r}" for r, m, _ in STAFF_RULES])
def test_permission_matrix(app, world, rule, method, endpoint):
    url = _url(rule, world)
    walk_specific = any(k in rule for k in ("walk_id", "pin_id", "location_id"))
    for persona in PERSONAS:
        client = app.test_client()
        headers = {}
        if persona == "participant":
            headers["Authorization"] = f"Bearer {world['token']}"
        elif persona != "anonymous":
            log_in(client, world["people"][persona])
        expected = _expected(rule.split("/")[1], persona, walk_specific)
        resp = client.open(url, method=method, headers=headers, data={})
        where = (persona, method, url, resp.status_code)
        if expected == "login":
            assert resp.status_code == 302 and resp.headers["Location"].startswith("/login"), where
        elif expected == "forbidden":
            assert resp.status_code == 403, where
        else:
            assert resp.status_code < 500 and resp.status_code not in (401, 403, 404), where
            assert not resp.headers.get("Location", "").startswith("/login"), where
        resp.close()


def test_photo_route_matrix(client, login_as, world, join, make_walk):
    """Unapproved photos: author and staff of the walk see them; another walk's participant and the public don't."""
    url = _url("/photos/<id:pin_id>/<any(full, thumb):size>.jpg", world)
    assert client.get(url).status_code == 404
    assert client.get(url, headers={"Authorization": f"Bearer {join(make_walk())}"}).status_code == 404
    with client.get(url, headers={"Authorization": f"Bearer {world['token']}"}) as resp:
        assert resp.status_code == 200
    for persona, status in [("other_leader", 404), ("walk_leader", 200), ("planner", 200), ("admin", 200)]:
        login_as(user=world["people"][persona])
        with client.get(url) as resp:
            assert resp.status_code == status, persona
