"""Records duties: the raw material for a request for public documents, and the archive export."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from sqlalchemy import select

from tests import photo_samples
from walkapp.extensions import db
from walkapp.locations import cluster_walk
from walkapp.models import Agreement, AuditEvent, Participant, Pin, Walk, utcnow

TITLE = "Kvällsvandring vid Mittpunkten – åäö"


@pytest.fixture
def walk(app, make_walk, join, make_pin, make_user):
    """A closed, published walk: a pin with a photo, a hidden one, a redacted one marked as a concern, an agreement."""
    leader = make_user("leader")
    code = make_walk(title=TITLE, leader=leader, share_pins=True)
    token, other = join(code), join(code)
    with_photo = make_pin(code, token, comment="Mörkt vid tunneln", photo=photo_samples.png_bytes()).get_json()
    hidden = make_pin(code, token, comment="Olämpligt", lat="57.1060").get_json()
    redacted = make_pin(code, other, comment="Ring Kalle på 070-1234567", rating="1").get_json()
    with app.app_context():
        w = db.session.scalar(select(Walk).where(Walk.join_code == code))
        pin = db.session.get(Pin, hidden["id"])
        pin.hidden, pin.hidden_reason = True, "Kränkande"
        pin = db.session.get(Pin, redacted["id"])
        pin.comment_original, pin.comment, pin.concern_at = pin.comment, "Ring [borttaget]", utcnow()
        pin.hidden = True
        db.session.get(Pin, with_photo["id"]).comment_approved = True
        db.session.add(Agreement(walk_id=w.id, pin_id=with_photo["id"], client_id="agree-1", comment="Samma här",
                                 participant_id=db.session.get(Pin, redacted["id"]).participant_id))
        w.status, w.closed_at = "closed", utcnow()
        cluster_walk(w)
        w.published_at = utcnow()
        db.session.add(AuditEvent(action="pin_hide", walk_id=w.id, pin_id=hidden["id"], user_id=leader.id,
                                  field="hidden", old_value="False", new_value="True", note="Kränkande"))
        db.session.commit()
        sha, walk_id = db.session.get(Pin, with_photo["id"]).photo.sha256, w.id
    return {"id": walk_id, "code": code, "token": token, "leader": leader, "sha": sha,
            "pins": {"photo": with_photo["id"], "hidden": hidden["id"], "redacted": redacted["id"]}}


def _zip(resp) -> zipfile.ZipFile:
    assert resp.status_code == 200, resp.status_code
    assert resp.mimetype == "application/zip" and "attachment" in resp.headers["Content-Disposition"]
    data = resp.get_data()
    resp.close()  # the file it was sent from
    return zipfile.ZipFile(io.BytesIO(data))


def _csv(archive: zipfile.ZipFile, name: str) -> list[dict]:
    raw = archive.read(name)
    assert raw.startswith("\ufeff".encode())  # Excel reads UTF-8 only with the BOM
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))


def test_public_records_hold_everything_flagged_for_the_secrecy_review(app, client, login_as, walk):
    planner = login_as("admin")
    archive = _zip(client.post(f"/planner/walks/{walk['id']}/records/public.zip"))
    assert {"README.txt", "pins.csv", "agreements.csv", "moderation.csv"} <= set(archive.namelist())

    pins = {int(r["Punkt"]): r for r in _csv(archive, "pins.csv")}
    assert set(pins) == set(walk["pins"].values())
    hidden, redacted, photo = (pins[walk["pins"][k]] for k in ("hidden", "redacted", "photo"))
    assert hidden["Dold"] == "ja" and hidden["Skäl att dölja"] == "Kränkande" and hidden["Kommentar"] == "Olämpligt"
    assert redacted["Kommentar"] == "Ring [borttaget]" and redacted["Kommentar före redigering"] == "Ring Kalle på 070-1234567"
    assert redacted["Oro – behöver åtgärd"] == "ja" and redacted["Dold"] == "ja" and redacted["Betyg (1–4)"] == "1"
    assert photo["Dold"] == "" and photo["Kommentar godkänd för allmänheten"] == "ja"
    assert photo["Foto"] == f"photos/{walk['pins']['photo']}.jpg" and photo["Deltagare"] == "Deltagare 1"
    assert redacted["Deltagare"] == "Deltagare 2"

    stored = app.extensions["walkapp_photo_store"].open(walk["sha"], "full")
    assert archive.read(photo["Foto"]) == stored and stored.startswith(b"\xff\xd8")

    agreements = _csv(archive, "agreements.csv")
    assert [(a["Punkt"], a["Deltagare"], a["Kommentar"]) for a in agreements] == [
        (str(walk["pins"]["photo"]), "Deltagare 2", "Samma här")]
    moderation = _csv(archive, "moderation.csv")
    assert any(m["Vad"] == "Dolde en punkt" and m["Vem"] == walk["leader"].display_name
               and m["Anteckning"] == "Kränkande" for m in moderation)
    readme = archive.read("README.txt").decode("utf-8")
    assert "sekretessprövning" in readme.lower() and TITLE in readme and planner.display_name in readme

    with app.app_context():
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "export_public_records")).all()
        assert [(e.user_id, e.walk_id) for e in events] == [(planner.id, walk["id"])]


def test_a_planner_gets_everything_but_the_redacted_originals(client, login_as, walk):
    login_as("planner")
    archive = _zip(client.post(f"/planner/walks/{walk['id']}/records/public.zip"))
    pins = {int(r["Punkt"]): r for r in _csv(archive, "pins.csv")}
    redacted = pins[walk["pins"]["redacted"]]
    assert redacted["Kommentar"] == "Ring [borttaget]" and redacted["Oro – behöver åtgärd"] == "ja"
    assert redacted["Kommentar före redigering"].startswith("Finns") and pins[walk["pins"]["hidden"]]["Dold"] == "ja"
    assert not any("Kalle" in archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
    assert "administratör" in archive.read("README.txt").decode("utf-8")


def test_the_archive_holds_the_protocol_as_pdf_and_the_action_list(app, client, login_as, walk):
    from pypdf import PdfReader

    admin = login_as("admin")
    archive = _zip(client.post(f"/planner/walks/{walk['id']}/records/archive.zip"))
    assert sorted(archive.namelist()) == ["atgardslista.csv", "protokoll.pdf"]
    pdf = archive.read("protokoll.pdf")
    assert pdf.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert TITLE in text and "Åtgärdslista" in text
    assert "Mörkt vid tunneln" in text  # approved words are in the protocol…
    assert "Kalle" not in text and "Olämpligt" not in text  # …hidden and unapproved ones are not
    assert reader.metadata.title == TITLE

    rows = _csv(archive, "atgardslista.csv")
    with app.app_context():
        from walkapp.place_index import walk_cards

        cards = walk_cards(db.session.get(Walk, walk["id"]))
        assert [int(r["Id"]) for r in rows] == [c.location.id for c in cards] and rows
    assert "Kalle" not in archive.read("atgardslista.csv").decode("utf-8-sig")
    with app.app_context():
        assert db.session.scalar(select(AuditEvent.user_id).where(AuditEvent.action == "export_archive")) == admin.id


def test_only_a_closed_walk_is_archived(app, client, login_as, make_walk):
    login_as("admin")
    code = make_walk(title="Pågående")
    with app.app_context():
        walk_id = db.session.scalar(select(Walk.id).where(Walk.join_code == code))
    resp = client.post(f"/planner/walks/{walk_id}/records/archive.zip")
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/planner/walks/{walk_id}/records")
    page = client.get(f"/planner/walks/{walk_id}/records").get_data(as_text=True)
    assert "Bara en avslutad vandring kan arkiveras." in page
    with app.app_context():
        assert db.session.scalar(select(AuditEvent.id).where(AuditEvent.action == "export_archive")) is None


@pytest.mark.parametrize("export", ["public.zip", "archive.zip"])
@pytest.mark.parametrize(("who", "published", "expected"), [
    ("anonymous", True, "login"), ("participant", True, "login"), ("walk_leader", True, 403),
    ("other_leader", True, 403), ("planner", True, 200), ("planner", False, 403), ("admin", False, 200),
])
def test_who_may_export(app, client, make_user, walk, export, who, published, expected):
    from tests.conftest import log_in

    if not published:
        with app.app_context():
            db.session.get(Walk, walk["id"]).published_at = None
            db.session.commit()
    headers = {}
    if who == "participant":
        headers["Authorization"] = f"Bearer {walk['token']}"
    elif who == "walk_leader":
        log_in(client, walk["leader"])
    elif who != "anonymous":
        log_in(client, make_user({"other_leader": "leader"}.get(who, who)))
    resp = client.post(f"/planner/walks/{walk['id']}/records/{export}", headers=headers)
    resp.close()
    if expected == "login":
        assert resp.status_code == 302 and resp.headers["Location"].startswith("/login")
    else:
        assert resp.status_code == expected
    with app.app_context():
        assert (db.session.scalar(select(AuditEvent.id).where(AuditEvent.action.like("export_%"))) is not None) == (
            expected == 200)


def test_the_records_page_offers_both_exports(client, login_as, walk):
    from html.parser import HTMLParser

    login_as("planner")
    page = client.get(f"/planner/walks/{walk['id']}/records").get_data(as_text=True)

    class Forms(HTMLParser):
        def __init__(self):
            super().__init__()
            self.actions: list[str] = []

        def handle_starttag(self, tag, attrs):
            if tag == "form":
                self.actions.append(dict(attrs)["action"])

    parser = Forms()
    parser.feed(page)
    assert [a for a in parser.actions if "/records/" in a] == [f"/planner/walks/{walk['id']}/records/public.zip",
                              f"/planner/walks/{walk['id']}/records/archive.zip"]
    assert "sekretessprövning" in page


def test_the_walks_list_links_to_each_walks_records(client, login_as, walk):
    login_as("planner")
    page = client.get("/planner/walks").get_data(as_text=True)
    assert f'href="/planner/walks/{walk["id"]}/records"' in page
