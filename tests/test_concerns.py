"""When a youth is not safe: help (112, BRIS) from every phone page, and "oro – behöver åtgärd" for
leaders and planners: the pin is hidden, never published, listed apart, and logged."""

from __future__ import annotations

from sqlalchemy import select

from tests.factories import TWO_PLACES, Page, arrange, location_ids
from walkapp.extensions import db
from walkapp.models import AuditEvent, Location, Pin, Walk

DISCLOSURE = "Han som bor här slår mig när ingen ser"


def _pin_with_words(app, make_walk, leader=None) -> tuple[str, int]:
    code = make_walk(leader=leader)
    with app.app_context():
        walk = db.session.scalar(select(Walk).where(Walk.join_code == code))
        return code, walk.id


def _posted(client, make_pin, join, code: str, comment: str) -> int:
    response = make_pin(code, join(code), comment=comment)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def test_help_is_one_tap_away_on_every_phone_page(client, make_walk):
    code = make_walk()
    for path in ("/", f"/j/{code}", "/hjalp"):
        page = Page(client.get(path).get_data(as_text=True))
        [link] = page.find("a", id="help-open")
        assert link["href"] == "/hjalp"
    help_page = Page(client.get("/hjalp").get_data(as_text=True))
    assert help_page.find("a", href="tel:112") and help_page.find("a", href="tel:116111")
    assert "Är du i fara nu?" in help_page.all_text and "BRIS" in help_page.all_text
    # On the walk page the same help is there without the network: a sheet in the page itself.
    walk_page = Page(client.get(f"/j/{code}").get_data(as_text=True))
    assert walk_page.find("section", id="help") and walk_page.find("a", href="tel:112")


def test_leader_marks_a_pin_as_a_concern_it_is_hidden_listed_apart_and_logged(app, client, login_as, make_walk,
                                                                                   join, make_pin):
    leader = login_as("leader")
    code, walk_id = _pin_with_words(app, make_walk, leader)
    pin_id = _posted(client, make_pin, join, code, DISCLOSURE)
    _posted(client, make_pin, join, code, "Mörkt vid busshållplatsen")

    # A reason is required; without one nothing changes.
    refused = client.post(f"/leader/pins/{pin_id}/concern", data={"reason": " "}, follow_redirects=True)
    assert "Skriv varför" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Pin, pin_id).concern_at is None

    client.post(f"/leader/pins/{pin_id}/concern", data={"reason": "Kan handla om våld i hemmet"})
    with app.app_context():
        pin = db.session.get(Pin, pin_id)
        assert pin.concern_at is not None and pin.concern_by_id == leader.id
        assert pin.hidden and pin.hidden_reason == "Oro – behöver åtgärd"
        actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.pin_id == pin_id)).all()
        assert "pin_concern" in actions and "pin_hide" in actions

    page = Page(client.get(f"/leader/walks/{walk_id}/pins").get_data(as_text=True))
    [section] = page.find("section", **{"class": "concerns"})
    assert "Oro – behöver åtgärd: 1 punkt" in page.all_text
    assert page.find("a", href=f"#pin-{pin_id}")

    # While it is marked, it cannot be shown again.
    client.post(f"/leader/pins/{pin_id}/unhide", data={"reason": "Av misstag"})
    with app.app_context():
        assert db.session.get(Pin, pin_id).hidden

    # Other participants never get it, whatever the walk shares.
    with app.app_context():
        db.session.get(Walk, walk_id).share_pins = True
        db.session.commit()
    other = join(code)
    listed = client.get(f"/api/v1/walks/{code}/pins", headers={"Authorization": f"Bearer {other}"}).get_json()["pins"]
    assert pin_id not in [p["id"] for p in listed] and len(listed) == 1

    # Taking the mark away keeps the pin hidden until someone shows it on purpose.
    client.post(f"/leader/pins/{pin_id}/unconcern", data={"reason": "Överlämnat till socialtjänsten"})
    with app.app_context():
        pin = db.session.get(Pin, pin_id)
        assert pin.concern_at is None and pin.hidden
    assert "Oro – behöver åtgärd: " not in Page(client.get(f"/leader/walks/{walk_id}/pins").get_data(as_text=True)).all_text


def test_a_leader_of_another_walk_cannot_mark(app, client, login_as, make_walk, join, make_pin, make_user):
    owner = make_user("leader")
    code, _ = _pin_with_words(app, make_walk, owner)
    pin_id = _posted(client, make_pin, join, code, DISCLOSURE)
    login_as("leader")
    assert client.post(f"/leader/pins/{pin_id}/concern", data={"reason": "x"}).status_code == 403
    login_as("planner")
    assert client.post(f"/leader/pins/{pin_id}/concern", data={"reason": "x"}).status_code == 403
    with app.app_context():
        assert db.session.get(Pin, pin_id).concern_at is None


def test_planner_marks_from_the_location_page_and_it_leaves_every_published_view(app, client, login_as, make_walk):
    places = [dict(TWO_PLACES[0], comment=DISCLOSURE), *TWO_PLACES[1:]]
    walk_id = arrange(app, make_walk, places, feedback=True)
    first = location_ids(app, walk_id)
    login_as("planner")
    with app.app_context():
        pin_id = db.session.scalar(select(Pin.id).where(Pin.comment == DISCLOSURE))
        location_id = db.session.get(Pin, pin_id).location_id
        before = db.session.get(Location, location_id).priority
    page = client.get(f"/planner/locations/{location_id}").get_data(as_text=True)
    assert f"/planner/pins/{pin_id}/concern" in page

    response = client.post(f"/planner/pins/{pin_id}/concern",
                           data={"reason": "Berättar om våld", "next": f"/planner/locations/{location_id}"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/planner/locations/{location_id}")
    with app.app_context():
        assert db.session.get(Pin, pin_id).hidden
        assert db.session.get(Location, location_id).priority < before  # it no longer counts
    assert DISCLOSURE not in client.get(f"/planner/locations/{location_id}").get_data(as_text=True)
    # Listed apart for the staff, with who marked it …
    concerns = Page(client.get("/planner/oro").get_data(as_text=True)).all_text
    assert DISCLOSURE in concerns and "markerad" in concerns
    # … and on no public page or export.
    with app.app_context():
        walk = db.session.get(Walk, walk_id)
        code = walk.join_code
    assert DISCLOSURE not in client.get(f"/j/{code}").get_data(as_text=True)
    assert DISCLOSURE not in client.get("/planner/export.csv").get_data(as_text=True)
    assert DISCLOSURE not in client.get("/open311/v2/requests.json").get_data(as_text=True)
    assert first  # the walk had places to begin with


def test_planners_need_a_reason_and_a_published_walk(app, client, login_as, make_walk):
    walk_id = arrange(app, make_walk, TWO_PLACES, published=False)
    login_as("planner")
    with app.app_context():
        pin_id = db.session.scalar(select(Pin.id).where(Pin.walk_id == walk_id, Pin.comment.is_not(None)).limit(1))
    client.post(f"/planner/pins/{pin_id}/concern", data={"reason": "x"})
    with app.app_context():
        assert db.session.get(Pin, pin_id).concern_at is None
    with app.app_context():
        db.session.get(Walk, walk_id).published_at = db.func.now()
        db.session.commit()
    client.post(f"/planner/pins/{pin_id}/concern", data={"reason": ""})
    with app.app_context():
        assert db.session.get(Pin, pin_id).concern_at is None
