"""Heard before the walk: the leader opens the map before the walk day (status "early"); youths who
cannot come pin from home with the same link; those pins are marked "före vandringen", the leader
sees them while planning, and they cluster with the walk's own."""

from __future__ import annotations

from sqlalchemy import select

from tests.factories import Page
from walkapp.extensions import db
from walkapp.models import AuditEvent, Location, Pin, Walk


def _walk(app, code: str) -> Walk:
    with app.app_context():
        walk = db.session.scalar(select(Walk).where(Walk.join_code == code))
        db.session.expunge(walk)
        return walk


def test_the_early_map_takes_pins_marked_before_the_walk(app, client, login_as, make_walk, join, make_pin):
    leader = login_as("leader")
    code = make_walk(status="draft", leader=leader)
    walk_id = _walk(app, code).id
    # A draft takes nobody.
    assert client.post(f"/api/v1/walks/{code}/participants").status_code == 409

    assert client.post(f"/leader/walks/{walk_id}/status", data={"status": "early"}).status_code == 302
    walk = _walk(app, code)
    assert walk.status == "early" and walk.early_opened_at is not None and walk.opened_at is None
    page = Page(client.get(f"/j/{code}").get_data(as_text=True)).all_text
    assert "Vandringen är inte i dag." in page and "Kan du inte komma?" in page

    from_home = join(code)
    early = make_pin(code, from_home, comment="Mörk gångväg hem", lat="57.1057", lon="12.2502")
    assert early.status_code == 201, early.get_json()
    walk_page = Page(client.get(f"/leader/walks/{walk_id}").get_data(as_text=True)).all_text
    assert "1 före vandringen" in walk_page
    assert "Före vandringen" in Page(client.get(f"/leader/walks/{walk_id}/pins").get_data(as_text=True)).all_text
    [fed] = client.get(f"/leader/walks/{walk_id}/feed").get_json()["pins"]
    assert fed["before_walk"] is True

    # The walk day: opened for real; pins now are the walk's own, and both cluster together on close.
    assert client.post(f"/leader/walks/{walk_id}/status", data={"status": "open"}).status_code == 302
    on_the_walk = join(code)
    later = make_pin(code, on_the_walk, lat="57.10571", lon="12.25021")
    assert later.status_code == 201
    with app.app_context():
        pins = {p.id: p.before_walk for p in db.session.scalars(select(Pin))}
        assert pins == {early.get_json()["id"]: True, later.get_json()["id"]: False}
        actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.walk_id == walk_id)).all()
        assert "walk_opened_early" in actions and "walk_opened" in actions
    client.post(f"/leader/walks/{walk_id}/status", data={"status": "closed"})
    with app.app_context():
        located = {p.location_id for p in db.session.scalars(select(Pin))}
        assert len(located) == 1 and None not in located  # one place, from both
        assert db.session.scalar(select(Location)).id in located


def test_back_to_draft_from_the_early_map(app, client, login_as, make_walk):
    leader = login_as("leader")
    code = make_walk(status="draft", leader=leader)
    walk_id = _walk(app, code).id
    client.post(f"/leader/walks/{walk_id}/status", data={"status": "early"})
    client.post(f"/leader/walks/{walk_id}/status", data={"status": "draft"})
    assert _walk(app, code).status == "draft"
    assert client.post(f"/api/v1/walks/{code}/participants").status_code == 409
    # Closing straight from the early map is not a step of the life cycle.
    client.post(f"/leader/walks/{walk_id}/status", data={"status": "early"})
    client.post(f"/leader/walks/{walk_id}/status", data={"status": "closed"})
    assert _walk(app, code).status == "early"
