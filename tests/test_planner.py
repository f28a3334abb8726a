"""The planner area: who may enter, the action list with its filters and moderation, following up a
location (recorded with who and when), responsible parties, and the public feedback page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import func, select

from tests.factories import HOSTILE, TWO_PLACES, Page, arrange, location_ids  # noqa: F401 (others import them from here too)
from walkapp.extensions import db
from walkapp.models import AuditEvent, Location, Pin, ResponsibleParty, Walk, utcnow


@pytest.fixture
def walk_id(app, make_walk):
    return arrange(app, make_walk, TWO_PLACES)


def _routes(app, walk_id):
    loc = location_ids(app, walk_id)[0]
    with app.app_context():
        party = ResponsibleParty(name="Gatuavdelningen", kind="forvaltning")
        db.session.add(party)
        db.session.commit()
        party_id = party.id
    gets = ["/planner/", "/planner/map", "/planner/walks", "/planner/responsible", f"/planner/locations/{loc}",
            f"/planner/walks/{walk_id}/protocol", f"/planner/walks/{walk_id}/feedback", "/planner/export.csv",
            "/planner/export.geojson"]
    posts = [(f"/planner/locations/{loc}", {"status": "planerad"}), (f"/planner/walks/{walk_id}/feedback", {"publish": "1"}),
             ("/planner/responsible", {"name": "Parkavdelningen"}), (f"/planner/responsible/{party_id}", {"active": "0"})]
    return gets, posts


def test_anonymous_is_sent_to_login(app, client, walk_id):
    gets, posts = _routes(app, walk_id)
    for url in gets:
        resp = client.get(url)
        assert resp.status_code == 302 and "/login" in resp.headers["Location"], url
    for url, data in posts:
        resp = client.post(url, data=data)
        assert resp.status_code == 302 and "/login" in resp.headers["Location"], url


def test_leaders_may_not_enter(app, client, walk_id, login_as):
    gets, posts = _routes(app, walk_id)
    login_as("leader")
    for url in gets:
        assert client.get(url).status_code == 403, url
    for url, data in posts:
        assert client.post(url, data=data).status_code == 403, url
    with app.app_context():
        assert db.session.get(Walk, walk_id).feedback_published_at is None
        assert db.session.scalar(select(func.count()).select_from(ResponsibleParty)) == 1


@pytest.mark.parametrize("role", ["planner", "admin"])
def test_planners_and_admins_reach_every_page(app, client, walk_id, login_as, role):
    gets, posts = _routes(app, walk_id)
    login_as(role)
    for url in gets:
        assert client.get(url).status_code == 200, url
    for url, data in posts:
        assert client.post(url, data=data).status_code == 302, url


def test_planner_sees_only_published_walks(app, client, make_walk, login_as):
    shown = arrange(app, make_walk, [{"comment": "Publicerad plats"}], title="Publicerad vandring")
    hidden = arrange(app, make_walk, [{"dx": 500, "comment": "Opublicerad plats"}], published=False,
                     title="Opublicerad vandring")
    login_as("planner")
    page = Page(client.get("/planner/").get_data(as_text=True)).all_text
    assert "Publicerad plats" in page and "Opublicerad plats" not in page
    assert client.get(f"/planner/walks/{hidden}/protocol").status_code == 403
    assert client.get(f"/planner/walks/{hidden}/feedback").status_code == 403
    assert client.get(f"/planner/locations/{location_ids(app, hidden)[0]}").status_code == 403
    assert client.get(f"/planner/walks/{shown}/protocol").status_code == 200
    assert "Opublicerad plats" not in client.get("/planner/export.csv").data.decode("utf-8-sig")


def test_admin_may_open_an_unpublished_walks_protocol(app, client, make_walk, login_as):
    hidden = arrange(app, make_walk, [{"comment": "Opublicerad plats"}], published=False)
    login_as("admin")
    assert client.get(f"/planner/walks/{hidden}/protocol").status_code == 200


def test_action_list_is_ranked_and_moderated(app, client, make_walk, login_as):
    walk = arrange(app, make_walk, [
        {"rating": 1, "comment": "Synlig kommentar", "photo": "approved"},
        {"dx": 2, "rating": 1, "comment": "Dold kommentar", "hidden": True, "photo": "approved"},
        {"dx": 1, "rating": 2, "comment": "Borttagen bild här", "photo": "removed"},
        {"dx": 400, "rating": 3, "comment": "Lugnt här"},
    ])
    login_as("planner")
    html = client.get("/planner/").get_data(as_text=True)
    page = Page(html)
    assert "Synlig kommentar" in page.all_text
    assert "Dold kommentar" not in page.all_text
    with app.app_context():
        pins = {p.comment: p.id for p in db.session.scalars(select(Pin).where(Pin.walk_id == walk))}
    images = {a["src"] for a in page.find("img")}
    assert f"/photos/{pins['Synlig kommentar']}/thumb.jpg" in images
    assert f"/photos/{pins['Dold kommentar']}/thumb.jpg" not in images
    assert f"/photos/{pins['Borttagen bild här']}/thumb.jpg" not in images
    rows = [a.get("id") for a in page.find("tr") if a.get("id")]
    ids = location_ids(app, walk)
    assert rows == [f"loc-{i}" for i in ids]  # highest priority first


def test_walk_that_requires_approval_shows_approved_photos_only(app, client, make_walk, login_as):
    walk = arrange(app, make_walk, [{"comment": "Godkänd", "photo": "approved"}, {"dx": 1, "comment": "Väntar", "photo": "pending"}],
                   photo_approval=True)
    with app.app_context():
        pins = {p.comment: p.id for p in db.session.scalars(select(Pin).where(Pin.walk_id == walk))}
    login_as("planner")
    images = {a["src"] for a in Page(client.get("/planner/").get_data(as_text=True)).find("img")}
    assert f"/photos/{pins['Godkänd']}/thumb.jpg" in images
    assert f"/photos/{pins['Väntar']}/thumb.jpg" not in images


def test_redacted_comment_shows_as_redacted(app, client, make_walk, login_as):
    walk = arrange(app, make_walk, [{"comment": "Kalle [borttaget] hänger här"}])
    with app.app_context():
        pin = db.session.scalar(select(Pin).where(Pin.walk_id == walk))
        pin.comment_original = "Kalle Svensson hänger här"
        db.session.commit()
    login_as("planner")
    for url in ("/planner/", f"/planner/walks/{walk}/protocol", f"/planner/walks/{walk}/feedback"):
        text = Page(client.get(url).get_data(as_text=True)).all_text
        assert "Kalle [borttaget] hänger här" in text and "Svensson" not in text, url


@pytest.mark.parametrize("page", ["list", "location", "protocol", "feedback"])
def test_hostile_comment_is_shown_as_text(app, client, make_walk, login_as, page):
    walk = arrange(app, make_walk, [{"comment": HOSTILE + ' <script>alert(2)</script> <a href="javascript:alert(3)">x</a>'}],
                   feedback=True)
    loc = location_ids(app, walk)[0]
    login_as("planner")
    url = {"list": "/planner/", "location": f"/planner/locations/{loc}", "protocol": f"/planner/walks/{walk}/protocol",
           "feedback": f"/planner/walks/{walk}/feedback"}[page]
    parsed = Page(client.get(url).get_data(as_text=True))
    assert HOSTILE in parsed.all_text
    assert not [a for a in parsed.find("img") if "onerror" in a]
    assert not [a for a in parsed.find("a") if (a.get("href") or "").startswith("javascript:")]


@pytest.mark.parametrize(
    "query, expected",
    [
        ({"category": "trafik"}, {"Bilar kör fort"}),
        ({"category": "tunnel"}, {"Kolsvart i tunneln"}),
        ({"light": "dagsljus"}, {"Bilar kör fort"}),
        ({"light": "morker"}, {"Kolsvart i tunneln"}),
        ({"status": "planerad"}, {"Kolsvart i tunneln"}),
        ({"status": "ny"}, {"Bilar kör fort"}),
        ({}, {"Kolsvart i tunneln", "Bilar kör fort"}),
        ({"light": "natt", "status": "okänd"}, {"Kolsvart i tunneln", "Bilar kör fort"}),
    ],
)
def test_action_list_filters(app, client, walk_id, login_as, query, expected):
    with app.app_context():
        first = db.session.get(Location, location_ids(app, walk_id)[0])
        first.status = "planerad"
        db.session.commit()
    login_as("planner")
    text = Page(client.get("/planner/", query_string=query).get_data(as_text=True)).all_text
    assert {c for c in ("Kolsvart i tunneln", "Bilar kör fort") if c in text} == expected


def test_filters_by_walk_and_period(app, client, make_walk, login_as):
    old = utcnow() - dt.timedelta(days=200)
    first = arrange(app, make_walk, [{"comment": "I våras", "created_at": old}], when=old, title="Vårvandring")
    arrange(app, make_walk, [{"dx": 600, "comment": "I höstas"}], title="Höstvandring")
    login_as("planner")

    def shown(**query):
        text = Page(client.get("/planner/", query_string=query).get_data(as_text=True)).all_text
        return {c for c in ("I våras", "I höstas") if c in text}

    assert shown(walk=first) == {"I våras"}
    assert shown(**{"from": (utcnow() - dt.timedelta(days=10)).date().isoformat()}) == {"I höstas"}
    assert shown(to=(utcnow() - dt.timedelta(days=100)).date().isoformat()) == {"I våras"}


def test_status_change_is_recorded_and_shown(app, client, walk_id, login_as):
    loc = location_ids(app, walk_id)[0]
    with app.app_context():
        party = ResponsibleParty(name="Gatuavdelningen", kind="forvaltning")
        db.session.add(party)
        db.session.commit()
        party_id = party.id
    user = login_as("planner")
    before = utcnow().replace(microsecond=0)
    resp = client.post(f"/planner/locations/{loc}", data={
        "status": "skickad", "responsible_id": str(party_id), "due_date": "2030-06-30",
        "proposed_action": "Byt armaturen", "public_note": "Ny lampa beställd"})
    assert resp.status_code == 302
    with app.app_context():
        location = db.session.get(Location, loc)
        assert (location.status, location.responsible_id, location.due_date) == ("skickad", party_id, dt.date(2030, 6, 30))
        events = {e.field: e for e in db.session.scalars(select(AuditEvent).where(AuditEvent.location_id == loc))}
        assert set(events) == {"status", "responsible", "due_date", "proposed_action", "public_note"}
        assert all(e.user_id == user.id and e.created_at >= before for e in events.values())
        assert (events["status"].old_value, events["status"].new_value) == ("ny", "skickad")
        assert events["responsible"].new_value == "Gatuavdelningen"
    history = Page(client.get(f"/planner/locations/{loc}").get_data(as_text=True))
    table = history.all_text[history.all_text.index("Historik"):]
    assert "Planner" in table and "Skickad till ansvarig" in table and "Ny" in table and "Gatuavdelningen" in table

    # Saving the same values again changes and records nothing.
    client.post(f"/planner/locations/{loc}", data={"status": "skickad", "responsible_id": str(party_id)})
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.location_id == loc)) == 5


def test_not_fixed_without_reason_is_refused(app, client, walk_id, login_as):
    loc = location_ids(app, walk_id)[0]
    login_as("planner")
    resp = client.post(f"/planner/locations/{loc}", data={"status": "atgardas_ej", "status_reason": "  ",
                                                          "public_note": "Detta ska inte sparas"})
    assert resp.status_code == 200
    text = Page(resp.get_data(as_text=True)).all_text
    assert "Skriv varför platsen inte ska åtgärdas" in text and "Inget sparades" in text
    with app.app_context():
        location = db.session.get(Location, loc)
        assert (location.status, location.status_reason, location.public_note) == ("ny", None, None)
        assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.location_id == loc)) == 0

    resp = client.post(f"/planner/locations/{loc}", data={"status": "atgardas_ej", "status_reason": "Privat mark"})
    assert resp.status_code == 302
    # Another status drops the reason, and the change is recorded.
    client.post(f"/planner/locations/{loc}", data={"status": "planerad"})
    with app.app_context():
        location = db.session.get(Location, loc)
        assert (location.status, location.status_reason) == ("planerad", None)
        fields = [e.field for e in db.session.scalars(select(AuditEvent).where(AuditEvent.location_id == loc)
                                                       .order_by(AuditEvent.id))]
        assert fields == ["status", "status_reason", "status", "status_reason"]


@pytest.mark.parametrize("data, field", [
    ({"status": "klar"}, "Välj en status"),
    ({"due_date": "30/6"}, "ÅÅÅÅ-MM-DD"),
    ({"responsible_id": "99999"}, "Välj en ansvarig"),
])
def test_bad_follow_up_input_changes_nothing(app, client, walk_id, login_as, data, field):
    loc = location_ids(app, walk_id)[0]
    login_as("planner")
    resp = client.post(f"/planner/locations/{loc}", data={**data, "public_note": "Inte sparad"})
    assert resp.status_code == 200 and field in Page(resp.get_data(as_text=True)).all_text
    with app.app_context():
        assert db.session.get(Location, loc).public_note is None


def test_follow_up_needs_csrf_token(app_config, app, client, walk_id, login_as):
    app.config["WTF_CSRF_ENABLED"] = True
    loc = location_ids(app, walk_id)[0]
    login_as("planner")
    assert client.post(f"/planner/locations/{loc}", data={"status": "planerad"}).status_code == 400
    with app.app_context():
        assert db.session.get(Location, loc).status == "ny"


def test_quick_edit_returns_to_the_list(app, client, walk_id, login_as):
    loc = location_ids(app, walk_id)[0]
    login_as("planner")
    resp = client.post(f"/planner/locations/{loc}", data={"status": "pagar", "next": f"/planner/?walk={walk_id}#loc-{loc}"})
    assert resp.headers["Location"].endswith(f"/planner/?walk={walk_id}#loc-{loc}")
    resp = client.post(f"/planner/locations/{loc}", data={"status": "pagar", "next": "//evil.example/"})
    assert resp.headers["Location"].endswith(f"/planner/locations/{loc}")


def test_responsible_parties(app, client, walk_id, login_as):
    login_as("planner")
    assert client.post("/planner/responsible", data={"name": " Gatu avdelningen ", "kind": "forvaltning"}).status_code == 302
    resp = client.post("/planner/responsible", data={"name": "gatu avdelningen"})
    assert "finns redan" in Page(resp.get_data(as_text=True)).all_text
    assert "Skriv namnet" in Page(client.post("/planner/responsible", data={"name": ""}).get_data(as_text=True)).all_text
    with app.app_context():
        party = db.session.scalar(select(ResponsibleParty))
        assert (party.name, party.kind, party.active) == ("Gatu avdelningen", "forvaltning", True)
        party_id = party.id
    loc = location_ids(app, walk_id)[0]
    options = lambda: {a.get("value") for a in Page(client.get(f"/planner/locations/{loc}").get_data(as_text=True)).find("option")}  # noqa: E731
    assert str(party_id) in options()
    client.post(f"/planner/responsible/{party_id}", data={"active": "0"})
    assert str(party_id) not in options()
    resp = client.post(f"/planner/locations/{loc}", data={"responsible_id": str(party_id)})
    assert "Välj en ansvarig" in Page(resp.get_data(as_text=True)).all_text
    with app.app_context():
        assert db.session.get(Location, loc).responsible_id is None
        assert db.session.scalar(select(func.count()).select_from(ResponsibleParty)) == 1


def test_before_and_after_with_a_follow_up_walk(app, client, make_walk, login_as):
    first = arrange(app, make_walk, [{"rating": 1, "comment": "Mörkt förut"}, {"dx": 2, "rating": 1}],
                    when=utcnow() - dt.timedelta(days=120), title="Första vandringen")
    arrange(app, make_walk, [{"dx": 1, "rating": 4, "comment": "Mycket bättre nu"}, {"dx": 2, "rating": 3}],
            follow_up_of=first, title="Uppföljning")
    assert len(set(location_ids(app, first))) == 1
    login_as("planner")
    text = Page(client.get("/planner/").get_data(as_text=True)).all_text
    assert "1,0 → 3,5" in text
    text = Page(client.get(f"/planner/locations/{location_ids(app, first)[0]}").get_data(as_text=True)).all_text
    assert "Före och efter" in text and "Första vandringen" in text and "Uppföljning" in text


def test_feedback_is_published_with_a_button(app, client, walk_id, login_as):
    user = login_as("planner")
    assert client.post(f"/planner/walks/{walk_id}/feedback", data={"publish": "1"}).status_code == 302
    with app.app_context():
        walk = db.session.get(Walk, walk_id)
        assert walk.feedback_published_at is not None
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.field == "feedback_published_at"))
        assert (event.user_id, event.walk_id) == (user.id, walk_id)
    client.post(f"/planner/walks/{walk_id}/feedback", data={"publish": "0"})
    with app.app_context():
        assert db.session.get(Walk, walk_id).feedback_published_at is None


def test_feedback_of_an_open_walk_is_refused(app, client, make_walk, login_as):
    walk = arrange(app, make_walk, [{"comment": "x"}], status="open")
    login_as("admin")
    client.post(f"/planner/walks/{walk}/feedback", data={"publish": "1"})
    with app.app_context():
        assert db.session.get(Walk, walk).feedback_published_at is None


def test_feedback_page_shows_moderated_public_content(app, make_walk):
    from walkapp.planner.feedback import render_feedback

    walk = arrange(app, make_walk, [
        {"rating": 1, "comment": "Alldeles för mörkt", "photo": "approved", "person": 0},
        {"dx": 1, "rating": 1, "comment": "Dold text", "hidden": True, "photo": "approved", "person": 1},
        {"dx": 2, "rating": 2, "comment": "Bild väntar", "photo": "pending", "person": 2},
        {"dx": 400, "rating": 4, "comment": "Tryggt vid kiosken", "person": 0},
    ], feedback=True)
    with app.app_context():
        location = db.session.get(Location, location_ids(app, walk)[0])
        location.status, location.status_reason = "atgardas_ej", "Marken är privat"
        location.public_note = "Vi pratar med fastighetsägaren"
        db.session.commit()
        pins = {p.comment: p for p in db.session.scalars(select(Pin).where(Pin.walk_id == walk))}
        with app.test_request_context("/j/ABCDEF"):
            html = render_feedback(db.session.get(Walk, walk))
        page = Page(html)
        text = page.all_text
        assert "Alldeles för mörkt" in text and "Tryggt vid kiosken" in text
        assert "Dold text" not in text
        assert "Det här kommer inte att åtgärdas." in text and "Marken är privat" in text
        assert "Vi pratar med fastighetsägaren" in text
        images = {a["src"] for a in page.find("img")}
        assert images == {f"/photos/{pins['Alldeles för mörkt'].id}/thumb.jpg"}
        # Nothing that points at a person: no participant numbers, tokens or staff.
        for secret in [p.participant.token_hash for p in pins.values()] + ["Deltagare", "Planerare"]:
            assert secret not in html


def test_feedback_updates_as_statuses_change(app, client, walk_id, login_as):
    loc = location_ids(app, walk_id)[0]
    login_as("planner")
    assert "Arbetet pågår just nu." not in client.get(f"/planner/walks/{walk_id}/feedback").get_data(as_text=True)
    client.post(f"/planner/locations/{loc}", data={"status": "pagar"})
    assert "Arbetet pågår just nu." in client.get(f"/planner/walks/{walk_id}/feedback").get_data(as_text=True)


def test_walks_list_offers_protocol_and_feedback(app, client, walk_id, login_as):
    login_as("planner")
    page = Page(client.get("/planner/walks").get_data(as_text=True))
    links = {a.get("href") for a in page.find("a")}
    assert f"/planner/walks/{walk_id}/protocol" in links and f"/planner/walks/{walk_id}/feedback" in links


def test_protocol_numbers_locations_and_prints_on_a4(app, client, walk_id, login_as):
    login_as("planner")
    html = client.get(f"/planner/walks/{walk_id}/protocol").get_data(as_text=True)
    page = Page(html)
    items = page.find("li", **{"class": "protocol-item"})
    assert len(items) == len(location_ids(app, walk_id))
    assert "Kolsvart i tunneln" in page.all_text and "Dold kommentar" not in page.all_text
    with app.open_resource("../static/css/planner.css") as f:
        css = f.read().decode()
    assert "size:A4" in css.replace(" ", "") and "@media print" in css



def test_feedback_compares_with_the_walk_before(app, client, make_walk, login_as):
    first = arrange(app, make_walk, [{"rating": 1}, {"dx": 2, "rating": 2}], when=utcnow() - dt.timedelta(days=120),
                    title="Första vandringen", feedback=True)
    second = arrange(app, make_walk, [{"dx": 1, "rating": 4}, {"dx": 2, "rating": 2}, {"dx": 3, "rating": 3}],
                     follow_up_of=first, title="Uppföljning", feedback=True)
    login_as("planner")
    text = Page(client.get(f"/planner/walks/{second}/feedback").get_data(as_text=True)).all_text
    assert "Förra gången tyckte 2 av 2 att det var otryggt här. Den här gången: 1 av 3." in text
    # The first walk's own page has nothing before it to compare with.
    assert "Förra gången" not in Page(client.get(f"/planner/walks/{first}/feedback").get_data(as_text=True)).all_text


def test_protocol_prints_approved_photos_only(app, client, make_walk, login_as):
    # The protocol goes to the participants too: unapproved photos stay on the staff pages.
    walk = arrange(app, make_walk, [{"comment": "Godkänd", "photo": "approved"}, {"dx": 1, "comment": "Ej granskad", "photo": "pending"}])
    with app.app_context():
        pins = {p.comment: p.id for p in db.session.scalars(select(Pin).where(Pin.walk_id == walk))}
    login_as("planner")
    images = {a["src"] for a in Page(client.get(f"/planner/walks/{walk}/protocol").get_data(as_text=True)).find("img")}
    assert images == {f"/photos/{pins['Godkänd']}/thumb.jpg"}
    staff = {a["src"] for a in Page(client.get("/planner/").get_data(as_text=True)).find("img")}
    assert f"/photos/{pins['Ej granskad']}/thumb.jpg" in staff


def test_action_list_pages_and_sorts_over_all_places(app, client, make_walk, login_as, monkeypatch):
    """The database sorts and pages all the places that pass the filters: every place shows on
    exactly one page, in the order asked for, and the count is of all of them."""
    from walkapp import place_index

    monkeypatch.setattr(place_index, "PAGE_SIZE", 3)
    names = ["Tunneln", "ahlbergs hörna", "Busskuren", "Parken", "Cykelvägen", "Ån", "Torget"]
    specs = []
    for i, name in enumerate(names):
        # Seven places 300 m apart; place i has i + 1 pins and rating 1 or 3.
        for k in range(i + 1):
            specs.append({"dx": 300.0 * i + k, "rating": 1 if i % 2 else 3, "comment": f"{name} {k}",
                          "categories": ["trafik"] if i < 4 else ["belysning"], "person": k})
    walk = arrange(app, make_walk, specs)
    with app.app_context():
        places = list(db.session.scalars(select(Location).where(Location.id.in_(location_ids(app, walk)))))
        assert len(places) == 7
        for place in places:
            comment = db.session.scalar(select(Pin.comment).where(Pin.location_id == place.id).limit(1))
            place.name = comment.rsplit(" ", 1)[0]
        db.session.commit()
        by_priority = [p.name for p in sorted(places, key=lambda p: (-p.priority, p.id))]
    login_as("planner")

    def listed(**query):
        html = client.get("/planner/", query_string=query).get_data(as_text=True)
        return re.findall(r'/planner/locations/\d+"><strong>([^<]*)</strong>', html), Page(html).all_text

    def every_page(**query):
        out = []
        for n in (1, 2, 3):
            shown, text = listed(page=n, **query)
            out += shown
        return out

    first, text = listed()
    assert len(first) == 3 and "7 platser" in text and "Sida 1 av 3" in text
    assert every_page() == by_priority
    assert every_page(sort="name") == sorted(names, key=str.lower)
    assert every_page(sort="pins") == list(reversed(names))
    # A filter narrows the count and the pages; a page past the end shows the last one.
    shown, text = listed(category="belysning", page=2, sort="name")
    assert "3 platser" in text and "Sida" not in text and sorted(shown) == ["Cykelvägen", "Torget", "Ån"]
    shown, text = listed(page=99)
    assert "Sida 3 av 3" in text and shown == by_priority[6:]
    # An unknown sort or a bad page number is the default, not an error.
    assert client.get("/planner/?sort=drop&page=x").status_code == 200
