""""Ta bort alla mina punkter" and the privacy page: a participant deletes everything they sent while
the walk is open; nobody else's pins go; a pin staff are acting on stays; the page says it all in
Swedish and English."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.factories import Page
from walkapp.extensions import db
from walkapp.models import Agreement, Participant, Photo, Pin, Walk, utcnow

from tests.photo_samples import camera_jpeg


def _auth(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def _count(app, model, **where) -> int:
    with app.app_context():
        query = select(func.count()).select_from(model)
        for name, value in where.items():
            query = query.where(getattr(model, name) == value)
        return db.session.scalar(query)


def test_delete_all_mine_takes_pins_photos_and_agreements_and_nothing_else(app, client, make_walk, join, make_pin):
    code = make_walk(share_pins=True)
    me, other = join(code), join(code)
    theirs = make_pin(code, other, comment="inte min").get_json()["id"]
    mine = [make_pin(code, me, photo=camera_jpeg()).get_json()["id"], make_pin(code, me).get_json()["id"]]
    agreed = client.post(f"/api/v1/walks/{code}/pins/{theirs}/agreements", data={"client_id": "a1b2c3d4-0000-4000-8000-000000000001"},
                         headers=_auth(me))
    assert agreed.status_code == 201
    photo_files = list((app.config["UPLOAD_DIR"] and __import__("pathlib").Path(app.config["UPLOAD_DIR"])).rglob("*.jpg"))
    assert photo_files

    response = client.delete(f"/api/v1/walks/{code}/pins", headers=_auth(me))
    assert response.status_code == 200
    assert response.get_json() == {"deleted_pins": 2, "deleted_agreements": 1, "kept_pins": 0}
    with app.app_context():
        assert db.session.scalars(select(Pin.id)).all() == [theirs]
        assert db.session.scalar(select(func.count()).select_from(Agreement)) == 0
        assert db.session.scalar(select(func.count()).select_from(Photo)) == 0
    assert not any(f.exists() for f in photo_files)  # the photo's files are gone too
    listed = client.get(f"/api/v1/walks/{code}/pins", headers=_auth(me)).get_json()["pins"]
    assert [p["id"] for p in listed] == [theirs]
    # Again: nothing left, nothing fails.
    assert client.delete(f"/api/v1/walks/{code}/pins", headers=_auth(me)).get_json()["deleted_pins"] == 0
    assert mine


def test_a_pin_staff_marked_as_a_concern_stays(app, client, make_walk, join, make_pin, make_user):
    code = make_walk()
    me = join(code)
    kept = make_pin(code, me, comment="Något hände mig här").get_json()["id"]
    make_pin(code, me)
    staff = make_user("leader")
    with app.app_context():
        pin = db.session.get(Pin, kept)
        pin.concern_at, pin.concern_by_id, pin.hidden = utcnow(), staff.id, True
        db.session.commit()
    body = client.delete(f"/api/v1/walks/{code}/pins", headers=_auth(me)).get_json()
    assert body == {"deleted_pins": 1, "deleted_agreements": 0, "kept_pins": 1}
    assert _count(app, Pin) == 1


def test_delete_all_needs_an_open_walk_and_ones_own_token(app, client, make_walk, join, make_pin):
    code = make_walk()
    me = join(code)
    make_pin(code, me)
    other_walk = make_walk()
    stranger = join(other_walk)
    assert client.delete(f"/api/v1/walks/{code}/pins").status_code == 401
    assert client.delete(f"/api/v1/walks/{code}/pins", headers=_auth(stranger)).status_code == 401
    with app.app_context():
        walk = db.session.scalar(select(Walk).where(Walk.join_code == code))
        walk.status = "closed"
        db.session.commit()
    refused = client.delete(f"/api/v1/walks/{code}/pins", headers=_auth(me))
    assert refused.status_code == 409 and refused.get_json()["error"] == "walk_closed"
    assert _count(app, Pin) == 1
    with app.app_context():
        walk = db.session.scalar(select(Walk).where(Walk.join_code == code))
        walk.status = "open"
        db.session.get(Participant, db.session.scalar(select(Pin.participant_id))).blocked_at = utcnow()
        db.session.commit()
    assert client.delete(f"/api/v1/walks/{code}/pins", headers=_auth(me)).status_code == 403
    assert _count(app, Pin) == 1


def test_the_privacy_page_is_linked_from_joining_and_says_what_happens(client, make_walk):
    code = make_walk()
    for path in ("/", f"/j/{code}"):
        assert Page(client.get(path).get_data(as_text=True)).find("a", href="/integritet")
    text = Page(client.get("/integritet").get_data(as_text=True)).all_text
    for words in ("vi vet inte vem du är", "allmän handling", "Ta bort alla mina punkter",
                  "Foton tas bort 365 dagar efter vandringen", "Koden i din telefon slutar gälla 90 dagar",
                  "aldrig dina ord eller foton"):
        assert words in text
    english = Page(client.get("/integritet", headers={"Accept-Language": "en"}).get_data(as_text=True)).all_text
    assert "public document" in english and "allmän handling" not in english
