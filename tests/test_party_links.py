"""Responsible parties answer without an account (issue 14.1): a planner mails a party its items of a
published walk through a real SMTP server on loopback; the party answers through its personal link;
the answer is a proposal in the place's history until a planner accepts or corrects it; links end
(revoked, expired, replaced) with a clear page; `flask remind` reminds of items due."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from tests.conftest import log_in
from tests.smtp_sink import SmtpSink
from tests.factories import Page, arrange, location_ids
from walkapp import audit_text, mail, party_links, pinstore, vocab
from walkapp import places as queries
from walkapp.extensions import db
from walkapp.models import AuditEvent, Location, PartyAnswer, PartyLink, Pin, ResponsibleParty, utcnow

PLACES = [
    # The first place: an approved comment, one awaiting approval, an approved photo and a pending one.
    {"dx": 0, "dy": 0, "rating": 1, "comment": "Kolsvart i tunneln", "photo": "approved", "person": 0},
    {"dx": 3, "dy": 2, "rating": 1, "comment": "Hemligt namn Kalle", "approved": False, "photo": "pending", "person": 1},
    # Another place, somebody else's.
    {"dx": 300, "dy": 0, "rating": 2, "comment": "Bilar kör fort", "person": 0},
    {"dx": 302, "dy": 1, "rating": 2, "person": 1},
]
PLANNED = next(k for k in vocab.PARTY_ANSWERS if vocab.LOCATION_STATUS[k].open311 == "open")
NOT_FIXED = vocab.STATUSES_NEEDING_REASON[0]


@pytest.fixture
def smtp():
    sink = SmtpSink().start()
    yield sink
    sink.stop()


@pytest.fixture
def app_config(app_config, smtp):
    app_config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port, MAIL_FROM="trygghet@example.org",
                      PUBLIC_URL="https://trygg.example.org")
    return app_config


@pytest.fixture
def scene(app, make_walk):
    """A published walk with two places; the first is the party's, with an action and a due date."""
    walk_id = arrange(app, make_walk, PLACES)
    first, second = location_ids(app, walk_id)
    with app.app_context():
        party = ResponsibleParty(name="Gatuförvaltningen", kind="forvaltning", email="gata@example.org")
        other = ResponsibleParty(name="Bostadsbolaget", kind="fastighetsagare", email="bo@example.org")
        db.session.add_all([party, other])
        db.session.flush()
        loc = db.session.get(Location, first)
        loc.responsible_id, loc.proposed_action, loc.due_date = party.id, "Sätt upp belysning", dt.date(2031, 3, 31)
        db.session.get(Location, second).responsible_id = other.id
        for pin in loc.pins:
            if pin.photo is not None:
                path = pinstore.store().path(pin.photo.sha256, "thumb")
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(b"\xff\xd8 a jpeg")
        db.session.commit()
        return {"walk": walk_id, "party": party.id, "other": other.id, "item": first, "not_item": second}


@pytest.fixture
def planner(client, make_user):
    user = make_user("planner")
    log_in(client, user)
    return user


def send(client, app, smtp, scene, count=1):
    resp = client.post(f"/planner/responsible/{scene['party']}/walks/{scene['walk']}/send")
    assert resp.status_code == 302
    return smtp.wait(count)[-1]


def link_path(message) -> str:
    text = message.get_body(("plain",)).get_content()
    url = re.search(r"https://trygg\.example\.org(/svar/[A-Za-z0-9_-]+)", text)
    assert url, text
    return url[1]


def status_of(app, location_id: int) -> str:
    with app.app_context():
        return db.session.get(Location, location_id).status


