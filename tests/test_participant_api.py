"""The participant API: joining, pins with idempotent retries, own pins, and every bad input."""

from __future__ import annotations

import io
import os
import re
import threading
import uuid

import pytest
from sqlalchemy import func, select

from walkapp.extensions import db
from walkapp.models import Participant, Photo, Pin
from walkapp.openapi import openapi_document

from tests import photo_samples
from tests.conftest import VARBERG, pin_form
from tests.openapi_check import assert_matches

PINS = "/walks/{join_code}/pins"


def stored(app) -> tuple[int, int, list[str]]:
    """(pins, photos, files under the upload folder): what a bad request must leave unchanged."""
    with app.app_context():
        pins = db.session.scalar(select(func.count()).select_from(Pin))
        photos = db.session.scalar(select(func.count()).select_from(Photo))
    root = app.config["UPLOAD_DIR"]
    files = sorted(os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs) if os.path.isdir(root) else []
    return pins, photos, files


def auth(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def walk(make_walk):
    return make_walk()


@pytest.fixture
def token(walk, join):
    return join(walk)


def test_openapi_document_is_valid_openapi_31(client):
    from openapi_spec_validator import validate

    resp = client.get("/api/v1/openapi.json")
    assert resp.status_code == 200
    validate(resp.get_json())
    assert resp.get_json()["openapi"] == "3.1.0"


def test_openapi_documents_every_api_route(app):
    documented = {path for path in openapi_document()["paths"]}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
            assert path in documented, rule.rule
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                assert method.lower() in openapi_document()["paths"][path], (method, rule.rule)


def test_join_gives_token_and_stores_only_its_hash(app, client, walk):
    resp = client.post(f"/api/v1/walks/{walk}/participants")
    assert resp.status_code == 201
    assert_matches("post", "/walks/{join_code}/participants", resp)
    body = resp.get_json()
    assert body["walk"]["code"] == walk
    assert [c["key"] for c in body["walk"]["categories"]][:2] == ["belysning", "skymd_sikt"]
    with app.app_context():
        hashes = db.session.scalars(select(Participant.token_hash)).all()
    assert len(hashes) == 1 and body["token"] not in hashes[0]


@pytest.mark.parametrize("prefer", ["return=minimal", "respond-async, RETURN=minimal; x=1"])
def test_join_with_prefer_minimal_answers_with_the_token_only(client, walk, prefer):
    resp = client.post(f"/api/v1/walks/{walk}/participants", headers={"Prefer": prefer})
    assert resp.status_code == 201
    assert resp.headers["Preference-Applied"] == "return=minimal"
    assert_matches("post", "/walks/{join_code}/participants", resp)
    assert list(resp.get_json()) == ["token"]
    # The token works like any other.
    pins = client.get(f"/api/v1/walks/{walk}/pins", headers={"Authorization": "Bearer " + resp.get_json()["token"]})
    assert pins.status_code == 200


def test_join_with_another_preference_gets_the_whole_answer(client, walk):
    resp = client.post(f"/api/v1/walks/{walk}/participants", headers={"Prefer": "return=representation"})
    assert resp.status_code == 201 and "Preference-Applied" not in resp.headers
    assert resp.get_json()["walk"]["code"] == walk


def test_join_code_is_forgiving_about_case_and_spaces(client, walk):
    messy = walk[:3].lower() + " " + walk[3:].lower()
    assert client.post(f"/api/v1/walks/{messy}/participants").status_code == 201


@pytest.mark.parametrize(
    ("status", "expected", "code"),
    [("draft", 409, "walk_not_open"), ("closed", 409, "walk_closed")],
)
def test_cannot_join_walk_that_is_not_open(app, client, make_walk, status, expected, code):
    walk = make_walk(status=status)
    resp = client.post(f"/api/v1/walks/{walk}/participants")
    assert (resp.status_code, resp.get_json()["error"]) == (expected, code)
    assert_matches("post", "/walks/{join_code}/participants", resp)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Participant)) == 0


