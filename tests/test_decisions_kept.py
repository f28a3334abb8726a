"""Staff actions never silently destroy planners' decisions: merging carries them over (or is refused
naming what would be lost), re-clustering leaves their places alone, and a walk whose places are
followed up cannot be withdrawn or reopened from under the planners."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from tests.factories import arrange, location_ids
from walkapp.extensions import db
from walkapp.models import Location, Pin, ResponsibleParty, Walk

TWO_PLACES = [{"dx": 0, "comment": "Tunneln"}, {"dx": 2, "comment": "Tunneln igen", "person": 1},
              {"dx": 300, "comment": "Parken", "person": 2}, {"dx": 302, "person": 3}]


@pytest.fixture
def places(app, make_walk, login_as):
    """A published walk with two places: `decided` has planners' follow-up, `plain` has none."""
    leader = login_as("leader")
    walk_id = arrange(app, make_walk, TWO_PLACES, feedback=True)
    ids = location_ids(app, walk_id)
    with app.app_context():
        walk = db.session.get(Walk, walk_id)
        walk.staff.append(db.session.get(type(leader), leader.id))
        party = ResponsibleParty(name="Gatuavdelningen")
        db.session.add(party)
        decided, plain = (db.session.get(Location, i) for i in ids)
        decided.status, decided.status_reason = "atgardas_ej", "Marken är Trafikverkets"
        decided.responsible = party
        decided.due_date = dt.date(2027, 3, 1)
        decided.public_note = "Vi har frågat Trafikverket."
        decided.proposed_action = "Ny belysning"
        db.session.commit()
        return {"walk": walk_id, "decided": decided.id, "plain": plain.id}


def _location(app, location_id) -> Location:
    with app.app_context():
        loc = db.session.get(Location, location_id)
        db.session.expunge(loc)
        return loc


def test_merging_a_decided_place_into_another_keeps_every_decision(app, client, places):
    walk, decided, plain = places["walk"], places["decided"], places["plain"]
    resp = client.post(f"/leader/walks/{walk}/locations/{plain}/merge", data={"other": str(decided)})
    assert resp.status_code == 302
    kept = _location(app, plain)
    assert (kept.status, kept.status_reason) == ("atgardas_ej", "Marken är Trafikverkets")
    assert kept.due_date == dt.date(2027, 3, 1) and kept.responsible_id is not None
    assert kept.public_note == "Vi har frågat Trafikverket." and kept.proposed_action == "Ny belysning"
    assert _location(app, decided).merged_into_id == plain
    # The decision is where planners, exports and the public look.
    from tests.conftest import log_in
    from walkapp.models import User

    with app.app_context():
        planner = User(email="p@example.org", display_name="P", role="planner", password_hash="x")
        db.session.add(planner)
        db.session.commit()
        db.session.refresh(planner)
        db.session.expunge(planner)
    log_in(client, planner)
    assert "Marken är Trafikverkets" in client.get("/planner/").get_data(as_text=True)
    assert "Marken är Trafikverkets" in client.get("/planner/export.csv").get_data(as_text=True)
    assert "Vi har frågat Trafikverket." in client.get(f"/planner/walks/{walk}/protocol").get_data(as_text=True)
    with app.app_context():
        code = db.session.get(Walk, walk).join_code
    assert "Vi har frågat Trafikverket." in app.test_client().get(f"/j/{code}").get_data(as_text=True)
    # The merged place's history shows on the surviving place.
    page = client.get(f"/planner/locations/{plain}").get_data(as_text=True)
    assert page.count("Marken är Trafikverkets") >= 1


def test_merging_two_places_with_different_decisions_is_refused(app, client, places):
    walk, decided, plain = places["walk"], places["decided"], places["plain"]
    with app.app_context():
        loc = db.session.get(Location, plain)
        loc.status = "planerad"
        db.session.commit()
    resp = client.post(f"/leader/walks/{walk}/locations/{plain}/merge", data={"other": str(decided)}, follow_redirects=True)
    assert "slås inte ihop" in resp.get_data(as_text=True) and "status" in resp.get_data(as_text=True)
    assert _location(app, decided).merged_into_id is None
    assert _location(app, plain).status == "planerad"
    with app.app_context():
        assert {p.location_id for p in db.session.scalars(select(Pin))} == {decided, plain}


def test_reclustering_leaves_a_followed_up_place_its_pins(app, client, places):
    walk, decided = places["walk"], places["decided"]
    with app.app_context():
        before = sorted(p.id for p in db.session.get(Location, decided).pins)
        # Tighter clustering would now split the pair; their place is followed up, so they stay.
        db.session.get(Walk, walk).cluster_eps_m = 1.0
        db.session.commit()
    client.post(f"/leader/walks/{walk}/recluster")
    with app.app_context():
        assert sorted(p.id for p in db.session.get(Location, decided).pins) == before
        assert db.session.get(Location, decided).priority > 0


@pytest.mark.parametrize("how", ["withdraw", "reopen"])
def test_a_followed_up_walk_cannot_be_taken_from_the_planners(app, client, places, how):
    walk = places["walk"]
    if how == "withdraw":
        resp = client.post(f"/leader/walks/{walk}/publish", data={"publish": "0"}, follow_redirects=True)
    else:
        resp = client.post(f"/leader/walks/{walk}/status", data={"status": "open"}, follow_redirects=True)
    assert "Planerarna följer redan upp" in resp.get_data(as_text=True)
    with app.app_context():
        row = db.session.get(Walk, walk)
        assert row.published_at is not None and row.feedback_published_at is not None and row.status == "closed"


def test_a_walk_without_follow_up_can_still_be_withdrawn(app, client, make_walk, login_as):
    leader = login_as("leader")
    walk = arrange(app, make_walk, TWO_PLACES)
    with app.app_context():
        row = db.session.get(Walk, walk)
        row.staff.append(db.session.get(type(leader), leader.id))
        db.session.commit()
    client.post(f"/leader/walks/{walk}/publish", data={"publish": "0"})
    with app.app_context():
        assert db.session.get(Walk, walk).published_at is None


def test_splitting_keeps_the_decision_on_the_original_place(app, client, places):
    walk, decided = places["walk"], places["decided"]
    with app.app_context():
        pin = db.session.scalars(select(Pin.id).where(Pin.location_id == decided)).first()
    client.post(f"/leader/walks/{walk}/locations/{decided}/split", data={"pins": [str(pin)]})
    kept = _location(app, decided)
    assert kept.status == "atgardas_ej" and kept.public_note == "Vi har frågat Trafikverket."
