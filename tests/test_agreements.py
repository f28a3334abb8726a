""""Jag håller med": agreeing with another participant's pin instead of making a duplicate. Its own
record, sent exactly once, never showing another youth's words, counted as a voice in the place's
figures, priority and exports, under the same cap, and taken back while the walk is open."""

from __future__ import annotations

import csv
import io
import uuid

import pytest
from sqlalchemy import func, select

from tests.openapi_check import assert_matches
from walkapp import lifecycle, place_index
from walkapp.extensions import db
from walkapp.models import Agreement, Location, Pin, User, Walk

AGREE = "/walks/{join_code}/pins/{pin_id}/agreements"


def auth(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def shared(make_walk, join, make_pin):
    """A walk that shares pins; another youth's pin (safe, with words) and a token to agree with."""
    code = make_walk(share_pins=True)
    author, me = join(code), join(code)
    pin = make_pin(code, author, rating=3, comment="Mina egna ord om platsen", categories=["belysning"]).get_json()
    return {"code": code, "author": author, "me": me, "pin": pin["id"]}


def agree(client, s, token=None, client_id=None, **fields):
    body = {"client_id": client_id or str(uuid.uuid4()), **fields}
    return client.post(f"/api/v1/walks/{s['code']}/pins/{s['pin']}/agreements", data=body, headers=auth(token or s["me"]))


def count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Agreement))


def test_agreeing_is_stored_once_and_shows_without_anyones_words(app, client, shared):
    client_id = str(uuid.uuid4())
    first = agree(client, shared, client_id=client_id, rating="1", comment="Jag tycker också det är läskigt")
    assert first.status_code == 201
    assert_matches("post", AGREE, first)
    again = agree(client, shared, client_id=client_id, rating="1", comment="Jag tycker också det är läskigt")
    assert again.status_code == 200 and again.get_json()["id"] == first.get_json()["id"]
    assert count(app) == 1

    mine = client.get(f"/api/v1/walks/{shared['code']}/pins", headers=auth(shared["me"]))
    assert_matches("get", "/walks/{join_code}/pins", mine)
    [theirs] = mine.get_json()["pins"]
    assert theirs["agreements"] == 1 and theirs["agreed"]["id"] == first.get_json()["id"]
    assert "Mina egna ord" not in mine.get_data(as_text=True)
    # The author sees that someone agrees, not who nor what they wrote.
    authors = client.get(f"/api/v1/walks/{shared['code']}/pins", headers=auth(shared["author"]))
    [own] = authors.get_json()["pins"]
    assert own["agreements"] == 1 and own["agreed"] is None
    assert "läskigt" not in authors.get_data(as_text=True)


@pytest.mark.parametrize("case", ["own_pin", "not_shared", "hidden", "bad_rating", "long_comment", "twice", "other_clients_id", "closed", "no_token"])
def test_bad_agreements_are_refused_and_change_nothing(app, client, shared, make_walk, join, make_pin, case):
    expected = {"own_pin": 409, "not_shared": 404, "hidden": 404, "bad_rating": 400, "long_comment": 400, "twice": 409,
                "other_clients_id": 409, "closed": 409, "no_token": 401}[case]
    kwargs = {}
    if case == "own_pin":
        kwargs["token"] = shared["author"]
    elif case == "not_shared":
        code = make_walk(share_pins=False)
        author, me = join(code), join(code)
        shared = {"code": code, "me": me, "pin": make_pin(code, author).get_json()["id"]}
    elif case == "hidden":
        with app.app_context():
            db.session.get(Pin, shared["pin"]).hidden = True
            db.session.commit()
    elif case == "bad_rating":
        kwargs["rating"] = "true"
    elif case == "long_comment":
        kwargs["comment"] = "x" * 2001
    elif case == "twice":
        assert agree(client, shared).status_code == 201
    elif case == "other_clients_id":
        other = join(shared["code"])
        taken = str(uuid.uuid4())
        assert agree(client, shared, token=other, client_id=taken).status_code == 201
        kwargs["client_id"] = taken
    elif case == "closed":
        with app.app_context():
            db.session.scalar(select(Walk).where(Walk.join_code == shared["code"])).status = "closed"
            db.session.commit()
    before = count(app)
    if case == "no_token":
        resp = client.post(f"/api/v1/walks/{shared['code']}/pins/{shared['pin']}/agreements", data={"client_id": str(uuid.uuid4())})
    else:
        resp = agree(client, shared, **kwargs)
    assert resp.status_code == expected, resp.get_json()
    assert_matches("post", AGREE, resp)
    assert count(app) == before


def test_agreements_count_against_the_cap(app, client, shared, make_pin):
    app.config["MAX_PINS_PER_PARTICIPANT"] = 2
    make_pin(shared["code"], shared["me"], rating=2)
    assert agree(client, shared).status_code == 201
    refused = make_pin(shared["code"], shared["me"], rating=2)
    assert refused.status_code == 409 and refused.get_json()["error"] == "pin_cap_reached"


def test_taking_back(app, client, shared, join):
    made = agree(client, shared).get_json()
    other = join(shared["code"])
    assert client.delete(f"/api/v1/agreements/{made['id']}", headers=auth(other)).status_code == 403
    assert count(app) == 1
    resp = client.delete(f"/api/v1/agreements/{made['id']}", headers=auth(shared["me"]))
    assert resp.status_code == 204
    assert count(app) == 0
    assert client.delete(f"/api/v1/agreements/{made['id']}", headers=auth(shared["me"])).status_code == 404
    # Agreeing again afterwards is a new agreement.
    assert agree(client, shared).status_code == 201


def test_an_agreement_is_a_voice_in_the_places_figures_and_exports(app, client, shared, join, login_as, make_user):
    # A pin that felt "Ganska tryggt", and two who say it is "Mycket otryggt" for them.
    assert agree(client, shared, rating="1").status_code == 201
    assert agree(client, shared, token=join(shared["code"])).status_code == 201  # the pin's own rating counts
    leader_id = make_user("leader").id
    with app.app_context():
        walk = db.session.scalar(select(Walk).where(Walk.join_code == shared["code"]))
        lifecycle.change_status(walk, "closed", db.session.get(User, leader_id))
        walk.published_at = walk.closed_at
        db.session.commit()
        location = db.session.scalar(select(Location))
        [card] = place_index.cards_for([location.id])
        assert (card.figures.pin_count, card.figures.agreements, card.figures.people) == (1, 2, 3)
        assert card.figures.mean_rating == pytest.approx((3 + 1 + 3) / 3)
        assert not card.figures.only_safe and location.priority > 0
        assert location.priority_reasons.startswith("3 av 3")
    login_as("planner")
    rows = list(csv.reader(io.StringIO(client.get("/planner/export.csv").get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    header, row = rows[0], rows[1]
    assert row[header.index("Håller med")] == "2" and row[header.index("Punkter")] == "1"
    geo = client.get("/planner/export.geojson").get_json()
    assert geo["features"][0]["properties"]["agreements"] == 2
