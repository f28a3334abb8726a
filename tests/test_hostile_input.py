"""No input gives a 5xx, and bad input changes nothing: wrong JSON types, extreme ids and dates,
deep nesting, NaN; wrong phone clocks keep their pins; retries must repeat what they sent; text is
cleaned once where it enters."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from tests.conftest import VARBERG, log_in
from tests.openapi_check import assert_matches
from walkapp import text as text_module
from walkapp.extensions import db
from walkapp.models import Location, Pin, Walk, utcnow


def auth(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def pin_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Pin))


def json_pin(**fields) -> dict:
    body = {"client_id": str(uuid.uuid4()), "lat": VARBERG[0], "lon": VARBERG[1], "rating": 2}
    body.update(fields)
    return {k: v for k, v in body.items() if v is not None}


@pytest.fixture
def walk(make_walk):
    return make_walk()


@pytest.fixture
def token(walk, join):
    return join(walk)


WRONG_TYPES = [
    ("categories list of object", {"categories": [{}]}, "categories"),
    ("categories object", {"categories": {}}, "categories"),
    ("categories number", {"categories": [5]}, "categories"),
    ("light list", {"light": []}, "light"),
    ("light object", {"light": {"a": 1}}, "light"),
    ("place_description number", {"lat": None, "lon": None, "place_description": 5}, "place_description"),
    ("place_description list", {"lat": None, "lon": None, "place_description": ["x"]}, "place_description"),
    ("stop list", {"lat": None, "lon": None, "stop": ["Stopp 1"]}, "stop"),
    ("rating true", {"rating": True}, "rating"),
    ("rating false", {"rating": False}, "rating"),
    ("rating 2.5", {"rating": 2.5}, "rating"),
    ("rating huge", {"rating": 10**400}, "rating"),
    ("lat true", {"lat": True}, "lat"),
    ("lat list", {"lat": [57.1]}, "lat"),
    ("lat huge integer", {"lat": 10**400}, "lat"),
    ("comment number", {"comment": 5}, "comment"),
    ("comment object", {"comment": {"a": "b"}}, "comment"),
    ("taken_at number", {"taken_at": 5}, "taken_at"),
    ("taken_at year 1 east of UTC", {"taken_at": "0001-01-01T00:00:00+01:00"}, "taken_at"),
    ("taken_at year 9999 west of UTC", {"taken_at": "9999-12-31T23:59:59-01:00"}, "taken_at"),
    ("client_id number", {"client_id": 12345678}, "client_id"),
]


@pytest.mark.parametrize(("case", "fields", "field"), WRONG_TYPES, ids=[c[0] for c in WRONG_TYPES])
def test_wrong_json_types_are_a_400_naming_the_field(app, client, walk, token, case, fields, field):
    resp = client.post(f"/api/v1/walks/{walk}/pins", json=json_pin(**fields), headers=auth(token))
    assert resp.status_code == 400, resp.get_json()
    body = resp.get_json()
    assert body["field"] == field and body["message"]
    assert_matches("post", "/walks/{join_code}/pins", resp)
    assert pin_count(app) == 0


@pytest.mark.parametrize("raw", [
    "[" * 100_000 + "]" * 100_000,
    '{"client_id": "abcdefgh12", "rating": ' + "[" * 5000 + "]" * 5000 + "}",
    '{"client_id": "abcdefgh12", "lat": NaN, "lon": 12.25, "rating": 2}',
    '{"client_id": "abcdefgh12", "lat": Infinity, "lon": 12.25, "rating": 2}',
    "\xff\xfe not json",
])
def test_unreadable_json_is_a_400(app, client, walk, token, raw):
    resp = client.post(f"/api/v1/walks/{walk}/pins", data=raw.encode("utf-8", "surrogateescape"),
                       content_type="application/json", headers=auth(token))
    assert resp.status_code == 400
    assert resp.get_json()["error"] == "bad_request"
    assert pin_count(app) == 0


def test_every_id_in_every_route_is_bounded(app, client, login_as):
    """An id no table can hold is a 404 on every route that takes one, for staff and participants."""
    login_as("admin")
    from walkapp.urls import IdConverter

    checked = 0
    for rule in app.url_map.iter_rules():
        ids = [name for name, conv in rule._converters.items() if isinstance(conv, IdConverter)]
        if not ids:
            continue
        for huge in ("9223372036854775808", "2147483648", "99999999999999999999999", "0", "٣"):
            url = rule.rule
            for name, conv in rule._converters.items():
                placeholder = f"<{name}>"
                for spelled in (f"<id:{name}>", f"<{conv.__class__.__name__}:{name}>"):
                    url = url.replace(spelled, huge if name in ids else "x")
                url = url.replace(placeholder, "x")
            url = url.replace("<any(hide, unhide):action>", "hide").replace("<any(full, thumb):size>", "full")
            url = url.replace("<any(remove, restore, approve, unapprove):action>", "approve")
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                resp = client.open(url, method=method, data={})
                assert resp.status_code in (404, 405), (method, url, resp.status_code)
                checked += 1
    assert checked > 60


def test_extreme_dates_in_query_strings_never_fail(app, client, login_as, make_walk):
    login_as("admin")
    extremes = ["0001-01-01", "9999-12-31", "0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-14:00", "2026-02-30"]
    urls = ["/planner/", "/planner/map", "/planner/export.csv", "/planner/export.geojson"]
    with app.app_context():
        walk_id = db.session.scalar(select(Walk.id).where(Walk.join_code == make_walk()))
    for value in extremes:
        for url in urls:
            for param in ("from", "to"):
                assert client.get(url, query_string={param: value}).status_code == 200, (url, param, value)
        assert client.get(f"/leader/walks/{walk_id}/feed", query_string={"since": value}).status_code == 200
        for param in ("start_date", "end_date", "updated_after", "updated_before"):
            resp = client.get("/open311/v2/requests.json", query_string={param: value})
            assert resp.status_code in (200, 400), (param, value, resp.status_code)


@pytest.mark.parametrize("area", [
    '{"type": "Polygon", "coordinates": [[[12.25, NaN], [12.26, 57.1], [12.26, 57.11], [12.25, NaN]]]}',
    '{"type": "Polygon", "coordinates": [[[12.25, 57.1], [12.26, "57.1"], [12.26, 57.11], [12.25, 57.1]]]}',
    '{"type": "Polygon", "coordinates": [[[true, 57.1], [12.26, 57.1], [12.26, 57.11], [true, 57.1]]]}',
    '{"type": "Polygon", "coordinates": [[[12.25, 57.1, 3], [12.26, 57.1], [12.26, 57.11], [12.25, 57.1]]]}',
    '{"type": "Polygon", "coordinates": ' + "[" * 10_000 + "]" * 10_000 + "}",
    '{"type": "Polygon", "coordinates": 5}',
])
def test_bad_walk_areas_and_stops_are_form_errors(app, client, login_as, area):
    login_as("leader")
    form = {"title": "Vandring", "area_mode": "polygon", "area_geojson": area, "stops_json": "[]",
            "categories": ["belysning"], "light": "", "starts_at": ""}
    resp = client.post("/leader/walks/new", data=form)
    assert resp.status_code == 200 and "Rita området" in resp.get_data(as_text=True)
    deep_stops = {**form, "area_geojson": json.dumps({"type": "Polygon", "coordinates": [[[12.25, 57.1], [12.26, 57.1], [12.26, 57.11], [12.25, 57.1]]]}),
                  "stops_json": "[" * 100_000 + "]" * 100_000}
    assert client.post("/leader/walks/new", data=deep_stops).status_code == 200
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Walk)) == 0


# --- the phone's clock --------------------------------------------------------------------------


@pytest.mark.parametrize("taken", ["1970-01-01T00:00:00Z", "2000-01-01T12:00:00+01:00", "2099-06-01T10:00:00Z"])
def test_a_wrong_phone_clock_keeps_the_pin_with_our_time(app, client, walk, token, taken):
    before = utcnow().replace(microsecond=0)
    resp = client.post(f"/api/v1/walks/{walk}/pins", json=json_pin(taken_at=taken), headers=auth(token))
    assert resp.status_code == 201, resp.get_json()
    pin = resp.get_json()
    assert pin["clock_unreliable"] is True
    received = dt.datetime.fromisoformat(pin["taken_at"].replace("Z", ""))
    assert before <= received <= utcnow() + dt.timedelta(seconds=1)


def test_a_right_clock_is_believed(client, walk, token):
    taken = (utcnow() - dt.timedelta(minutes=20)).replace(microsecond=0)
    resp = client.post(f"/api/v1/walks/{walk}/pins", json=json_pin(taken_at=taken.isoformat() + "Z"), headers=auth(token))
    assert resp.get_json()["clock_unreliable"] is False and resp.get_json()["taken_at"] == taken.isoformat() + "Z"


def _close(app, code, opened_ago_h=2.0, closed_ago_h=0.5):
    from walkapp.locations import cluster_walk

    with app.app_context():
        walk = db.session.scalar(select(Walk).where(Walk.join_code == code))
        walk.starts_at = utcnow() - dt.timedelta(hours=opened_ago_h + 3)  # planned earlier than it opened
        walk.opened_at = utcnow() - dt.timedelta(hours=opened_ago_h)
        walk.status, walk.closed_at = "closed", utcnow() - dt.timedelta(hours=closed_ago_h)
        cluster_walk(walk)
        db.session.commit()


@pytest.mark.parametrize(("taken_ago_h", "status"), [
    (1.0, 201),     # made while the walk was open, arrives after closing
    (2.5, 409),     # before the leader opened it (after the planned start): not a pin of this walk
    (0.25, 409),    # after closing
])
def test_late_pins_must_be_made_while_the_walk_was_open(app, client, walk, token, taken_ago_h, status):
    _close(app, walk)
    taken = (utcnow() - dt.timedelta(hours=taken_ago_h)).isoformat() + "Z"
    resp = client.post(f"/api/v1/walks/{walk}/pins", json=json_pin(taken_at=taken), headers=auth(token))
    assert resp.status_code == status, resp.get_json()


def test_a_late_pin_from_a_wrong_clock_is_refused_not_lost_silently(app, client, walk, token):
    _close(app, walk)
    resp = client.post(f"/api/v1/walks/{walk}/pins", json=json_pin(taken_at="1970-01-01T00:00:00Z"), headers=auth(token))
    assert resp.status_code == 409 and resp.get_json()["error"] == "walk_closed"


# --- retries, empty changes, the order of checks ------------------------------------------------


def test_a_reused_client_id_with_another_body_is_a_409(app, client, walk, token, make_pin):
    first = make_pin(walk, token, client_id="retry-123456", comment="Mörkt")
    assert first.status_code == 201
    again = make_pin(walk, token, client_id="retry-123456", comment="Mörkt", taken_at=None)
    assert again.status_code == 409 and again.get_json()["error"] == "client_id_reused"
    assert pin_count(app) == 1
    with app.app_context():
        assert db.session.scalar(select(Pin.comment)) == "Mörkt"


def test_an_exact_retry_is_a_200_with_the_same_pin(client, walk, token):
    body = json_pin(comment="Samma")
    first = client.post(f"/api/v1/walks/{walk}/pins", json=body, headers=auth(token))
    again = client.post(f"/api/v1/walks/{walk}/pins", json=body, headers=auth(token))
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.get_json()["id"] == again.get_json()["id"]


@pytest.mark.parametrize("body", [{}, {"unknown": 1}])
def test_an_empty_patch_is_a_400_and_changes_nothing(app, client, walk, token, make_pin, body):
    pin = make_pin(walk, token).get_json()
    resp = client.patch(f"/api/v1/pins/{pin['id']}", json=body, headers=auth(token))
    assert resp.status_code == 400 and resp.get_json()["error"] == "nothing_to_change"
    assert client.get(f"/api/v1/walks/{walk}/pins", headers=auth(token)).get_json()["pins"][0]["updated_at"] == pin["updated_at"]


@pytest.mark.parametrize("method", ["patch", "delete"])
def test_the_token_is_checked_before_the_pin_is_looked_up(client, walk, token, make_pin, method):
    pin = make_pin(walk, token).get_json()
    for pin_id in (pin["id"], 999999):
        resp = getattr(client, method)(f"/api/v1/pins/{pin_id}", json={"rating": 1})
        assert resp.status_code == 401 and resp.get_json()["error"] == "token_missing"
        resp = getattr(client, method)(f"/api/v1/pins/{pin_id}", json={"rating": 1}, headers=auth("not-a-token"))
        assert resp.status_code == 401


def test_a_photo_in_json_is_refused(app, client, walk, token):
    resp = client.post(f"/api/v1/walks/{walk}/pins", json=json_pin(photo="aGVq"), headers=auth(token))
    assert resp.status_code == 400 and resp.get_json()["field"] == "photo"
    assert pin_count(app) == 0


# --- text hygiene -------------------------------------------------------------------------------

DIRTY = "Mörk\x00t\x1b[31m \u202egpj.exe\u202c och\u2066 dolt\u2069 \u200bhär\ufeff\x7f\x85slut\r\nrad två\tflik 👩\u200d🚒 ❤\ufe0f e\u0301"
CLEAN = "Mörkt[31m gpj.exe och dolt här\nslut\nrad två\tflik 👩\u200d🚒 ❤\ufe0f é"


def test_participant_text_is_cleaned_where_it_enters(app, client, walk, token, make_pin):
    multipart = make_pin(walk, token, comment=DIRTY).get_json()
    as_json = client.post(f"/api/v1/walks/{walk}/pins", json=json_pin(comment=DIRTY), headers=auth(token)).get_json()
    assert multipart["comment"] == CLEAN and as_json["comment"] == CLEAN
    described = make_pin(walk, token, lat=None, lon=None, accuracy_m=None, place_description=DIRTY).get_json()
    assert described["place_description"] == CLEAN


def test_staff_text_is_cleaned_where_it_enters(app, client, login_as, make_walk):
    from tests.factories import arrange, location_ids
    from walkapp.models import ResponsibleParty

    walk_id = arrange(app, make_walk, [{}])
    loc = location_ids(app, walk_id)[0]
    login_as("planner")
    client.post(f"/planner/locations/{loc}", data={"public_note": DIRTY, "proposed_action": DIRTY})
    client.post("/planner/responsible", data={"name": "Gatu\u202eavdelningen\x00"})
    with app.app_context():
        location = db.session.get(Location, loc)
        assert location.public_note == CLEAN and location.proposed_action == CLEAN
        assert db.session.scalar(select(ResponsibleParty.name)) == "Gatuavdelningen"


@given(st.text())
def test_clean_is_idempotent_and_leaves_no_controls(raw):
    out = text_module.clean(raw)
    assert text_module.clean(out) == out
    assert not any(ord(c) < 0x20 and c not in "\n\t" for c in out)
    assert not any(0x7F <= ord(c) <= 0x9F for c in out)
    assert not any(c in out for c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200b\ufeff")
    assert "\r" not in out
