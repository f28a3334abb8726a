"""Open311 GeoReport v2 (docs/open311.md): structure in XML and JSON, every filter, the errors,
the status mapping, and that nothing personal or unpublished leaks."""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET

import pytest
from sqlalchemy import func, select

from tests.factories import arrange, location_ids
from walkapp.extensions import db
from walkapp.models import Location, Participant, Pin, ResponsibleParty, User, utcnow
from walkapp.open311 import georeport

W3C = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$")
BASE = "/open311/v2"


@pytest.fixture
def world(app, make_walk):
    """Public locations (recent and old), one only published to planners, moderated content."""
    old = utcnow() - dt.timedelta(days=200)
    recent = arrange(app, make_walk, [
        {"rating": 1, "categories": ["belysning"], "comment": "Hemlig kommentar om Kalle", "photo": "approved", "person": 0},
        {"dx": 2, "rating": 1, "categories": ["belysning"], "comment": "Dold", "hidden": True, "photo": "approved", "person": 1},
        {"dx": 300, "rating": 2, "categories": ["trafik"], "photo": "pending", "person": 0},
    ], feedback=True, photo_approval=True, title="Höstvandring")
    past = arrange(app, make_walk, [{"dx": -400, "rating": 1, "categories": ["tunnel"], "created_at": old}],
                   feedback=True, when=old, title="Vårvandring")
    internal = arrange(app, make_walk, [{"dx": 800, "rating": 1, "categories": ["ensligt"], "comment": "Intern"}],
                       title="Bara för planerare")
    light, traffic = location_ids(app, recent)
    old_id, internal_id = location_ids(app, past)[0], location_ids(app, internal)[0]
    with app.app_context():
        party = ResponsibleParty(name="Gatuavdelningen", kind="forvaltning")
        db.session.add(party)
        db.session.flush()
        loc = db.session.get(Location, light)
        loc.status, loc.responsible_id, loc.due_date = "skickad", party.id, dt.date(2030, 6, 30)
        loc.name, loc.proposed_action, loc.public_note = "Mörk gångväg vid Åsen", "Ny belysning", "Lampa beställd"
        db.session.get(Location, traffic).status = "atgardad"
        closed = db.session.get(Location, old_id)
        closed.status, closed.status_reason = "atgardas_ej", "Privat mark"
        db.session.commit()
    return {"light": light, "traffic": traffic, "old": old_id, "internal": internal_id}


def get(client, path, **query):
    return client.get(BASE + path, query_string=query)


def requests_json(client, **query):
    resp = get(client, "/requests.json", **query)
    assert resp.status_code == 200, resp.data
    return resp.get_json()


def ids(client, **query) -> set[int]:
    return {int(r["service_request_id"]) for r in requests_json(client, **query)}


@pytest.mark.parametrize("path", ["/discovery", "/services", "/services/belysning", "/requests"])
@pytest.mark.parametrize("fmt, mimetype", [("xml", "text/xml"), ("json", "application/json")])
def test_every_endpoint_answers_both_formats(client, world, path, fmt, mimetype):
    resp = get(client, f"{path}.{fmt}")
    assert resp.status_code == 200
    assert resp.headers["Content-Type"] == f"{mimetype}; charset=utf-8"
    assert resp.headers["Access-Control-Allow-Origin"] == "*"
    if fmt == "xml":
        assert resp.data.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
        root = ET.fromstring(resp.data)
        assert root.tag == {"/discovery": "discovery", "/services": "services", "/services/belysning": "service_definition",
                            "/requests": "service_requests"}[path]
        assert "}" not in root.tag  # no namespace
    else:
        body = json.loads(resp.data)
        assert isinstance(body, list if path in ("/services", "/requests") else dict)


