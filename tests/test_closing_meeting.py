"""The closing meeting (återträff): the leader plans when and where, the protocol prints it with each
place's responsible party and its answer, and the planners keep the meeting's notes on the walk."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from tests.test_leader import CIRCLE
from tests.factories import TWO_PLACES, Page, arrange, location_ids
from walkapp.extensions import db
from walkapp.models import AuditEvent, PartyAnswer, ResponsibleParty, Walk


def test_the_leader_plans_the_closing_meeting(app, client, login_as):
    login_as("leader")
    data = {**CIRCLE, "closing_meeting_at": "2026-12-17T17:30", "closing_meeting_place": "Mittpunkten, stora rummet"}
    assert client.post("/leader/walks/new", data=data).status_code == 302
    with app.app_context():
        walk = db.session.scalar(select(Walk))
        # Stockholm time typed, UTC stored (17:30 in December is 16:30 UTC).
        assert walk.closing_meeting_at == dt.datetime(2026, 12, 17, 16, 30)
        assert walk.closing_meeting_place == "Mittpunkten, stora rummet"
        walk_id = walk.id
    text = Page(client.get(f"/leader/walks/{walk_id}").get_data(as_text=True)).all_text
    assert "Återträff" in text and "Mittpunkten, stora rummet" in text
    form = client.get(f"/leader/walks/{walk_id}/edit").get_data(as_text=True)
    assert 'value="2026-12-17T17:30"' in form


def test_the_protocol_prints_the_meeting_the_answers_and_the_notes(app, client, login_as, make_walk):
    walk_id = arrange(app, make_walk, TWO_PLACES)
    tunnel = location_ids(app, walk_id)[0]
    with app.app_context():
        walk = db.session.get(Walk, walk_id)
        walk.closing_meeting_at = dt.datetime(2026, 12, 17, 16, 30)
        walk.closing_meeting_place = "Mittpunkten"
        party = ResponsibleParty(name="Gatuavdelningen", kind="forvaltning")
        db.session.add(party)
        db.session.flush()
        db.session.add(PartyAnswer(location_id=tunnel, party_id=party.id, status="planerad", date=dt.date(2027, 3, 1),
                                   note="Ny belysning i tunneln"))
        db.session.commit()
    login_as("planner")
    text = Page(client.get(f"/planner/walks/{walk_id}/protocol").get_data(as_text=True)).all_text
    assert "Återträff 17 december 2026, 17:30, Mittpunkten" in text
    assert "Svar från Gatuavdelningen Planerad · 2027-03-01 Ny belysning i tunneln Förslag, väntar på planerarna" in text
    assert "Inga anteckningar än." in text

    client.post(f"/planner/walks/{walk_id}/closing-meeting", data={"notes": "Tunneln: lampor i mars.\nVägen: ingen åtgärd."})
    text = Page(client.get(f"/planner/walks/{walk_id}/protocol").get_data(as_text=True)).all_text
    assert "Tunneln: lampor i mars." in text
    with app.app_context():
        assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.walk_id == walk_id,
                                                                 AuditEvent.action == "walk_meeting_notes"))
    # Too long: refused, the old notes kept.
    client.post(f"/planner/walks/{walk_id}/closing-meeting", data={"notes": "x" * 20_001})
    with app.app_context():
        assert db.session.get(Walk, walk_id).closing_meeting_notes.startswith("Tunneln")
    login_as("leader")
    assert client.post(f"/planner/walks/{walk_id}/closing-meeting", data={"notes": "nej"}).status_code == 403