def test_the_whole_round_trip(app, client, planner, smtp, scene):
    message = send(client, app, smtp, scene)

    # The mail: Swedish, plain text and HTML, approved words only, no attachment, a personal link.
    assert message["To"] == "gata@example.org" and message["From"] == "trygghet@example.org"
    assert "Platser att åtgärda" in message["Subject"]
    assert list(message.iter_attachments()) == []
    plain, html = message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content()
    for body in (plain, html):
        assert "Kolsvart i tunneln" in body and "Sätt upp belysning" in body and "31 mars 2031" in body
        assert "Hemligt namn Kalle" not in body and "Bilar kör fort" not in body
    path = link_path(message)
    with app.app_context():
        link = db.session.scalar(select(PartyLink))
        assert path.rsplit("/", 1)[1] not in (link.token_hash,) and len(link.token_hash) == 64
        # Sending moves a new place on to "sent to the responsible".
        assert db.session.get(Location, scene["item"]).status == vocab.STATUS_SENT

    # The party, without an account, in a browser of its own.
    party = app.test_client()
    page = party.get(path)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    text = page.get_data(as_text=True)
    assert "Content-Security-Policy" in page.headers
    assert "Kolsvart i tunneln" in text and "Hemligt namn Kalle" not in text and "Bilar kör fort" not in text
    images = [attrs["src"] for tag, attrs in Page(text).elements if tag == "img"]
    assert len(images) == 1
    assert party.get(images[0]).status_code == 200
    with app.app_context():
        pending_photo = db.session.scalar(select(Pin).where(Pin.comment == "Hemligt namn Kalle")).id
        other_place_pin = db.session.scalar(select(Pin).where(Pin.comment == "Bilar kör fort")).id
    assert party.get(f"/photos/{pending_photo}/thumb.jpg").status_code == 404
    assert app.test_client().get(images[0]).status_code == 404  # without the link, nothing

    # The party proposes Planerad with a date: in the history at once, the place unchanged.
    before = status_of(app, scene["item"])
    resp = party.post(f"{path}/{scene['item']}", data={"status": PLANNED, "date": "2030-05-01", "note": "Beställt"})
    assert resp.status_code == 302
    assert status_of(app, scene["item"]) == before
    assert party.post(f"{path}/{scene['not_item']}", data={"status": PLANNED}).status_code == 404
    assert other_place_pin  # the other party's place is not this link's

    location_page = client.get(f"/planner/locations/{scene['item']}").get_data(as_text=True)
    assert "Svar från ansvarig som väntar" in location_page
    rows = [r for r in location_page.split("<tr>") if "Svarade: föreslår status" in r]
    assert rows and "Gatuförvaltningen" in rows[0] and "Planerad" in rows[0]
    with app.app_context():
        answer = db.session.scalar(select(PartyAnswer))
        assert answer.decision is None and answer.date == dt.date(2030, 5, 1)

    # The planner accepts with one click: only now the public status changes.
    assert client.post(f"/planner/answers/{answer.id}/accept").status_code == 302
    with app.app_context():
        loc = db.session.get(Location, scene["item"])
        assert loc.status == PLANNED and loc.due_date == dt.date(2030, 5, 1)
        assert db.session.get(PartyAnswer, answer.id).decision == "accepted"
        actions = [e.action for e in db.session.scalars(select(AuditEvent).where(AuditEvent.location_id == loc.id))]
        assert {"party_sent", "party_status", "party_date", "party_answer_accepted", "location_status"} <= set(actions)
    assert "Ert senaste svar" in party.get(path).get_data(as_text=True)


def test_the_thanks_are_said_at_the_place_answered(app, client, planner, smtp, scene):
    # The page opens at the answered place (its anchor): on a phone the top of the page is out of
    # sight there, so the confirmation stands in that place's section.
    path = link_path(send(client, app, smtp, scene))
    party = app.test_client()
    resp = party.post(f"{path}/{scene['item']}", data={"status": PLANNED, "date": "2030-05-01"})
    assert resp.headers["Location"].endswith(f"?svar={scene['item']}#plats-{scene['item']}")
    text = party.get(resp.headers["Location"].split("#")[0]).get_data(as_text=True)
    place = text.index(f'id="plats-{scene["item"]}"')
    thanks = text.index("Tack! Svaret för")
    assert text.count("Tack! Svaret för") == 1 and thanks > place and thanks < text.index("Ert senaste svar", place)
    # Shown once; a made-up place in the address puts nothing anywhere odd.
    assert "Tack!" not in party.get(f"{path}?svar={scene['item']}").get_data(as_text=True)
    assert party.get(f"{path}?svar=999999").status_code == 200


