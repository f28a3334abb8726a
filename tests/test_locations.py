"""Locations that persist: closing walks, follow-up walks, re-running, and the leader's review edits."""

from __future__ import annotations

import numpy as np
import pytest
from sqlalchemy import func, select

from tests.conftest import VARBERG
from walkapp import geo
from walkapp.extensions import db
from walkapp.locations import cluster_walk, merge, move_pin, rename, split, walk_locations
from walkapp.models import AuditEvent, Location, Pin, Walk

PROJ = geo.LocalProjection(*VARBERG)


def latlon(x, y):
    lat, lon = PROJ.inverse(x, y)
    return str(float(lat)), str(float(lon))


@pytest.fixture
def walk_with(app, make_walk, join, make_pin):
    """Make an open walk and pins at (x, y) metres from the centre: [(x, y, rating, participant_no), …]."""

    def make(points, **walk_fields):
        code = make_walk(**walk_fields)
        tokens = {}
        for x, y, rating, who in points:
            token = tokens.setdefault(who, join(code))
            lat, lon = latlon(x, y)
            assert make_pin(code, token, lat=lat, lon=lon, rating=str(rating)).status_code == 201
        with app.app_context():
            return db.session.scalar(select(Walk.id).where(Walk.join_code == code))

    return make


def close(app, walk_id):
    with app.app_context():
        walk = db.session.get(Walk, walk_id)
        walk.status = "closed"
        report = cluster_walk(walk)
        db.session.commit()
        return report


def locations_of(app, walk_id):
    with app.app_context():
        walk = db.session.get(Walk, walk_id)
        return [(loc.id, sorted(p.id for p in loc.pins), loc.name) for loc in walk_locations(walk)]


TUNNEL = [(0, 0, 1, 1), (5, 3, 1, 2), (8, -4, 2, 3), (3, 6, 1, 4)]
CROSSING = [(200, 0, 2, 1), (205, 5, 2, 2)]
LONELY = [(-300, 100, 3, 5)]


def test_closing_groups_pins_and_keeps_single_pins(app, walk_with):
    walk_id = walk_with(TUNNEL + CROSSING + LONELY)
    report = close(app, walk_id)
    assert (report.pins, report.locations, report.new) == (7, 3, 3)
    sizes = [len(pins) for _, pins, _ in locations_of(app, walk_id)]
    assert sizes == [4, 2, 1]  # ranked: the tunnel first, the safe place last


def test_follow_up_walk_adds_to_the_same_locations(app, walk_with):
    first = walk_with(TUNNEL + CROSSING)
    close(app, first)
    before = {loc_id for loc_id, _, _ in locations_of(app, first)}
    second = walk_with([(10, 2, 3, 1), (12, -1, 3, 2), (600 - 30, 0, 1, 3)])
    report = close(app, second)
    assert report.joined_earlier == 1 and report.new == 1
    after = {loc_id for loc_id, _, _ in locations_of(app, second)}
    assert len(before & after) == 1
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Location)) == 3
        tunnel = db.session.get(Location, (before & after).pop())
        assert {p.walk_id for p in tunnel.pins} == {first, second}


def test_running_again_changes_nothing(app, walk_with):
    walk_id = walk_with(TUNNEL + CROSSING + LONELY)
    close(app, walk_id)
    first = locations_of(app, walk_id)
    close(app, walk_id)
    assert locations_of(app, walk_id) == first


def test_running_again_keeps_staff_work(app, walk_with, make_user):
    walk_id = walk_with(TUNNEL + CROSSING + LONELY)
    close(app, walk_id)
    leader = make_user("leader")
    with app.app_context():
        tunnel, crossing, lonely = (db.session.get(Location, i) for i, _, _ in locations_of(app, walk_id))
        rename(tunnel, "Gångtunneln under banan", leader)
        tunnel.status, tunnel.proposed_action = "planerad", "Ny belysning"
        merge(crossing, lonely, leader)
        moved = tunnel.pins[0]
        new = split(tunnel, [moved.id], leader, db.session.get(Walk, walk_id))
        db.session.commit()
        expected = {(loc.id, loc.name, loc.status, loc.proposed_action, tuple(sorted(p.id for p in loc.pins)))
                    for loc in walk_locations(db.session.get(Walk, walk_id))}
        assert new is not None and len(expected) == 3
    close(app, walk_id)
    with app.app_context():
        again = {(loc.id, loc.name, loc.status, loc.proposed_action, tuple(sorted(p.id for p in loc.pins)))
                 for loc in walk_locations(db.session.get(Walk, walk_id))}
        assert again == expected
        actions = set(db.session.scalars(select(AuditEvent.action)))
        assert {"location_renamed", "location_merged", "location_split"} <= actions


def test_moving_a_pin_updates_both_locations(app, walk_with, make_user):
    walk_id = walk_with(TUNNEL + CROSSING)
    close(app, walk_id)
    leader = make_user("leader")
    with app.app_context():
        tunnel, crossing = (db.session.get(Location, i) for i, _, _ in locations_of(app, walk_id))
        pin = crossing.pins[0]
        move_pin(pin, tunnel, leader)
        db.session.commit()
        assert (len(tunnel.pins), len(crossing.pins)) == (5, 1)
        assert pin.location_locked


