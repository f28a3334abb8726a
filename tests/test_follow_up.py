"""A follow-up walk: made from a closed walk (same area, its places as stops), asked on the phone
"Har det blivit bättre?", and a place marked Åtgärdad that the youths still find unsafe is flagged."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import select

from tests.factories import TWO_PLACES, Page, arrange, location_ids
from walkapp.extensions import db
from walkapp.models import AuditEvent, Location, User, Walk, utcnow


def test_a_leader_makes_a_follow_up_walk_from_a_closed_one(app, client, login_as, make_walk):
    leader = login_as("leader")
    earlier = arrange(app, make_walk, TWO_PLACES)
    with app.app_context():
        walk = db.session.get(Walk, earlier)
        walk.created_by_id = leader.id
        walk.staff.append(db.session.get(User, leader.id))
        db.session.commit()
        places = [db.session.get(Location, i) for i in location_ids(app, earlier)]
        expected = [{"name": f"{i}. {p.name}", "lat": round(p.lat, 6), "lon": round(p.lon, 6)} for i, p in enumerate(places, 1)]
    response = client.post(f"/leader/walks/{earlier}/follow-up")
    assert response.status_code == 302
    with app.app_context():
        follow = db.session.scalar(select(Walk).where(Walk.follow_up_of_id == earlier))
        old = db.session.get(Walk, earlier)
        assert response.headers["Location"].endswith(f"/leader/walks/{follow.id}/edit")
        assert (follow.status, follow.title) == ("draft", "Uppföljning: " + old.title)
        assert follow.area_geojson == old.area_geojson and follow.categories == old.categories
        assert follow.stops == expected and follow.join_code != old.join_code
        assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.walk_id == follow.id)) == "walk_created"
        follow.status, follow.opened_at = "open", utcnow()
        db.session.commit()
        code = follow.join_code
    # On the phone: the intro says it is a follow-up; the walk says so to the script.
    html = client.get(f"/j/{code}").get_data(as_text=True)
    assert "Det här är en uppföljning." in Page(html).all_text
    page = json.loads(html.split('<script type="application/json" id="page-data">')[1].split("</script>")[0])
    assert page["walk"]["follow_up"] is True and [s["name"] for s in page["walk"]["stops"]] == [s["name"] for s in expected]


def test_only_a_closed_walk_gets_a_follow_up(app, client, login_as, make_walk):
    leader = login_as("leader")
    code = make_walk(leader=leader)
    with app.app_context():
        walk_id = db.session.scalar(select(Walk.id).where(Walk.join_code == code))
    client.post(f"/leader/walks/{walk_id}/follow-up")
    with app.app_context():
        assert db.session.scalar(select(Walk).where(Walk.follow_up_of_id == walk_id)) is None
    login_as("leader")  # someone else's walk
    assert client.post(f"/leader/walks/{walk_id}/follow-up").status_code == 403


def test_a_fixed_place_still_found_unsafe_is_flagged(app, client, login_as, make_walk):
    earlier = arrange(app, make_walk, TWO_PLACES, when=utcnow() - dt.timedelta(days=200))
    tunnel = location_ids(app, earlier)[0]
    with app.app_context():
        db.session.get(Location, tunnel).status = "atgardad"
        db.session.commit()
    again = [{"dx": 1, "dy": 0, "rating": 1, "person": 0}, {"dx": 0, "dy": 1, "rating": 2, "person": 1},
             {"dx": 300, "dy": 0, "rating": 4, "person": 2}]
    arrange(app, make_walk, again, follow_up_of=earlier, title="Uppföljning")
    login_as("planner")
    flag = "Åtgärdad, men vid senaste vandringen tyckte de flesta fortfarande att det var otryggt."
    assert flag in Page(client.get(f"/planner/locations/{tunnel}").get_data(as_text=True)).all_text
    assert flag in Page(client.get("/planner/").get_data(as_text=True)).all_text
    # The road, not marked Åtgärdad, is not flagged; nor is the tunnel once it is safe at the latest walk.
    road = location_ids(app, earlier)[1]
    assert flag not in Page(client.get(f"/planner/locations/{road}").get_data(as_text=True)).all_text