def test_a_planner_may_correct_the_answer(app, client, planner, smtp, scene):
    path = link_path(send(client, app, smtp, scene))
    app.test_client().post(f"{path}/{scene['item']}", data={"status": NOT_FIXED, "reason": "Inte vår mark"})
    with app.app_context():
        answer = db.session.scalar(select(PartyAnswer))
    resp = client.post(f"/planner/answers/{answer.id}/correct",
                       data={"status": PLANNED, "status_reason": "", "due_date": "2030-09-30"})
    assert resp.status_code == 302
    with app.app_context():
        loc = db.session.get(Location, scene["item"])
        assert (loc.status, loc.due_date, loc.status_reason) == (PLANNED, dt.date(2030, 9, 30), None)
        assert db.session.get(PartyAnswer, answer.id).decision == "corrected"


@pytest.mark.parametrize(("form", "field"), [
    ({}, "Välj ett av svaren"),
    ({"status": "ny"}, "Välj ett av svaren"),
    ({"status": NOT_FIXED}, "Skriv varför platsen inte ska åtgärdas"),
    ({"status": PLANNED, "date": "imorgon"}, "ÅÅÅÅ-MM-DD"),
    ({"status": PLANNED, "date": "0001-01-01"}, "ÅÅÅÅ-MM-DD"),
])
def test_a_bad_answer_is_explained_and_saves_nothing(app, client, planner, smtp, scene, form, field):
    path = link_path(send(client, app, smtp, scene))
    resp = app.test_client().post(f"{path}/{scene['item']}", data=form)
    assert resp.status_code == 200 and field in resp.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(PartyAnswer)) is None


@pytest.mark.parametrize("how", ["revoked", "expired", "replaced"])
def test_an_ended_link_gives_a_clear_page(app, client, planner, smtp, scene, how):
    path = link_path(send(client, app, smtp, scene))
    party = app.test_client()
    assert party.get(path).status_code == 200
    with app.app_context():
        link = db.session.scalar(select(PartyLink))
        photo_pin = db.session.scalar(select(Pin).where(Pin.comment == "Kolsvart i tunneln")).id
    if how == "revoked":
        assert client.post(f"/planner/links/{link.id}/revoke").status_code == 302
    elif how == "expired":
        with app.app_context():
            old = db.session.get(PartyLink, link.id)
            old.created_at, old.expires_at = utcnow() - dt.timedelta(days=61), utcnow() - dt.timedelta(seconds=1)
            db.session.commit()
    else:
        send(client, app, smtp, scene, count=2)
    words = {"revoked": "Länken är återkallad", "expired": "Länken har gått ut", "replaced": "nyare länk"}[how]
    for resp in (party.get(path), party.post(f"{path}/{scene['item']}", data={"status": PLANNED})):
        assert resp.status_code == 410 and words in resp.get_data(as_text=True)
    assert party.get(f"/photos/{photo_pin}/thumb.jpg").status_code == 404
    with app.app_context():
        assert db.session.scalar(select(PartyAnswer)) is None


@pytest.mark.parametrize("path", ["/svar/nonsense", "/svar/" + "x" * 300, "/svar/%00%ff", "/svar/abc/1"])
def test_an_unknown_link_is_a_clear_404(client, path):
    resp = client.get(path) if path.count("/") == 2 else client.post(path, data={"status": PLANNED})
    assert resp.status_code == 404