def test_hidden_and_unplaced_pins_are_not_clustered(app, walk_with, make_pin, join):
    walk_id = walk_with(TUNNEL)
    with app.app_context():
        walk = db.session.get(Walk, walk_id)
        db.session.scalars(select(Pin).where(Pin.walk_id == walk_id)).first().hidden = True
        code = walk.join_code
        db.session.commit()
    make_pin(code, join(code), lat=None, lon=None, place_description="Bakom affären")
    report = close(app, walk_id)
    assert (report.pins, report.unplaced, report.locations) == (3, 1, 1)


def test_location_figures_and_name(app, walk_with):
    walk_id = walk_with(TUNNEL, stops=[{"name": "Stopp 3", "lat": VARBERG[0], "lon": VARBERG[1]}])
    close(app, walk_id)
    with app.app_context():
        loc = db.session.get(Location, locations_of(app, walk_id)[0][0])
        assert loc.name == "Belysning – vid Stopp 3"
        assert loc.priority_reasons == "4 av 4 deltagare, mest Mycket otryggt, i skymning"
        lat = np.mean([p.lat for p in loc.pins])
        assert loc.lat == pytest.approx(lat)
        assert loc.footprint_geojson and loc.first_reported and loc.last_reported


def test_demo_walk_closed_end_to_end(app, runner, client, login_as):
    runner.invoke(args=["demo"])
    with app.app_context():
        walk = db.session.scalar(select(Walk))
        leader = walk.created_by
    login_as(user=leader)
    resp = client.post(f"/leader/walks/{walk.id}/status", data={"status": "closed"})
    assert resp.status_code == 302
    with app.app_context():
        walk = db.session.get(Walk, walk.id)
        locs = walk_locations(walk)
        assert walk.status == "closed" and 8 <= len(locs) <= 20
        top = locs[0]
        assert top.name.startswith("Tunnel / passage") and "Gångtunneln" in top.name
        assert top.priority > 70 and len(top.pins) == 10
        assert [loc.priority for loc in locs] == sorted((loc.priority for loc in locs), reverse=True)
        assert sum(len(loc.pins) for loc in locs) == db.session.scalar(select(func.count()).select_from(Pin))
    page = client.get(f"/leader/walks/{walk.id}/review").get_data(as_text=True)
    assert "Trygga platser" in page and top.name in page


def test_cli_cluster_command(app, runner, walk_with):
    walk_id = walk_with(TUNNEL)
    result = runner.invoke(args=["cluster", str(walk_id)])
    assert result.exit_code == 0 and "4 punkter blev 1 plats (nya: 1)." in result.output
    assert runner.invoke(args=["cluster", "9999"]).exit_code != 0


def test_hiding_a_pin_updates_its_location_at_once(app, client, walk_with, login_as):
    walk_id = walk_with(TUNNEL)
    close(app, walk_id)
    with app.app_context():
        walk = db.session.get(Walk, walk_id)
        loc = walk_locations(walk)[0]
        loc_id, before = loc.id, loc.priority_reasons
        pin_id = loc.pins[0].id
    login_as("admin")
    client.post(f"/leader/pins/{pin_id}/hide", data={"reason": "Olämpligt"})
    with app.app_context():
        assert before.startswith("4 av 4") and db.session.get(Location, loc_id).priority_reasons.startswith("3 av")
    client.post(f"/leader/pins/{pin_id}/unhide", data={"reason": "Fel av mig"})
    with app.app_context():
        assert db.session.get(Location, loc_id).priority_reasons == before


def test_a_leader_cannot_move_another_leaders_pins(app, client, walk_with, make_user, login_as):
    first = walk_with(TUNNEL)
    close(app, first)
    second = walk_with([(3, 2, 2, 1), (6, 1, 2, 2)])
    close(app, second)
    other_leader = make_user("leader")
    with app.app_context():
        walk = db.session.get(Walk, second)
        walk.created_by_id = other_leader.id
        shared = walk_locations(walk)[0]
        first_pins = sorted(p.id for p in shared.pins if p.walk_id == first)
        second_pins = [p.id for p in shared.pins if p.walk_id == second]
        assert len(first_pins) == 4 and len(second_pins) == 2
        db.session.commit()
        other = Location(name="Annan", lat=shared.lat, lon=shared.lon)
        db.session.add(other)
        db.session.flush()
        db.session.get(Pin, second_pins[0]).location_id = other.id
        db.session.commit()
        other_id, shared_id = other.id, shared.id
    login_as(user=other_leader)
    # Splitting with the first walk's pin ids moves none of them.
    client.post(f"/leader/walks/{second}/locations/{shared_id}/split", data={"pins": [str(i) for i in first_pins]})
    # Merging the shared location (with the first walk's pins) into another is refused.
    client.post(f"/leader/walks/{second}/locations/{other_id}/merge", data={"other": str(shared_id)})
    with app.app_context():
        assert sorted(p.id for p in db.session.get(Location, shared_id).pins if p.walk_id == first) == first_pins
        assert db.session.get(Location, shared_id).merged_into_id is None
    page = client.get(f"/leader/walks/{second}/review").get_data(as_text=True)
    # The first walk's pins (and their words) are not listed to this leader, only counted.
    assert "tidigare vandring" not in page and "Före och efter" in page
