"""No text anybody writes ever reaches a template compiler.

folium/branca compile each element's rendered script as Jinja source (see walkapp/maps.py), so a
participant's "{{ 7*7 }}" once came out as 49 on the planners' map and "{% raw %}" broke it. Here every
free text a participant or staff member can write holds template syntax, and every page, map, export
and API answer is opened as every kind of visitor: nothing is evaluated, nothing breaks.
"""

from __future__ import annotations

import ast
import pathlib

import pytest
from sqlalchemy import String, Text, select
from werkzeug.routing import AnyConverter, IntegerConverter, PathConverter

from tests.conftest import log_in
from tests.factories import arrange, location_ids
from walkapp.extensions import db
from walkapp.models import AuditEvent, Location, Pin, ResponsibleParty, User, Walk, utcnow

# 6 * 111111 is a number no page shows by chance; 7 * 7 is what the report found.
EVALUATED = "666666"


def payloads(marker: pathlib.Path) -> list[str]:
    """Template syntax of every kind, one that would create `marker` if it ever ran."""
    return [
        "{{ 6*111111 }} och {{7*7}}",
        "{% raw %} mörkt",
        "{# en kommentar utan slut",
        "{{ cycler.__init__.__globals__.os.makedirs('%s') }}" % marker,
        "{%- for x in range(3) %}x{% endfor %}{{ config }}",
        "}}{{ %} {%%} ${7*7} #{7*7}",
    ]


# Columns that hold keys, codes, hashes or addresses rather than words people write.
NOT_FREE_TEXT = {
    "users.email", "users.password_hash", "users.role", "walks.join_code", "walks.status", "walks.light",
    "walks.area_geojson", "participants.token_hash", "locations.status", "locations.footprint_geojson",
    "pins.client_id", "pins.light", "photos.sha256", "audit_events.action", "audit_events.field",
}


def free_text_columns():
    """Every String/Text column of the model that a person types, found by reflection."""
    for mapper in db.Model.registry.mappers:
        table = mapper.local_table
        for column in table.columns:
            name = f"{table.name}.{column.name}"
            if isinstance(column.type, (String, Text)) and name not in NOT_FREE_TEXT and not column.foreign_keys:
                yield mapper.class_, column


@pytest.fixture
def hostile_world(app, client, make_user, make_walk, join, make_pin, tmp_path):
    """A published walk whose every free text (participants' and staff's) is template syntax."""
    marker = tmp_path / "pwned"
    texts = payloads(marker)
    people = {role: make_user(role) for role in ("leader", "planner", "admin")}
    # Participants write through the API, as a phone does.
    code = make_walk(leader=people["leader"], status="open")
    token = join(code)
    for i, text in enumerate(texts):
        resp = make_pin(code, token, comment=text)
        assert resp.status_code == 201, resp.get_json()
        resp = make_pin(code, token, lat=None, lon=None, accuracy_m=None, place_description=texts[-1 - i])
        assert resp.status_code == 201, resp.get_json()
    walk_id = arrange(app, make_walk, [{"comment": t, "photo": "approved", "dx": 40 * i} for i, t in enumerate(texts)],
                      feedback=True)
    with app.app_context():
        from walkapp.locations import cluster_walk

        walk = db.session.scalar(select(Walk).where(Walk.join_code == code))
        walk.status, walk.closed_at = "closed", utcnow()
        cluster_walk(walk)
        walk.published_at = walk.feedback_published_at = utcnow()
        db.session.add(ResponsibleParty(name=texts[0], kind=texts[1]))
        db.session.add(AuditEvent(action="pin_hidden", note=texts[2], walk_id=walk.id))
        db.session.flush()
        # Staff write everything else: set every free-text column, whatever its form, to template syntax.
        n = 0
        for model, column in free_text_columns():
            for row in db.session.scalars(select(model)):
                if column.name == "status_reason" and getattr(row, "status", None) != "atgardas_ej":
                    row.status = "atgardas_ej"
                limit = getattr(column.type, "length", None)
                setattr(row, column.key, texts[n % len(texts)][:limit] if limit else texts[n % len(texts)])
                n += 1
        for w in db.session.scalars(select(Walk)):
            w.stops = [{"name": texts[i], "lat": w.center_lat + 0.0005 * i, "lon": w.center_lon} for i in range(3)]
            w.categories = [{"key": "belysning", "label": texts[0]}, {"key": "egen", "label": texts[3]}]
        loc = db.session.scalars(select(Location)).first()
        loc.status = "atgardas_ej"
        db.session.commit()
        ids = {
            "walk_id": walk.id,
            "pin_id": db.session.scalar(select(Pin.id).where(Pin.walk_id == walk.id)),
            "location_id": loc.id,
            "party_id": db.session.scalar(select(ResponsibleParty.id)),
            "user_id": people["planner"].id,
            "request_id": loc.id,
            "other_walk_id": walk_id,
        }
    return {"people": people, "token": token, "code": code, "ids": ids, "marker": marker, "texts": texts}