def test_create_pin_with_photo(app, client, walk, token, make_pin):
    import datetime as dt

    taken = (dt.datetime.now(dt.timezone(dt.timedelta(hours=1))) - dt.timedelta(minutes=30)).replace(microsecond=0)
    resp = make_pin(walk, token, photo=photo_samples.camera_jpeg(), taken_at=taken.isoformat())
    assert resp.status_code == 201, resp.get_json()
    assert_matches("post", PINS, resp)
    pin = resp.get_json()
    assert pin["rating"] == 2 and pin["rating_label"] == "Ganska otryggt"
    assert pin["categories"] == ["belysning", "skymd_sikt"]
    assert max(pin["photo"]["width"], pin["photo"]["height"]) == 1600
    assert pin["taken_at"] == taken.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert pin["clock_unreliable"] is False
    with client.get(pin["photo"]["url"], headers=auth(token)) as photo:
        assert photo.status_code == 200 and photo.mimetype == "image/jpeg"
        assert b"Exif" not in photo.data
    pins, photos, files = stored(app)
    assert (pins, photos, len(files)) == (1, 1, 2)


def test_same_client_id_again_returns_the_same_pin(app, walk, token, make_pin):
    client_id = str(uuid.uuid4())
    first = make_pin(walk, token, client_id=client_id, photo=photo_samples.png_bytes())
    again = make_pin(walk, token, client_id=client_id, photo=photo_samples.png_bytes())
    assert (first.status_code, again.status_code) == (201, 200)
    assert_matches("post", PINS, again)
    assert again.get_json() == first.get_json()
    assert stored(app)[:2] == (1, 1)