def test_discovery(client, world):
    body = get(client, "/discovery.json").get_json()
    assert set(body) == {"changeset", "contact", "key_service", "endpoints"}
    (endpoint,) = body["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://localhost/open311/v2" and endpoint["type"] in ("production", "test")
    assert endpoint["formats"] == ["text/xml", "application/json"]
    assert W3C.match(body["changeset"]) and endpoint["changeset"] == body["changeset"]
    root = ET.fromstring(get(client, "/discovery.xml").data)
    assert [e.text for e in root.findall("endpoints/endpoint/formats/format")] == endpoint["formats"]
    assert root.findtext("endpoints/endpoint/url") == endpoint["url"]
    assert root.findtext("key_service") == body["key_service"]
    # The url is true: the list lives under it.
    assert get(client, endpoint["url"].removeprefix("http://localhost/open311/v2") + "/services.json").status_code == 200


def test_services(client, world):
    services = get(client, "/services.json").get_json()
    assert {s["service_code"] for s in services} >= {"belysning", "trafik", "tunnel", "annat"}
    for s in services:
        assert isinstance(s["service_code"], str) and s["service_name"] and isinstance(s["description"], str)
        assert s["metadata"] is False and s["type"] in ("realtime", "batch", "blackbox") and s["group"] == "Trygghetsvandring"
    root = ET.fromstring(get(client, "/services.xml").data)
    first = root.find("service")
    assert [c.tag for c in first][:2] == ["service_code", "service_name"] and first.findtext("metadata") == "false"
    names = {e.findtext("service_code"): e.findtext("service_name") for e in root.findall("service")}
    assert names["skymd_sikt"] == "Skymd sikt / växtlighet"  # åäö survive


def test_service_definition(client, world):
    assert get(client, "/services/belysning.json").get_json() == {"service_code": "belysning", "attributes": []}
    root = ET.fromstring(get(client, "/services/belysning.xml").data)
    assert root.findtext("service_code") == "belysning" and root.find("attributes") is not None and len(root.find("attributes")) == 0
    for fmt in ("json", "xml"):
        resp = get(client, f"/services/nosuch.{fmt}")
        assert resp.status_code == 404
    assert get(client, "/services/nosuch.json").get_json()[0]["code"] == 404
    assert ET.fromstring(get(client, "/services/nosuch.xml").data).findtext("error/code") == "404"


def test_requests_have_the_spec_fields(client, world):
    codes = {s["service_code"] for s in get(client, "/services.json").get_json()}
    body = requests_json(client)
    assert {int(r["service_request_id"]) for r in body} == {world["light"], world["traffic"]}
    for r in body:
        assert isinstance(r["service_request_id"], str) and r["status"] in ("open", "closed")
        assert r["service_code"] in codes and r["service_name"] and "description" in r
        assert W3C.match(r["requested_datetime"]) and W3C.match(r["updated_datetime"])
        assert dt.datetime.fromisoformat(r["updated_datetime"]) >= dt.datetime.fromisoformat(r["requested_datetime"])
        assert isinstance(r["lat"], float) and isinstance(r["long"], float)
    light = next(r for r in body if int(r["service_request_id"]) == world["light"])
    assert light["service_code"] == "belysning" and light["status"] == "open"
    # The place's name and its public note; the proposed action is internal and never shown.
    assert light["description"] == "Mörk gångväg vid Åsen\nLampa beställd"
    assert light["agency_responsible"] == "Gatuavdelningen"
    assert light["status_notes"] == "Skickad till ansvarig\nLampa beställd"
    assert light["expected_datetime"] in ("2030-06-30T23:59:59+02:00",)
    assert re.fullmatch(r"http://localhost/photos/\d+/full\.jpg", light["media_url"])
    # Newest first.
    times = [r["requested_datetime"] for r in body]
    assert times == sorted(times, reverse=True)


def test_xml_requests_mirror_json(client, world):
    body = requests_json(client)
    root = ET.fromstring(get(client, "/requests.xml").data)
    assert root.tag == "service_requests"
    xml_rows = [{child.tag: child.text for child in request} for request in root.findall("request")]
    assert [r["service_request_id"] for r in xml_rows] == [r["service_request_id"] for r in body]
    for xml_row, json_row in zip(xml_rows, body):
        assert xml_row == {k: str(v) for k, v in json_row.items()}


def test_nothing_personal_or_unpublished(app, client, world):
    text = "".join(get(client, p).get_data(as_text=True) for p in
                   ("/requests.json", "/requests.xml", f"/requests/{world['light']}.json", "/discovery.json"))
    with app.app_context():
        secrets = [p.token_hash for p in db.session.scalars(select(Participant))]
        secrets += [u.email for u in db.session.scalars(select(User))] + [u.display_name for u in db.session.scalars(select(User))]
        hidden_photo = db.session.scalar(select(Pin.id).where(Pin.comment == "Dold"))
        pending_photo = db.session.scalar(select(Pin.id).where(Pin.categories.is_not(None), Pin.rating == 2))
    for secret in secrets + ["Hemlig kommentar", "Dold", "Intern", f"/photos/{hidden_photo}/", f"/photos/{pending_photo}/"]:
        assert secret not in text, secret
    assert world["internal"] not in ids(client, service_request_id=str(world["internal"]))
    assert get(client, f"/requests/{world['internal']}.json").status_code == 404


@pytest.mark.parametrize("status, expected", list(georeport.STATUS_MAP.items()))
def test_every_status_maps(app, client, world, status, expected):
    with app.app_context():
        location = db.session.get(Location, world["light"])
        location.status, location.status_reason = status, "Skäl" if status == "atgardas_ej" else None
        db.session.commit()
    (row,) = get(client, f"/requests/{world['light']}.json").get_json()
    assert row["status"] == expected


def test_status_filter(client, world):
    assert ids(client, status="open") == {world["light"]}
    assert ids(client, status="closed") == {world["traffic"]}
    assert ids(client, status="open,closed") == {world["light"], world["traffic"]}
    assert ids(client, status="") == {world["light"], world["traffic"]}  # empty counts as absent


def test_service_code_filter(client, world):
    assert ids(client, service_code="belysning") == {world["light"]}
    assert ids(client, service_code="belysning,trafik") == {world["light"], world["traffic"]}
    assert ids(client, service_code="nosuch") == set()
    assert ids(client, service_code="", jurisdiction_id="varberg") == {world["light"], world["traffic"]}


def test_request_id_overrides_every_other_filter(client, world):
    # The old closed location is outside the default window and not open, yet the id returns it.
    assert ids(client, service_request_id=str(world["old"]), status="open", service_code="belysning") == {world["old"]}
    assert ids(client, service_request_id=f"{world['old']},{world['light']},999999") == {world["old"], world["light"]}


def test_date_window(client, world):
    now = utcnow()
    assert world["old"] not in ids(client)  # default: the last 90 days
    start = (now - dt.timedelta(days=210)).strftime("%Y-%m-%dT%H:%M:%SZ")
    end = (now - dt.timedelta(days=130)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert ids(client, start_date=start, end_date=end) == {world["old"]}
    assert ids(client, start_date=start) == {world["old"]}  # start + 90 days
    assert ids(client, end_date=end) == {world["old"]}  # end − 90 days
    # A decoded "+" (a space) is tolerated.
    local = (now - dt.timedelta(days=1)).replace(tzinfo=dt.UTC).astimezone(georeport.local_zone())
    assert ids(client, start_date=local.strftime("%Y-%m-%dT%H:%M:%S") + " " + local.strftime("%z")[1:3] + ":00") \
        == {world["light"], world["traffic"]}


def test_bounds_are_inclusive(app, client, world):
    with app.app_context():
        pins = db.session.scalars(select(Pin).where(Pin.location_id == world["light"])).all()
        stamp = min(p.created_at for p in pins).replace(microsecond=0)
        for pin in pins:
            pin.created_at = stamp
        db.session.commit()
    exact = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert world["light"] in ids(client, start_date=exact, end_date=exact)


@pytest.mark.parametrize("query", [
    {"start_date": "igår"}, {"end_date": "2024-13-40T00:00:00Z"}, {"status": "pending"},
    {"start_date": "2024-01-01T00:00:00Z", "end_date": "2024-06-01T00:00:00Z"},
    {"start_date": "2024-06-01T00:00:00Z", "end_date": "2024-01-01T00:00:00Z"},
])
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_bad_parameters_are_400_with_an_error_body(client, world, query, fmt):
    resp = get(client, f"/requests.{fmt}", **query)
    assert resp.status_code == 400
    if fmt == "json":
        (error,) = resp.get_json()
        assert error["code"] == 400 and error["description"]
    else:
        root = ET.fromstring(resp.data)
        assert root.tag == "errors" and root.findtext("error/code") == "400" and root.findtext("error/description")


def test_single_request(client, world):
    (row,) = get(client, f"/requests/{world['old']}.json").get_json()
    assert row["service_request_id"] == str(world["old"]) and row["status"] == "closed"
    assert row["status_notes"] == "Åtgärdas ej: Privat mark"
    root = ET.fromstring(get(client, f"/requests/{world['old']}.xml").data)
    assert root.tag == "service_requests" and len(root.findall("request")) == 1
    for path in ("/requests/999999.json", "/requests/abc.json", "/requests/999999.xml"):
        resp = get(client, path)
        assert resp.status_code == 404
    assert get(client, "/requests/999999.json").get_json()[0]["code"] == 404


@pytest.mark.parametrize("path", ["/requests.yaml", "/discovery.html", "/services/belysning.txt", "/nothing.json", "/requests"])
def test_unknown_format_or_path_is_404(client, world, path):
    resp = get(client, path)
    assert resp.status_code == 404
    assert resp.headers["Content-Type"].endswith("charset=utf-8")


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_post_is_refused_and_changes_nothing(app, client, world, fmt):
    app.config["WTF_CSRF_ENABLED"] = True
    with app.app_context():
        before = db.session.scalar(select(func.count()).select_from(Location))
    resp = client.post(f"{BASE}/requests.{fmt}", data={"service_code": "belysning", "lat": "57.1", "long": "12.25",
                                                       "description": "Nytt ärende"})
    assert resp.status_code == 403
    if fmt == "json":
        assert resp.get_json()[0]["code"] == 403
    else:
        assert ET.fromstring(resp.data).findtext("error/code") == "403"
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Location)) == before


def test_at_most_a_thousand(monkeypatch):
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    many = [georeport.ServiceRequest(i, "belysning", "Belysning", "open", "", now.replace(tzinfo=None) - dt.timedelta(minutes=i),
                                     now.replace(tzinfo=None), 57.1, 12.2) for i in range(1200)]
    chosen = georeport.Query.parse({}, now).select(many)
    assert len(chosen) == 1000 and chosen[0].id == 0
