"""Walk leaders: planning a walk, its status, the poster, the live feed and moderation."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from sqlalchemy import func, select

from tests import photo_samples
from tests.conftest import VARBERG
from tests.factories import text_of  # noqa: F401 (other tests import it from here)
from walkapp.extensions import db
from walkapp.models import AuditEvent, Pin, Walk

CIRCLE = {"title": "Kvällsvandring", "starts_at": "2026-12-03T18:30", "meeting_place": "Mittpunkten", "light": "morker",
          "area_mode": "circle", "center_lat": str(VARBERG[0]), "center_lon": str(VARBERG[1]), "radius_m": "500",
          "stops_json": json.dumps([{"name": "Tunneln", "lat": VARBERG[0] + 0.001, "lon": VARBERG[1]}]),
          "categories": ["belysning", "trafik"], "extra_categories": "Hundbajs\nCykelväg", "share_pins": "y",
          "cluster_eps_m": "25", "cluster_min_samples": "2"}


def walk_by_title(app, title):
    with app.app_context():
        walk = db.session.scalar(select(Walk).where(Walk.title == title))
        db.session.expunge(walk)
        return walk


def test_leader_creates_a_walk_with_a_circle(app, client, login_as):
    leader = login_as("leader")
    resp = client.post("/leader/walks/new", data=CIRCLE)
    assert resp.status_code == 302, resp.get_data(as_text=True)
    walk = walk_by_title(app, "Kvällsvandring")
    assert resp.headers["Location"] == f"/leader/walks/{walk.id}"
    assert walk.status == "draft" and walk.created_by_id == leader.id
    assert re.fullmatch(r"[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{6}", walk.join_code)
    assert walk.starts_at.isoformat() == "2026-12-03T17:30:00"  # 18:30 in Sweden is 17:30 UTC in winter
    assert [c["key"] for c in walk.categories] == ["belysning", "trafik", "hundbajs", "cykelvag"]
    assert walk.stops[0]["name"] == "Tunneln" and walk.share_pins and not walk.photo_approval
    assert walk.center_lat == pytest.approx(VARBERG[0], abs=1e-5)
    page = client.get(f"/leader/walks/{walk.id}").get_data(as_text=True)
    assert walk.join_code in page


def test_leader_creates_a_walk_with_a_drawn_polygon(app, client, login_as):
    login_as("leader")
    ring = [[12.248, 57.104], [12.253, 57.104], [12.253, 57.107], [12.248, 57.107], [12.248, 57.104]]
    data = {**CIRCLE, "title": "Polygon", "area_mode": "polygon", "area_geojson": json.dumps({"type": "Polygon", "coordinates": [ring]})}
    assert client.post("/leader/walks/new", data=data).status_code == 302
    walk = walk_by_title(app, "Polygon")
    assert json.loads(walk.area_geojson)["coordinates"] == [ring]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"title": ""}, "Det här fältet är obligatoriskt"),
        ({"area_mode": "polygon", "area_geojson": ""}, "Rita området på kartan"),
        ({"area_mode": "polygon", "area_geojson": json.dumps({"type": "Polygon", "coordinates": [[[12.2, 57.1], [12.3, 57.2], [12.2, 57.2], [12.3, 57.1], [12.2, 57.1]]]})}, "Rita området"),
        ({"center_lat": ""}, "Välj mittpunkten"),
        ({"categories": [], "extra_categories": ""}, "Välj minst en kategori"),
        ({"stops_json": json.dumps([{"name": "", "lat": 57.1, "lon": 12.2}])}, "Varje stopp behöver ett namn"),
        ({"stops_json": json.dumps([{"name": "A", "lat": 57.1, "lon": 12.2}, {"name": "A", "lat": 57.1, "lon": 12.2}])}, "samma namn"),
        ({"radius_m": "5"}, "Radien ska vara mellan 50 och 10 000 meter"),
    ],
)
def test_bad_walk_forms_show_errors_and_store_nothing(app, client, login_as, change, message):
    login_as("leader")
    resp = client.post("/leader/walks/new", data={**CIRCLE, **change})
    assert resp.status_code == 200 and message in resp.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Walk)) == 0


def test_categories_with_pins_cannot_be_removed(app, client, login_as, make_walk, join, make_pin):
    leader = login_as("leader")
    code = make_walk(leader=leader)
    make_pin(code, join(code), categories=["trafik"])
    with app.app_context():
        walk_id = db.session.scalar(select(Walk.id).where(Walk.join_code == code))
    resp = client.post(f"/leader/walks/{walk_id}/edit", data={**CIRCLE, "categories": ["belysning"], "extra_categories": ""})
    assert resp.status_code == 200 and "trafik" in resp.get_data(as_text=True)
    with app.app_context():
        assert "trafik" in db.session.get(Walk, walk_id).category_keys


def test_leaders_see_only_their_walks_admins_all(app, client, login_as, make_user, make_walk):
    mine, theirs = make_user("leader"), make_user("leader")
    make_walk(title="Min vandring", leader=mine)
    make_walk(title="Deras vandring", leader=theirs)
    login_as(user=mine)
    page = client.get("/leader/").get_data(as_text=True)
    assert "Min vandring" in page and "Deras vandring" not in page
    login_as("admin")
    page = client.get("/leader/").get_data(as_text=True)
    assert "Min vandring" in page and "Deras vandring" in page


def test_leader_adds_a_co_leader_who_can_then_run_the_walk(app, client, login_as, make_user):
    lina, per, outsider = make_user("leader"), make_user("leader"), make_user("leader")
    login_as(user=lina)
    assert client.post("/leader/walks/new", data={**CIRCLE, "co_leaders": [str(per.id)]}).status_code == 302
    walk = walk_by_title(app, "Kvällsvandring")
    login_as(user=per)
    assert client.get(f"/leader/walks/{walk.id}").status_code == 200
    assert "Kvällsvandring" in client.get("/leader/").get_data(as_text=True)
    login_as(user=outsider)
    assert client.get(f"/leader/walks/{walk.id}").status_code == 403
    login_as(user=lina)
    assert client.post(f"/leader/walks/{walk.id}/edit", data={**CIRCLE, "co_leaders": []}).status_code == 302
    login_as(user=per)
    assert client.get(f"/leader/walks/{walk.id}").status_code == 403
    bad = client.post("/leader/walks/new", data={**CIRCLE, "title": "X", "co_leaders": ["99999"]})
    assert bad.status_code == 200


def test_status_moves_draft_open_closed_and_reopen(app, client, login_as, make_walk, join, make_pin):
    leader = login_as("leader")
    code = make_walk(status="draft", leader=leader)
    walk_id = walk_by_title(app, "Testvandring").id
    assert client.post(f"/api/v1/walks/{code}/participants").status_code == 409
    steps = [("closed", "draft"), ("open", "open"), ("closed", "closed"), ("open", "open")]
    for target, expected in steps:
        client.post(f"/leader/walks/{walk_id}/status", data={"status": target})
        assert walk_by_title(app, "Testvandring").status == expected
        if expected == "open" and target == "open":
            token = join(code)
    client.post(f"/leader/walks/{walk_id}/status", data={"status": "closed"})
    resp = make_pin(code, token, taken_at=None)
    assert (resp.status_code, resp.get_json()["error"]) == (409, "walk_closed")
    with app.app_context():
        actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.walk_id == walk_id)).all()
        assert actions.count("walk_closed") == 2 and "walk_reopened" in actions


def test_poster_and_projector_show_the_qr_code_and_the_code(app, client, login_as, make_walk):
    leader = login_as("leader")
    code = make_walk(leader=leader)
    walk_id = walk_by_title(app, "Testvandring").id
    for page in ("poster", "projector"):
        html = client.get(f"/leader/walks/{walk_id}/{page}").get_data(as_text=True)
        assert "<svg" in html and code in html and f"http://localhost/j/{code}" in html


def test_poster_uses_the_public_url_when_configured(app_config, app, client, login_as, make_walk):
    app.config["PUBLIC_URL"] = "https://trygg.varberg.se"
    leader = login_as("leader")
    code = make_walk(leader=leader)
    html = client.get(f"/leader/walks/{walk_by_title(app, 'Testvandring').id}/poster").get_data(as_text=True)
    assert f"https://trygg.varberg.se/j/{code}" in html


def test_feed_returns_changes_since_cursor_and_all_ids(app, client, login_as, make_walk, join, make_pin):
    leader = login_as("leader")
    code = make_walk(leader=leader)
    walk_id = walk_by_title(app, "Testvandring").id
    token = join(code)
    first = make_pin(code, token, comment="<script>alert(1)</script>").get_json()
    feed = client.get(f"/leader/walks/{walk_id}/feed").get_json()
    assert [p["id"] for p in feed["pins"]] == [first["id"]] and feed["ids"] == [first["id"]]
    assert feed["pins"][0]["author"] == "Deltagare 1" and feed["figures"]["participants"] == 1
    assert feed["pins"][0]["comment"] == "<script>alert(1)</script>"  # JSON; the page sets it as text
    second = make_pin(code, token).get_json()
    later = client.get(f"/leader/walks/{walk_id}/feed", query_string={"since": feed["cursor"]}).get_json()
    assert second["id"] in [p["id"] for p in later["pins"]]
    assert sorted(later["ids"]) == sorted([first["id"], second["id"]])
    client.delete(f"/api/v1/pins/{first['id']}", headers={"Authorization": f"Bearer {token}"})
    assert client.get(f"/leader/walks/{walk_id}/feed", query_string={"since": later["cursor"]}).get_json()["ids"] == [second["id"]]


def test_leader_adds_a_staff_pin(app, client, login_as, make_walk):
    leader = login_as("leader")
    make_walk(leader=leader)
    walk_id = walk_by_title(app, "Testvandring").id
    resp = client.post(f"/leader/walks/{walk_id}/pins", data={"lat": str(VARBERG[0]), "lon": str(VARBERG[1]), "rating": "1",
                                                            "categories": ["belysning"], "comment": "Trasig lampa"})
    assert resp.status_code == 201 and resp.get_json()["staff"] is True
    again = client.post(f"/leader/walks/{walk_id}/pins", data={"lat": str(VARBERG[0]), "lon": str(VARBERG[1]), "rating": "1",
                                                             "client_id": "staff-pin-0001"})
    twice = client.post(f"/leader/walks/{walk_id}/pins", data={"lat": str(VARBERG[0]), "lon": str(VARBERG[1]), "rating": "1",
                                                             "client_id": "staff-pin-0001"})
    assert (again.status_code, twice.status_code) == (201, 200) and again.get_json()["id"] == twice.get_json()["id"]
    bad = client.post(f"/leader/walks/{walk_id}/pins", data={"lat": "58", "lon": str(VARBERG[1]), "rating": "1"})
    assert (bad.status_code, bad.get_json()["error"]) == (400, "outside_area")
    with app.app_context():
        pin = db.session.scalar(select(Pin))
        assert pin.user_id == leader.id and pin.participant_id is None and db.session.scalar(select(func.count()).select_from(Pin)) == 2


@pytest.fixture
def moderated(app, client, login_as, make_walk, join, make_pin):
    leader = login_as("leader")
    code = make_walk(leader=leader, share_pins=True, photo_approval=True)
    author = join(code)
    pin = make_pin(code, author, comment="Kalle Svensson bor här, mörkt", photo=photo_samples.png_bytes()).get_json()
    return {"code": code, "author": author, "pin": pin, "leader": leader}


def test_hide_needs_a_reason_and_is_logged(app, client, moderated, join):
    pin_id = moderated["pin"]["id"]
    refused = client.post(f"/leader/pins/{pin_id}/hide", data={"reason": " "})
    assert refused.status_code == 302
    with app.app_context():
        assert not db.session.get(Pin, pin_id).hidden
    client.post(f"/leader/pins/{pin_id}/hide", data={"reason": "Personuppgifter"})
    other = join(moderated["code"])
    shared = client.get(f"/api/v1/walks/{moderated['code']}/pins", headers={"Authorization": f"Bearer {other}"}).get_json()
    assert shared["pins"] == []
    client.post(f"/leader/pins/{pin_id}/unhide", data={"reason": "Redigerad"})
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.pin_id == pin_id).order_by(AuditEvent.id)).all()
        assert [(e.action, e.note, e.user_id) for e in events] == [
            ("pin_hide", "Personuppgifter", moderated["leader"].id), ("pin_unhide", "Redigerad", moderated["leader"].id)]


def test_redaction_keeps_the_original_for_admins_only(app, client, login_as, moderated):
    pin_id = moderated["pin"]["id"]
    client.post(f"/leader/pins/{pin_id}/redact", data={"text": "Kalle Svensson", "reason": "Namn"})
    with app.app_context():
        pin = db.session.get(Pin, pin_id)
        assert pin.comment == "[borttaget] bor här, mörkt" and pin.comment_original.startswith("Kalle")
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "comment_redacted"))
        assert "Kalle" not in (event.old_value or "") + (event.new_value or "") + (event.note or "")
        walk_id = pin.walk_id
    leader_page = client.get(f"/leader/walks/{walk_id}/pins").get_data(as_text=True)
    assert "Kalle" not in leader_page
    author_view = client.get(f"/api/v1/walks/{moderated['code']}/pins", headers={"Authorization": f"Bearer {moderated['author']}"})
    assert "Kalle" not in author_view.get_data(as_text=True)
    login_as("admin")
    assert "Kalle Svensson" in client.get(f"/leader/walks/{walk_id}/pins").get_data(as_text=True)


def test_photo_removal_and_approval(app, client, moderated, login_as):
    pin_id = moderated["pin"]["id"]
    url = moderated["pin"]["photo"]["thumb_url"]
    assert client.post(f"/leader/pins/{pin_id}/photo/remove", data={}).status_code == 302
    with app.app_context():
        assert not db.session.get(Pin, pin_id).photo.hidden
    client.post(f"/leader/pins/{pin_id}/photo/approve")
    client.post(f"/leader/pins/{pin_id}/photo/remove", data={"reason": "Ansikte syns"})
    with app.app_context():
        photo = db.session.get(Pin, pin_id).photo
        assert photo.approved and photo.hidden and photo.hidden_reason == "Ansikte syns"
    with client.get(url) as resp:  # the walk's leader still sees it, to undo
        assert resp.status_code == 200


def test_moderation_answers_json_for_the_dashboard(client, moderated):
    resp = client.post(f"/leader/pins/{moderated['pin']['id']}/hide", data={"reason": "Test"}, headers={"Accept": "application/json"})
    assert resp.status_code == 200 and resp.get_json()["hidden"] is True


def test_reopening_or_withdrawing_takes_the_places_back_from_planners_and_the_public(app, client, login_as, make_walk,
                                                                                     join, make_pin):
    from walkapp.models import utcnow

    leader = login_as("leader")
    code = make_walk(leader=leader)
    make_pin(code, join(code))
    walk_id = walk_by_title(app, "Testvandring").id
    client.post(f"/leader/walks/{walk_id}/status", data={"status": "closed"})
    client.post(f"/leader/walks/{walk_id}/publish", data={"publish": "1"})
    with app.app_context():
        db.session.get(Walk, walk_id).feedback_published_at = utcnow()
        db.session.commit()
    client.post(f"/leader/walks/{walk_id}/status", data={"status": "open"})
    walk = walk_by_title(app, "Testvandring")
    assert walk.status == "open" and walk.published_at is None and walk.feedback_published_at is None
    client.post(f"/leader/walks/{walk_id}/status", data={"status": "closed"})
    client.post(f"/leader/walks/{walk_id}/publish", data={"publish": "1"})
    with app.app_context():
        db.session.get(Walk, walk_id).feedback_published_at = utcnow()
        db.session.commit()
    client.post(f"/leader/walks/{walk_id}/publish", data={"publish": "0"})
    walk = walk_by_title(app, "Testvandring")
    assert walk.published_at is None and walk.feedback_published_at is None
    with app.app_context():
        actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.walk_id == walk_id)).all()
        assert actions.count("feedback_unpublished") == 2 and actions.count("walk_unpublished") == 2


def test_late_pins_are_refused_once_the_places_are_published(app, client, login_as, make_walk, join, make_pin):
    import datetime as dt

    from walkapp.models import utcnow

    leader = login_as("leader")
    code = make_walk(leader=leader)
    token = join(code)
    walk_id = walk_by_title(app, "Testvandring").id
    client.post(f"/leader/walks/{walk_id}/status", data={"status": "closed"})
    client.post(f"/leader/walks/{walk_id}/publish", data={"publish": "1"})
    before = (utcnow() - dt.timedelta(minutes=5)).isoformat() + "Z"
    resp = make_pin(code, token, taken_at=before)
    assert (resp.status_code, resp.get_json()["error"]) == (409, "walk_closed")


# --- asking before a walk changes status; figures, poster and log in words (issue 11) ----------------


def test_closing_is_asked_first_and_says_what_will_happen(app, client, login_as, make_walk, join, make_pin):
    leader = login_as("leader")
    code = make_walk(leader=leader)
    token = join(code)
    make_pin(code, token)
    make_pin(code, token)
    walk_id = walk_by_title(app, "Testvandring").id
    overview = client.get(f"/leader/walks/{walk_id}").get_data(as_text=True)
    # No button on the overview closes the walk at once: it links to the question.
    assert 'name="status" value="closed"' not in overview
    assert f'href="/leader/walks/{walk_id}/status/closed"' in overview
    question = text_of(client.get(f"/leader/walks/{walk_id}/status/closed").get_data(as_text=True))
    assert "Avsluta vandringen?" in question
    assert "De 2 punkterna grupperas till platser" in question
    assert "kan inte skicka nya punkter" in question and "48 timmar" in question
    assert walk_by_title(app, "Testvandring").status == "open"  # asking changes nothing
    client.post(f"/leader/walks/{walk_id}/status", data={"status": "closed"})
    assert walk_by_title(app, "Testvandring").status == "closed"
    reopen = text_of(client.get(f"/leader/walks/{walk_id}/status/open").get_data(as_text=True))
    assert "Öppna vandringen igen?" in reopen and "tas tillbaka från planerarna" in reopen


def test_a_question_for_a_change_that_cannot_be_made_goes_back(app, client, login_as, make_walk):
    leader = login_as("leader")
    make_walk(status="draft", leader=leader)
    walk_id = walk_by_title(app, "Testvandring").id
    resp = client.get(f"/leader/walks/{walk_id}/status/closed")
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/leader/walks/{walk_id}")
    assert client.get(f"/leader/walks/{walk_id}/status/deleted").status_code == 404
    # Opening a draft is one click (going back to draft undoes it).
    overview = client.get(f"/leader/walks/{walk_id}").get_data(as_text=True)
    assert 'name="status" value="open"' in overview


def test_someone_elses_walk_cannot_be_asked_about(app, client, login_as, make_user, make_walk):
    make_walk(leader=make_user("leader"))
    login_as("leader")
    walk_id = walk_by_title(app, "Testvandring").id
    assert client.get(f"/leader/walks/{walk_id}/status/closed").status_code == 403


@pytest.mark.parametrize("pins, expected", [(0, "0 punkter"), (1, "1 punkt"), (2, "2 punkter")])
def test_figures_say_one_or_many(app, client, login_as, make_walk, join, make_pin, pins, expected):
    leader = login_as("leader")
    code = make_walk(leader=leader)
    if pins:
        token = join(code)
        for _ in range(pins):
            make_pin(code, token)
    walk_id = walk_by_title(app, "Testvandring").id
    overview = text_of(client.get(f"/leader/walks/{walk_id}").get_data(as_text=True))
    live = text_of(client.get(f"/leader/walks/{walk_id}/live").get_data(as_text=True))
    assert expected in overview and expected in live
    assert "0 foton" in overview


def test_poster_says_when_and_where(app, client, login_as, make_walk):
    leader = login_as("leader")
    make_walk(leader=leader, starts_at=dt.datetime(2026, 12, 3, 17, 30), meeting_place="Mittpunkten, <entrén>")
    walk_id = walk_by_title(app, "Testvandring").id
    html = client.get(f"/leader/walks/{walk_id}/poster").get_data(as_text=True)
    text = text_of(html)
    # Stored in UTC, shown in Swedish time.
    assert "torsdag 3 december 2026 kl. 18:30" in text and "Samling: Mittpunkten, <entrén>" in text
    assert "&lt;entrén&gt;" in html


