"""Exports: the CSV dialect (parsed back like a spreadsheet would), formula neutralising, and the
GeoJSON (RFC 7946) compared with the database."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from sqlalchemy import select

from tests.factories import arrange, location_ids
from walkapp import exports
from walkapp.extensions import db
from walkapp.models import Location, Participant, Pin, ResponsibleParty

NASTY = 'Semikolon; "citat" och\nny rad – åäö ÅÄÖ'


@pytest.mark.parametrize("text, expected", [
    ("=1+1", "'=1+1"), ("+46 70", "'+46 70"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"),
    ("\r=cmd", "'\r=cmd"), ("Mörkt", "Mörkt"), ("a=b", "a=b"), ("", ""),
])
def test_neutralise(text, expected):
    assert exports.neutralise(text) == expected


@pytest.mark.parametrize("value, expected", [
    (None, ""), (3, "3"), (57.105812, "57,105812"), (1.5, "1,5"), (2.0, "2"), (0.0, "0"),
    (dt.date(2025, 6, 30), "2025-06-30"), (dt.datetime(2025, 6, 30, 18, 5), "2025-06-30 18:05"), ("=HYPERLINK()", "'=HYPERLINK()"),
])
def test_cells(value, expected):
    assert exports.cell(value) == expected


def test_csv_dialect_round_trip():
    body = exports.csv_bytes(["Plats", "Kommentar"], [["Tunneln", NASTY], ["=cmd|' /C calc'!A0", "-1"]])
    assert body.startswith(b"\xef\xbb\xbf")
    text = body.decode("utf-8-sig")
    assert "\r\n" in text
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert rows == [["Plats", "Kommentar"], ["Tunneln", NASTY], ["'=cmd|' /C calc'!A0", "'-1"]]


@pytest.fixture
def exported(app, make_walk):
    walk = arrange(app, make_walk, [
        {"rating": 1, "categories": ["belysning"], "comment": NASTY, "person": 0},
        {"dx": 2, "rating": 2, "categories": ["belysning", "tunnel"], "comment": "=HYPERLINK(\"http://x\")", "person": 1},
        {"dx": 1, "rating": 1, "comment": "Dold", "hidden": True, "person": 2},
        {"dx": 400, "rating": 3, "categories": ["trafik"], "comment": "Lugnt", "person": 0},
    ])
    first_id = location_ids(app, walk)[0]
    with app.app_context():
        party = ResponsibleParty(name="Gatuavdelningen – Väg & Park", kind="forvaltning")
        db.session.add(party)
        db.session.flush()
        first = db.session.get(Location, first_id)
        first.status, first.responsible_id, first.due_date = "planerad", party.id, dt.date(2030, 5, 1)
        first.proposed_action = "Ny belysning; klipp buskar"
        first.public_note = "Beställt"
        db.session.commit()
    return walk


def _db_locations(app, walk):
    ids = location_ids(app, walk)
    with app.app_context():
        return {loc.id: {"name": loc.name, "status": loc.status, "lat": loc.lat, "lon": loc.lon,
                         "responsible": loc.responsible.name if loc.responsible else None,
                         "due": loc.due_date, "action": loc.proposed_action, "priority": loc.priority,
                         "comments": sorted(p.comment for p in loc.pins if p.comment and not p.hidden)}
                for loc in db.session.scalars(select(Location).where(Location.id.in_(ids)))}


def test_csv_export_matches_the_database(app, client, login_as, exported):
    login_as("planner")
    resp = client.get("/planner/export.csv")
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    assert resp.headers["Content-Disposition"].startswith("attachment;")
    assert resp.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(resp.data.decode("utf-8-sig"), newline=""), delimiter=";"))
    expected = _db_locations(app, exported)
    assert {int(r["Id"]) for r in rows} == set(expected)
    for row in rows:
        loc = expected[int(row["Id"])]
        assert row["Plats"] == loc["name"]
        assert row["Ansvarig"] == (loc["responsible"] or "")
        assert row["Klart senast"] == (loc["due"].isoformat() if loc["due"] else "")
        assert row["Förslag på åtgärd"] == (loc["action"] or "")
        assert float(row["Prioritet"].replace(",", ".")) == pytest.approx(loc["priority"], abs=1e-6)
        assert float(row["Latitud"].replace(",", ".")) == pytest.approx(loc["lat"], abs=1e-6)
        cell = row["Ungdomarnas kommentarer"]
        assert "Dold" not in cell
        # Every visible comment survives whole (semicolons, quotes, line breaks, åäö), neutralised.
        for comment in loc["comments"]:
            assert exports.neutralise(comment) in cell
        assert len(cell) == len("\n".join(exports.neutralise(c) for c in loc["comments"]))
    first = next(r for r in rows if r["Status"] == "Planerad")
    assert NASTY in first["Ungdomarnas kommentarer"]
    assert "'=HYPERLINK(\"http://x\")" in first["Ungdomarnas kommentarer"]


def test_csv_export_follows_the_filters(app, client, login_as, exported):
    login_as("planner")
    rows = list(csv.DictReader(io.StringIO(client.get("/planner/export.csv?status=planerad").data.decode("utf-8-sig"),
                                           newline=""), delimiter=";"))
    assert [r["Status"] for r in rows] == ["Planerad"]


def test_geojson_export_is_rfc7946_without_personal_data(app, client, login_as, exported):
    login_as("planner")
    resp = client.get("/planner/export.geojson")
    assert resp.status_code == 200 and resp.mimetype == "application/geo+json"
    doc = json.loads(resp.data)
    assert doc["type"] == "FeatureCollection" and "crs" not in doc
    expected = _db_locations(app, exported)
    assert {f["id"] for f in doc["features"]} == set(expected)
    for feature in doc["features"]:
        loc = expected[feature["id"]]
        assert feature["type"] == "Feature" and feature["geometry"]["type"] == "Point"
        lon, lat = feature["geometry"]["coordinates"]
        assert (lat, lon) == (pytest.approx(loc["lat"], abs=1e-6), pytest.approx(loc["lon"], abs=1e-6))
        props = feature["properties"]
        assert props["name"] == loc["name"] and props["status"] == loc["status"]
        assert props["responsible"] == loc["responsible"]
        assert props["due_date"] == (loc["due"].isoformat() if loc["due"] else None)
    text = resp.data.decode()
    with app.app_context():
        secrets = [p.token_hash for p in db.session.scalars(select(Participant))]
        comments = [p.comment for p in db.session.scalars(select(Pin)) if p.comment]
    for secret in secrets + comments + ["participant", "comment", "user"]:
        assert secret not in text, secret