def test_concurrent_retries_store_one_pin(app, walk, token, app_config):
    """Phones retry while the first request is still in flight: still exactly one pin."""
    client_id = str(uuid.uuid4())
    statuses = []

    def send():
        with app.test_client() as c:
            r = c.post(f"/api/v1/walks/{walk}/pins", data=pin_form(client_id=client_id), headers=auth(token))
            statuses.append(r.status_code)

    threads = [threading.Thread(target=send) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [200] * 5 + [201]
    assert stored(app)[0] == 1


def test_a_pin_without_a_photo_leaves_later_transactions_whole(app, walk, token):
    """On PostgreSQL such a pin runs its statements without a transaction: the connection must go back
    to the pool as it came, or the next request's writes would each commit on their own."""
    from walkapp.models import ResponsibleParty

    assert app.test_client().post(f"/api/v1/walks/{walk}/pins", data=pin_form(), headers=auth(token)).status_code == 201
    with app.app_context():
        db.session.add(ResponsibleParty(name="Ska inte finnas", kind="forvaltning"))
        db.session.flush()
        db.session.rollback()
        assert db.session.scalar(select(func.count()).select_from(ResponsibleParty)) == 0
    assert stored(app)[0] == 1


def test_a_pin_sees_its_walk_as_the_orm_does(app, make_walk, join, make_pin):
    """The pin path reads its walk as table columns (participant/sender.py), not as a Walk: every
    column it reads, and what Walk derives from them, must be the stored walk's."""
    import datetime as dt
    from dataclasses import fields

    from walkapp.models import Walk, hash_token, utcnow
    from walkapp.participant import sender

    walk = make_walk(early_opened_at=utcnow() - dt.timedelta(days=2), light="morker",
                     categories=[{"key": "belysning", "label": "Belysning"}, {"key": "egen", "label": "Egen"}])
    token = join(walk)
    first = make_pin(walk, token, client_id="forsta-punkten", categories=["egen"])
    assert first.status_code == 201, first.get_json()
    with app.app_context():
        context = sender.read(db.session.connection(), hash_token(token), "forsta-punkten")
        orm = db.session.scalar(select(Walk).where(Walk.join_code == walk))
        participant = db.session.scalar(select(Participant).where(Participant.token_hash == hash_token(token)))
        for f in fields(sender.WalkForPin):
            assert getattr(context.sender.walk, f.name) == getattr(orm, f.name), f.name
        assert context.sender.walk.accepting_since == orm.early_opened_at
        assert context.sender.walk.category_keys == ["belysning", "egen"]
        assert (context.sender.id, context.sender.walk_id, context.sender.blocked_at) == (participant.id, orm.id, None)
        assert (context.existing_id, context.own_pins) == (first.get_json()["id"], 1)
        assert sender.read(db.session.connection(), hash_token(token), "andra-punkten").existing_id is None
        assert sender.read(db.session.connection(), hash_token("ingen sådan"), "forsta-punkten") is None


def test_thirty_phones_posting_at_once_all_succeed(app, make_walk):
    """SQLite in WAL with BEGIN IMMEDIATE and a busy timeout: no 'database is locked'."""
    walk = make_walk()
    tokens = [app.test_client().post(f"/api/v1/walks/{walk}/participants").get_json()["token"] for _ in range(30)]
    statuses = []

    def phone(tok):
        with app.test_client() as c:
            for _ in range(3):
                r = c.post(f"/api/v1/walks/{walk}/pins", data=pin_form(), headers=auth(tok))
                statuses.append(r.status_code)

    threads = [threading.Thread(target=phone, args=(t,)) for t in tokens]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == [201] * 90
    assert stored(app)[0] == 90


def test_client_id_of_another_participant_is_refused(app, walk, join, make_pin):
    client_id = str(uuid.uuid4())
    assert make_pin(walk, join(walk), client_id=client_id).status_code == 201
    resp = make_pin(walk, join(walk), client_id=client_id, rating="4")
    assert (resp.status_code, resp.get_json()["error"]) == (409, "client_id_conflict")
    assert stored(app)[0] == 1


def test_list_shows_own_pins_only_unless_walk_shares(client, make_walk, join, make_pin):
    for share in (False, True):
        walk = make_walk(share_pins=share)
        me, other = join(walk), join(walk)
        make_pin(walk, me, comment="min")
        make_pin(walk, other, comment="hemlig kommentar")
        resp = client.get(f"/api/v1/walks/{walk}/pins", headers=auth(me))
        assert_matches("get", PINS, resp)
        pins = resp.get_json()["pins"]
        assert [p["own"] for p in pins] == ([True] if not share else [True, False])
        assert "comment" not in pins[-1] or pins[-1]["own"]
        assert "hemlig" not in resp.get_data(as_text=True)


def test_hidden_pins_of_others_are_not_shared(app, client, make_walk, join, make_pin):
    walk = make_walk(share_pins=True)
    me, other = join(walk), join(walk)
    theirs = make_pin(walk, other).get_json()["id"]
    with app.app_context():
        db.session.get(Pin, theirs).hidden = True
        db.session.commit()
    assert client.get(f"/api/v1/walks/{walk}/pins", headers=auth(me)).get_json()["pins"] == []
    own_view = client.get(f"/api/v1/walks/{walk}/pins", headers=auth(other)).get_json()["pins"]
    assert own_view[0]["hidden"] is True


def test_others_unplaced_pins_are_not_shared(client, make_walk, join, make_pin):
    walk = make_walk(share_pins=True)
    me, other = join(walk), join(walk)
    make_pin(walk, other, lat=None, lon=None, place_description="Vid kiosken")
    make_pin(walk, other)
    pins = client.get(f"/api/v1/walks/{walk}/pins", headers=auth(me)).get_json()["pins"]
    assert len(pins) == 1 and pins[0]["own"] is False


def test_update_own_pin(client, walk, token, make_pin):
    pin = make_pin(walk, token).get_json()
    resp = client.patch(f"/api/v1/pins/{pin['id']}", data={"rating": "1", "categories": ["trafik"], "comment": ""},
                        headers=auth(token))
    assert resp.status_code == 200, resp.get_json()
    assert_matches("patch", "/pins/{pin_id}", resp)
    body = resp.get_json()
    assert (body["rating"], body["categories"], body["comment"], body["lat"]) == (1, ["trafik"], None, pin["lat"])


def test_update_with_json_and_new_photo_replaces_old_file(app, client, walk, token, make_pin):
    pin = make_pin(walk, token, photo=photo_samples.png_bytes()).get_json()
    old_files = stored(app)[2]
    resp = client.patch(f"/api/v1/pins/{pin['id']}", headers=auth(token),
                        data={"photo": (io.BytesIO(photo_samples.webp_bytes()), "x.webp")}, content_type="multipart/form-data")
    assert resp.status_code == 200
    _, photos, files = stored(app)
    assert photos == 1 and len(files) == 2 and files != old_files
    resp = client.patch(f"/api/v1/pins/{pin['id']}", json={"remove_photo": True, "light": "morker"}, headers=auth(token))
    assert resp.get_json()["photo"] is None and resp.get_json()["light"] == "morker"
    assert stored(app)[1:] == (0, [])


def test_changing_only_the_photo_marks_the_pin_updated(client, walk, token, make_pin):
    """Phones cache thumbnails by updated_at: a new photo must change it."""
    import time

    pin = make_pin(walk, token, photo=photo_samples.png_bytes()).get_json()
    time.sleep(1.1)  # timestamps have whole seconds in the API
    resp = client.patch(f"/api/v1/pins/{pin['id']}", headers=auth(token), content_type="multipart/form-data",
                        data={"photo": (io.BytesIO(photo_samples.webp_bytes()), "x.webp")})
    assert resp.get_json()["updated_at"] > pin["updated_at"]


def test_delete_own_pin_removes_row_and_files(app, client, walk, token, make_pin):
    pin = make_pin(walk, token, photo=photo_samples.png_bytes()).get_json()
    resp = client.delete(f"/api/v1/pins/{pin['id']}", headers=auth(token))
    assert resp.status_code == 204
    assert_matches("delete", "/pins/{pin_id}", resp)
    assert stored(app) == (0, 0, [])


def test_photo_shared_by_two_pins_survives_deleting_one(app, client, walk, token, make_pin):
    png = photo_samples.png_bytes()
    a = make_pin(walk, token, photo=png).get_json()
    make_pin(walk, token, photo=png)
    client.delete(f"/api/v1/pins/{a['id']}", headers=auth(token))
    assert stored(app)[1:] == (1, stored(app)[2]) and len(stored(app)[2]) == 2


def test_nobody_else_sees_a_participants_photo(app, client, walk, token, join, make_pin):
    pin = make_pin(walk, token, photo=photo_samples.png_bytes()).get_json()
    url = pin["photo"]["thumb_url"]
    assert client.get(url).status_code == 404
    assert client.get(url, headers=auth(join(walk))).status_code == 404
    with client.get(url, headers=auth(token)) as resp:
        assert resp.status_code == 200


# --- bad input: a 4xx in the one error shape, and nothing stored --------------------------------

BAD_PINS = [
    ("missing lat", {"lat": None}, 400, "missing_field", "lat"),
    ("missing lon", {"lon": None}, 400, "missing_field", "lon"),
    ("non-numeric lat", {"lat": "57,1"}, 400, "invalid_number", "lat"),
    ("non-numeric lon", {"lon": "tolv"}, 400, "invalid_number", "lon"),
    ("infinite lat", {"lat": "inf"}, 400, "invalid_number", "lat"),
    ("lat out of range", {"lat": "91"}, 400, "invalid_number", "lat"),
    ("outside the area", {"lat": str(VARBERG[0] + 0.02)}, 400, "outside_area", "lat"),
    ("outside the area beyond accuracy", {"lat": str(VARBERG[0] + 0.0058), "accuracy_m": "20"}, 400, "outside_area", "lat"),
    ("rating 0", {"rating": "0"}, 400, "invalid_rating", "rating"),
    ("rating 5", {"rating": "5"}, 400, "invalid_rating", "rating"),
    ("rating text", {"rating": "bra"}, 400, "invalid_rating", "rating"),
    ("rating missing", {"rating": None}, 400, "missing_field", "rating"),
    ("unknown category", {"categories": ["belysning", "ufo"]}, 400, "unknown_category", "categories"),
    ("comment too long", {"comment": "å" * 2001}, 400, "comment_too_long", "comment"),
    ("bad light", {"light": "natt"}, 400, "invalid_light", "light"),
    ("bad taken_at", {"taken_at": "igår"}, 400, "invalid_time", "taken_at"),
    ("missing client_id", {"client_id": None}, 400, "missing_field", "client_id"),
    ("bad client_id", {"client_id": "../../etc"}, 400, "invalid_client_id", "client_id"),
    ("negative accuracy", {"accuracy_m": "-3"}, 400, "invalid_number", "accuracy_m"),
    ("unknown stop", {"stop": "Stopp 99", "lat": None, "lon": None}, 400, "unknown_stop", "stop"),
]


@pytest.mark.parametrize(("case", "fields", "status", "code", "field"), BAD_PINS, ids=[c[0] for c in BAD_PINS])
def test_bad_pin_fields_are_refused_and_nothing_stored(app, walk, token, make_pin, case, fields, status, code, field):
    resp = make_pin(walk, token, photo=photo_samples.png_bytes(), **fields)
    assert resp.status_code == status, resp.get_json()
    assert_matches("post", PINS, resp)
    body = resp.get_json()
    assert (body["error"], body["field"]) == (code, field)
    assert body["message"] and body["message"][0].isupper()
    assert stored(app) == (0, 0, [])


def test_point_just_outside_area_is_accepted_within_reported_accuracy(walk, token, make_pin):
    # ~11 m outside the 600 m circle; the phone says ±20 m.
    lat = VARBERG[0] + 611 / 111_400
    assert make_pin(walk, token, lat=str(lat), accuracy_m="20").status_code == 201


BAD_PHOTOS = [
    ("not an image named .jpg", photo_samples.not_an_image, 400, "unsupported_image"),
    ("gif", photo_samples.gif_bytes, 400, "unsupported_image"),
    ("truncated jpeg", photo_samples.truncated_jpeg, 400, "corrupt_image"),
    ("decompression bomb", photo_samples.bomb_png, 413, "image_too_many_pixels"),
]


@pytest.mark.parametrize(("case", "make", "status", "code"), BAD_PHOTOS, ids=[c[0] for c in BAD_PHOTOS])
def test_bad_photos_are_refused_and_nothing_stored(app, walk, token, make_pin, case, make, status, code):
    resp = make_pin(walk, token, photo=make(), filename="photo.jpg")
    assert resp.status_code == status
    assert_matches("post", PINS, resp)
    assert (resp.get_json()["error"], resp.get_json()["field"]) == (code, "photo")
    assert stored(app) == (0, 0, [])


def test_photo_over_25_mb_is_refused_with_413(app, walk, token, make_pin):
    big = photo_samples.png_bytes() + b"\0" * (25 * 1024 * 1024)
    resp = make_pin(walk, token, photo=big)
    assert resp.status_code == 413
    assert_matches("post", PINS, resp)
    assert resp.get_json()["error"] in ("image_too_large", "too_large")
    assert stored(app) == (0, 0, [])


def test_request_far_over_the_limit_is_refused_before_reading(app, walk, token, make_pin):
    resp = make_pin(walk, token, photo=b"\xff\xd8\xff" + b"\0" * (27 * 1024 * 1024))
    assert resp.status_code == 413 and resp.get_json()["error"] == "too_large"
    assert stored(app) == (0, 0, [])


@pytest.mark.parametrize(
    ("case", "walk_status", "code_override", "status", "error"),
    [
        ("unknown walk", "open", "ZZZZZZ", 404, "walk_not_found"),
        ("draft walk", "draft", None, 409, "walk_not_open"),
        ("closed walk", "closed", None, 409, "walk_closed"),
    ],
)
def test_pins_only_go_to_open_walks(app, client, make_walk, join, make_pin, case, walk_status, code_override, status, error):
    code = make_walk()
    token = join(code)
    if walk_status != "open":
        from walkapp.models import Walk

        with app.app_context():
            db.session.scalar(select(Walk).where(Walk.join_code == code)).status = walk_status
            db.session.commit()
    resp = make_pin(code_override or code, token)
    assert (resp.status_code, resp.get_json()["error"]) == (status, error)
    assert_matches("post", PINS, resp)
    assert stored(app) == (0, 0, [])


@pytest.mark.parametrize(
    ("case", "headers", "error"),
    [
        ("no token", {}, "token_missing"),
        ("wrong token", {"Authorization": "Bearer not-a-real-token"}, "token_invalid"),
        ("basic auth", {"Authorization": "Basic dXNlcjpwYXNz"}, "token_missing"),
    ],
)
def test_pins_need_a_valid_token(app, client, walk, case, headers, error):
    resp = client.post(f"/api/v1/walks/{walk}/pins", data=pin_form(), headers=headers)
    assert (resp.status_code, resp.get_json()["error"]) == (401, error)
    assert_matches("post", PINS, resp)
    assert stored(app) == (0, 0, [])


def test_pin_made_before_closing_is_taken_late_and_placed(app, client, walk, token, make_pin):
    """A phone without signal sends its pins after the leader closed the walk: they still count."""
    import datetime as dt

    from walkapp.locations import cluster_walk
    from walkapp.models import Walk, utcnow

    with app.app_context():
        w = db.session.scalar(select(Walk).where(Walk.join_code == walk))
        w.status, w.closed_at = "closed", utcnow()
        cluster_walk(w)
        db.session.commit()
    before = (utcnow() - dt.timedelta(minutes=10)).isoformat() + "Z"
    after = (utcnow() + dt.timedelta(minutes=10)).isoformat() + "Z"
    late = make_pin(walk, token, taken_at=before)
    assert late.status_code == 201
    assert_matches("post", PINS, late)
    with app.app_context():
        assert db.session.get(Pin, late.get_json()["id"]).location_id is not None
    made_after = make_pin(walk, token, taken_at=after)
    assert (made_after.status_code, made_after.get_json()["error"]) == (409, "walk_closed")
    no_time = make_pin(walk, token, taken_at=None)
    assert no_time.status_code == 409
    with app.app_context():
        w = db.session.scalar(select(Walk).where(Walk.join_code == walk))
        w.closed_at = utcnow() - dt.timedelta(hours=49)
        db.session.commit()
    assert make_pin(walk, token, taken_at=(utcnow() - dt.timedelta(hours=50)).isoformat() + "Z").status_code == 409
    assert stored(app)[0] == 1


def test_token_of_another_walk_is_refused(app, make_walk, join, make_pin):
    other_token = join(make_walk())
    resp = make_pin(make_walk(), other_token)
    assert (resp.status_code, resp.get_json()["error"]) == (401, "token_invalid")
    assert stored(app) == (0, 0, [])


@pytest.mark.parametrize("method", ["patch", "delete"])
def test_cannot_touch_another_participants_pin(app, client, walk, token, join, make_pin, method):
    pin = make_pin(walk, token).get_json()
    resp = getattr(client, method)(f"/api/v1/pins/{pin['id']}", data={"rating": "4"}, headers=auth(join(walk)))
    assert (resp.status_code, resp.get_json()["error"]) == (403, "not_your_pin")
    assert_matches(method, "/pins/{pin_id}", resp)
    with app.app_context():
        assert db.session.get(Pin, pin["id"]).rating == 2


@pytest.mark.parametrize("method", ["patch", "delete"])
def test_cannot_change_pins_after_the_walk_closed(app, client, walk, token, make_pin, method):
    from walkapp.models import Walk

    pin = make_pin(walk, token).get_json()
    with app.app_context():
        db.session.scalar(select(Walk).where(Walk.join_code == walk)).status = "closed"
        db.session.commit()
    resp = getattr(client, method)(f"/api/v1/pins/{pin['id']}", data={"rating": "4"}, headers=auth(token))
    assert (resp.status_code, resp.get_json()["error"]) == (409, "walk_closed")
    assert stored(app)[0] == 1


def test_a_moderated_pin_cannot_be_changed_by_its_author(app, client, walk, token, make_pin):
    pin = make_pin(walk, token, comment="Kalle bor här").get_json()
    with app.app_context():
        stored = db.session.get(Pin, pin["id"])
        stored.comment_original, stored.comment = stored.comment, "[borttaget] bor här"
        db.session.commit()
    resp = client.patch(f"/api/v1/pins/{pin['id']}", data={"comment": "Kalle bor här"}, headers=auth(token))
    assert (resp.status_code, resp.get_json()["error"]) == (409, "pin_moderated")
    assert_matches("patch", "/pins/{pin_id}", resp)
    with app.app_context():
        assert db.session.get(Pin, pin["id"]).comment == "[borttaget] bor här"
    assert client.delete(f"/api/v1/pins/{pin['id']}", headers=auth(token)).status_code == 204


def test_bad_update_changes_nothing(app, client, walk, token, make_pin):
    pin = make_pin(walk, token).get_json()
    resp = client.patch(f"/api/v1/pins/{pin['id']}", data={"rating": "3", "comment": "x" * 2001}, headers=auth(token))
    assert (resp.status_code, resp.get_json()["field"]) == (400, "comment")
    with app.app_context():
        assert db.session.get(Pin, pin["id"]).rating == 2


def test_pin_at_a_named_stop_and_an_unplaced_pin(client, walk, token, make_pin):
    at_stop = make_pin(walk, token, lat=None, lon=None, stop="Stopp 1").get_json()
    assert at_stop["stop_name"] == "Stopp 1" and at_stop["unplaced"] is False
    described = make_pin(walk, token, lat=None, lon=None, place_description="Vid den gula kiosken").get_json()
    assert described["unplaced"] is True and described["place_description"] == "Vid den gula kiosken"
    assert (round(described["lat"], 4), round(described["lon"], 4)) == (round(VARBERG[0], 4), round(VARBERG[1], 4))


def test_api_errors_for_unknown_routes_have_the_error_shape(client):
    resp = client.get("/api/v1/nothing-here")
    assert resp.status_code == 404 and set(resp.get_json()) == {"error", "message", "field"}