def _urls(app, world) -> list[str]:
    """Every GET address of the app, with the world's ids filled in."""
    from flask import url_for

    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        values = {}
        for name, converter in rule._converters.items():
            if isinstance(converter, AnyConverter):
                values[name] = sorted(converter.items)[0] if hasattr(converter, "items") else converter.regex.split("|")[0]
            elif isinstance(converter, IntegerConverter) or name.endswith("_id"):
                values[name] = world["ids"][name]
            elif isinstance(converter, PathConverter):
                values[name] = "x"
            elif name == "join_code":
                values[name] = world["code"]
            elif name == "lang":
                values[name] = "en"
            else:
                values[name] = {"fmt": "json", "code": "belysning"}.get(name, "x")
        with app.test_request_context():
            urls.append(url_for(rule.endpoint, **values))
    walk = world["ids"]["walk_id"]
    urls += [f"/planner/walks/{world['ids']['other_walk_id']}/protocol", f"/j/{world['code']}",
             "/open311/v2/requests.xml", f"/open311/v2/requests/{world['ids']['location_id']}.xml",
             "/planner/map?layers=pins,heat", f"/leader/walks/{walk}/feed?since=2000-01-01T00:00:00Z"]
    return urls


@pytest.mark.parametrize("persona", ["anonymous", "participant", "leader", "planner", "admin"])
def test_no_text_is_evaluated_on_any_page(app, hostile_world, persona):
    world = hostile_world
    client = app.test_client()
    headers = {"Authorization": f"Bearer {world['token']}"} if persona == "participant" else {}
    if persona in world["people"]:
        log_in(client, world["people"][persona])
    seen_literal = False
    for url in _urls(app, world):
        resp = client.get(url, headers=headers)
        body = resp.get_data(as_text=True)
        assert resp.status_code < 500, (persona, url, resp.status_code)
        assert EVALUATED not in body, (persona, url)
        seen_literal = seen_literal or "{{ 6*111111 }}" in body or "{{ 6*111111 }}" in body.replace("\\u0020", " ")
        resp.close()
    assert not world["marker"].exists(), "template syntax ran on the server"
    if persona != "anonymous":
        assert seen_literal, f"{persona} should see the text as written somewhere"


def test_findings_map_carries_the_text_as_written(app, hostile_world):
    """The planners' map shows every comment literally: fetched as JSON when a popup opens, never
    inside folium's script."""
    import json
    import re

    client = app.test_client()
    log_in(client, hostile_world["people"]["planner"])
    html = client.get("/planner/map?layers=pins").get_data(as_text=True)
    islands = dict(re.findall(r'<script type="application/json" id="([\w-]+)">(.*?)</script>', html, re.S))
    pins = next(p for p in map(json.loads, islands.values()) if "heatWeights" in p)
    comments = set()
    for row in pins["rows"]:
        if row[5]:
            resp = client.get(pins["wordsUrl"].replace("{id}", str(row[2])))
            assert resp.status_code == 200, (pins["wordsUrl"], row, resp.status_code, resp.headers.get("Location"))
            comments.add(resp.get_json()["comment"])
    assert set(hostile_world["texts"]) <= comments
    scripts = re.findall(r"<script nonce=\"[^\"]+\">(.*?)</script>", html, re.S)
    assert scripts and not any("6*111111" in s or "raw" in s for s in scripts)


# --- the class of bug, by reading the code ------------------------------------------------------

COMPILERS = {"Template", "from_string", "render_template_string", "Element", "Environment"}
# The one template we compile ourselves: ScriptLayer's macro, which prints only generated names.
ALLOWED = {("walkapp/maps.py", "Template")}


def test_no_template_compiler_in_the_app_but_the_reviewed_one():
    root = pathlib.Path(__file__).resolve().parent.parent
    found = set()
    for path in (root / "walkapp").rglob("*.py"):
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
                owner = getattr(func.value, "id", None) if isinstance(func, ast.Attribute) else None
                if name in COMPILERS and owner not in ("ET",):  # xml.etree elements are not templates
                    found.add((str(path.relative_to(root)), name))
    assert found == ALLOWED, found