def test_sending_needs_an_address_and_places(app, client, planner, smtp, scene):
    with app.app_context():
        db.session.get(ResponsibleParty, scene["party"]).email = None
        db.session.commit()
    client.post(f"/planner/responsible/{scene['party']}/walks/{scene['walk']}/send")
    bad = client.post(f"/planner/responsible/{scene['party']}/email", data={"email": "inte en adress"})
    assert bad.status_code == 200 and "Skriv en e-postadress" in bad.get_data(as_text=True)
    assert client.post(f"/planner/responsible/{scene['party']}/email", data={"email": " gata@example.org "}).status_code == 302
    with app.app_context():
        assert db.session.get(ResponsibleParty, scene["party"]).email == "gata@example.org"
        assert db.session.scalar(select(PartyLink)) is None
    page = client.get(f"/planner/responsible/{scene['party']}").get_data(as_text=True)
    assert "Inte skickad" in page
    mail.wait_until_sent(app)
    assert smtp.messages == []


def test_the_party_page_is_not_for_other_audiences(app, client, make_user, smtp, scene):
    log_in(client, make_user("leader"))
    assert client.post(f"/planner/responsible/{scene['party']}/walks/{scene['walk']}/send").status_code == 403
    assert client.get(f"/planner/responsible/{scene['party']}").status_code == 403


def test_the_form_needs_its_csrf_token(app_config, smtp, scene, app, client, planner):
    path = link_path(send(client, app, smtp, scene))
    app.config["WTF_CSRF_ENABLED"] = True
    resp = app.test_client().post(f"{path}/{scene['item']}", data={"status": PLANNED})
    assert resp.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(PartyAnswer)) is None


def test_remind_mails_parties_with_items_due(app, client, planner, smtp, scene, runner):
    first = link_path(send(client, app, smtp, scene))
    # Just sent: no reminder yet, however close the date.
    with app.app_context():
        db.session.get(Location, scene["item"]).due_date = dt.date.today() + dt.timedelta(days=3)
        db.session.commit()
    assert "0 reminder(s) sent" in runner.invoke(args=["remind"]).output
    with app.app_context():
        link = db.session.scalar(select(PartyLink))
        link.created_at = utcnow() - dt.timedelta(days=8)
        db.session.commit()
    result = runner.invoke(args=["remind"])
    assert "1 reminder(s) sent" in result.output, result.output
    reminder = smtp.wait(2)[-1]
    assert "Påminnelse" in reminder["Subject"] and reminder["To"] == "gata@example.org"
    second = link_path(reminder)
    assert second != first
    assert app.test_client().get(first).status_code == 410
    assert app.test_client().get(second).status_code == 200
    assert "0 reminder(s) sent" in runner.invoke(args=["remind"]).output  # not again the same week


def test_history_names_the_party(app, client, planner, smtp, scene):
    path = link_path(send(client, app, smtp, scene))
    app.test_client().post(f"{path}/{scene['item']}", data={"status": PLANNED, "note": "Snart"})
    with app.test_request_context():
        loc = db.session.get(Location, scene["item"])
        entries = audit_text.describe(queries.history(loc))
        answered = [e for e in entries if e.event.action == "party_status"]
        assert answered[0].who == "Gatuförvaltningen" and answered[0].note == "Snart"
        assert all(e.what != "Ändring" for e in entries)


def test_a_slow_mail_server_does_not_hold_the_page(app, client, planner, smtp, scene, monkeypatch):
    import threading

    gate = threading.Event()
    real = mail.send_now
    monkeypatch.setattr(mail, "send_now", lambda msg: (gate.wait(10), real(msg)))
    resp = client.post(f"/planner/responsible/{scene['party']}/walks/{scene['walk']}/send")
    assert resp.status_code == 302 and smtp.messages == []
    gate.set()
    smtp.wait(1)


def test_party_links_core_rules(app):
    with app.test_request_context():
        _email_rules()


def _email_rules():
    assert party_links.clean_email("a@b.se") == ("a@b.se", None)
    assert party_links.clean_email("") == (None, None)
    for bad in ("a@b", "a b@c.se", "<a@b.se>", "@b.se", "a@.se"):
        assert party_links.clean_email(bad)[1] is not None
