"""Containing a leaked code and abuse (draft walks, closed joins, a new code, blocked tokens, caps),
and only approved words going public."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.factories import arrange, location_ids
from walkapp.extensions import db
from walkapp.models import AuditEvent, Pin, Walk


def auth(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def walk_id_of(app, code: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Walk.id).where(Walk.join_code == code))


def actions(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_a_draft_walk_shows_only_its_posters_facts_and_cannot_be_joined(client, make_walk):
    code = make_walk(status="draft", meeting_place="Mittpunkten")
    body = client.get(f"/api/v1/walks/{code}").get_json()
    assert set(body) == {"code", "title", "status", "starts_at", "meeting_place", "url"}
    assert body["meeting_place"] == "Mittpunkten"
    resp = client.post(f"/api/v1/walks/{code}/participants")
    assert resp.status_code == 409 and resp.get_json()["error"] == "walk_not_open"
    assert "Vandringen har inte börjat än" in client.get(f"/j/{code}").get_data(as_text=True)


def test_closing_joins_stops_newcomers_not_those_already_in(app, client, make_walk, join, make_pin, login_as):
    leader = login_as("leader")
    code = make_walk(leader=leader)
    token = join(code)
    walk_id = walk_id_of(app, code)
    client.post(f"/leader/walks/{walk_id}/joins", data={"closed": "1"})
    resp = client.post(f"/api/v1/walks/{code}/participants")
    assert resp.status_code == 409 and resp.get_json()["error"] == "joins_closed"
    assert make_pin(code, token).status_code == 201
    client.post(f"/leader/walks/{walk_id}/joins", data={"closed": "0"})
    assert client.post(f"/api/v1/walks/{code}/participants").status_code == 201
    assert actions(app) == ["walk_joins_closed", "walk_joins_opened"]


def test_a_new_code_shuts_out_the_old_one_but_not_phones_that_joined(app, client, make_walk, join, make_pin, login_as):
    leader = login_as("leader")
    old = make_walk(leader=leader)
    token = join(old)
    walk_id = walk_id_of(app, old)
    assert client.post(f"/leader/walks/{walk_id}/code").status_code == 302
    with app.app_context():
        new = db.session.get(Walk, walk_id).join_code
    assert new != old
    # Nobody joins or learns anything with the old code …
    assert client.post(f"/api/v1/walks/{old}/participants").status_code == 404
    outsider = app.test_client()
    assert outsider.get(f"/api/v1/walks/{old}").status_code == 404
    page = outsider.get(f"/j/{old}")
    assert page.status_code == 410 and new not in page.get_data(as_text=True)
    # … but the phone that joined with it goes on, and learns the new code with its token.
    assert outsider.post(f"/api/v1/walks/{old}/pins", data={"client_id": "abcdefgh-1", "lat": "57.1057", "lon": "12.2502",
                                                            "rating": "2"}, headers=auth(token)).status_code == 201
    assert outsider.get(f"/api/v1/walks/{old}", headers=auth(token)).get_json()["code"] == new
    assert len(outsider.get(f"/api/v1/walks/{old}/pins", headers=auth(token)).get_json()["pins"]) == 1
    # The poster and the QR follow the new code.
    poster = client.get(f"/leader/walks/{walk_id}/poster").get_data(as_text=True)
    assert new in poster and old not in poster
    assert outsider.post(f"/api/v1/walks/{new}/participants").status_code == 201
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "walk_recoded"))
        assert (event.old_value, event.new_value) == (old, new)


def test_blocking_a_token_hides_its_pins_and_stops_it(app, client, make_walk, join, make_pin, login_as):
    leader = login_as("leader")
    code = make_walk(leader=leader)
    bad, good = join(code), join(code)
    first = make_pin(code, bad).get_json()
    make_pin(code, bad)
    make_pin(code, good)
    assert client.post(f"/leader/pins/{first['id']}/author/block", data={}).status_code == 302  # a reason is required
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Pin).where(Pin.hidden)) == 0
    client.post(f"/leader/pins/{first['id']}/author/block", data={"reason": "Skriver elakheter"})
    with app.app_context():
        hidden = db.session.scalars(select(Pin.hidden).order_by(Pin.id)).all()
    assert hidden == [True, True, False]
    resp = make_pin(code, bad)
    assert resp.status_code == 403 and resp.get_json()["error"] == "participant_blocked"
    assert make_pin(code, good).status_code == 201
    assert actions(app).count("pin_hide") == 2 and "participant_blocked" in actions(app)


@pytest.fixture
def capped(app_config):
    app_config["MAX_PINS_PER_PARTICIPANT"] = 3


def test_pins_per_participant_are_capped(capped, app, make_walk, join, make_pin):
    code = make_walk()
    token = join(code)
    assert [make_pin(code, token).status_code for _ in range(4)] == [201, 201, 201, 409]
    resp = make_pin(code, token)
    assert resp.get_json()["error"] == "pin_cap_reached" and "3" in resp.get_json()["message"]


# --- only approved words go public -----------------------------------------------------------------


def test_only_approved_words_reach_the_public_page_and_the_protocol(app, client, make_walk, login_as):
    walk = arrange(app, make_walk, [{"comment": "Godkänd kommentar", "person": 0, "approved": False},
                                    {"comment": "Du är en idiot", "dx": 2, "person": 1, "approved": False}], feedback=True)
    with app.app_context():
        walk_row = db.session.get(Walk, walk)
        code = walk_row.join_code
        approved = db.session.scalar(select(Pin.id).where(Pin.comment == "Godkänd kommentar"))
    public = client.get(f"/j/{code}").get_data(as_text=True)
    assert "Godkänd kommentar" not in public and "idiot" not in public
    login_as("planner")
    resp = client.post(f"/planner/pins/{approved}/words/approve", data={})
    assert resp.status_code == 302
    public = client.get(f"/j/{code}").get_data(as_text=True)
    assert "Godkänd kommentar" in public and "idiot" not in public
    protocol = client.get(f"/planner/walks/{walk}/protocol").get_data(as_text=True)
    assert "Godkänd kommentar" in protocol and "idiot" not in protocol
    # The planners' own pages still show every moderated comment, with the approval state.
    location = client.get(f"/planner/locations/{location_ids(app, walk)[0]}").get_data(as_text=True)
    assert "idiot" in location and "Godkänd" in location
    assert actions(app) == ["comment_approved"]


def test_changing_words_takes_the_approval_back(app, client, make_walk, join, make_pin, login_as):
    leader = login_as("leader")
    code = make_walk(leader=leader)
    token = join(code)
    pin = make_pin(code, token, comment="Mörkt här").get_json()
    client.post(f"/leader/pins/{pin['id']}/words/approve")
    with app.app_context():
        assert db.session.get(Pin, pin["id"]).comment_approved
    client.patch(f"/api/v1/pins/{pin['id']}", json={"comment": "Mörkt här, och Kalle är dum"}, headers=auth(token))
    with app.app_context():
        assert not db.session.get(Pin, pin["id"]).comment_approved
    client.post(f"/leader/pins/{pin['id']}/words/approve")
    client.post(f"/leader/pins/{pin['id']}/redact", data={"text": "och Kalle är dum", "reason": "Namn"})
    with app.app_context():
        assert not db.session.get(Pin, pin["id"]).comment_approved


def test_open311_shows_no_internal_proposal(app, client, make_walk, login_as):
    from walkapp.models import Location

    walk = arrange(app, make_walk, [{}], feedback=True)
    with app.app_context():
        location = db.session.get(Location, location_ids(app, walk)[0])
        location.proposed_action = "Internt: fälla träden"
        location.public_note = "Vi ser över belysningen."
        db.session.commit()
    body = client.get("/open311/v2/requests.json").get_data(as_text=True)
    assert "fälla träden" not in body and "Vi ser över belysningen." in body


def test_csv_names_its_charset_once(app, client, make_walk, login_as):
    arrange(app, make_walk, [{}])
    login_as("planner")
    assert client.get("/planner/export.csv").headers["Content-Type"] == "text/csv; charset=utf-8"
