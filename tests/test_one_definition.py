"""Each concept is defined once (walkapp/vocab.py) and everything else derives from it: no other file
writes the rating colours, the rating numbers' meaning or the status keys, and what is derived
(CSS, the browser's constants, CHECK constraints, Open311, the feedback steps) follows the definition."""

from __future__ import annotations

import pathlib
import re

import pytest
from sqlalchemy import text

from walkapp import maps, vocab
from walkapp.open311 import georeport

ROOT = pathlib.Path(__file__).resolve().parent.parent
SOURCES = [p for folder in ("walkapp", "templates", "static/css", "static/js") for p in (ROOT / folder).rglob("*")
           if p.suffix in (".py", ".html", ".js", ".css") and p.name != "vocab.py" and "vendor" not in p.parts]


@pytest.mark.parametrize("needle", [r.colour for r in vocab.RATING_SCALE])
def test_rating_colours_are_written_only_in_vocab(needle):
    found = [str(p.relative_to(ROOT)) for p in SOURCES if needle.lower() in p.read_text(errors="ignore").lower()]
    assert not found, f"{needle} is written in {found}; take it from walkapp/vocab.py"


def test_status_colours_are_given_only_in_vocab():
    found = [str(p.relative_to(ROOT)) for p in SOURCES if p.suffix == ".css" and re.search(r"\.st-\w+\s*\{", p.read_text())]
    assert not found


@pytest.mark.parametrize("key", [s.key for s in vocab.LOCATION_STATUS_SCALE if s.key != "ny"])
def test_status_keys_are_written_only_in_vocab(key):
    pattern = re.compile(rf"""["'.-]{key}\b""")
    found = [str(p.relative_to(ROOT)) for p in SOURCES if pattern.search(p.read_text(errors="ignore"))]
    assert not found, f"status {key!r} is written in {found}; use vocab.LOCATION_STATUS"


def test_the_rating_numbers_are_not_spelled_out_elsewhere():
    offenders = []
    for p in SOURCES:
        body = p.read_text(errors="ignore")
        if re.search(r"\(4 - \w+\.rating\)|rating BETWEEN 1 AND 4|RATINGS\[[1-4]\]", body):
            offenders.append(str(p.relative_to(ROOT)))
    assert not offenders


def test_pages_get_the_colours_from_the_definition(client):
    for url in ("/", "/login"):  # a phone page, a staff page
        page = client.get(url).get_data(as_text=True)
        for r in vocab.RATING_SCALE:
            assert f"--r{r.value}:{r.colour}" in page and f".r{r.value}," in page
    staff = client.get("/login").get_data(as_text=True)
    for s in vocab.LOCATION_STATUS_SCALE:
        assert f".st-{s.key}{{background:{s.colour}}}" in staff


def test_derived_values_follow_the_definition():
    assert maps.HEAT_WEIGHTS == {r.value: r.heat for r in vocab.RATING_SCALE if r.heat}
    assert georeport.STATUS_MAP == {s.key: s.open311 for s in vocab.LOCATION_STATUS_SCALE}
    assert vocab.STATUS_STEPS == tuple(s.key for s in vocab.LOCATION_STATUS_SCALE if s.step)
    assert vocab.browser_scales()["ratings"]["1"]["colour"] == vocab.RATING[1].colour


def test_the_database_refuses_a_rating_outside_the_scale(app, make_walk, join, make_pin):
    from sqlalchemy.exc import IntegrityError

    from walkapp.extensions import db

    code = make_walk()
    make_pin(code, join(code))
    with app.app_context():
        with pytest.raises(IntegrityError):
            db.session.execute(text("UPDATE pins SET rating = :r"), {"r": max(vocab.RATINGS) + 1})
            db.session.commit()
        db.session.rollback()


AUDIENCES = ("admin", "leader", "planner", "participant", "open311", "party")


def test_audiences_share_through_the_core_never_through_each_other():
    import ast

    crossings = []
    for audience in AUDIENCES:
        for path in (ROOT / "walkapp" / audience).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.ImportFrom) and node.level >= 2:
                    target = (node.module or "").split(".")[0]
                    names = [a.name for a in node.names] if not node.module else [target]
                    for name in names:
                        if name in AUDIENCES and name != audience or name == "cli":
                            crossings.append(f"{path.relative_to(ROOT)} imports {name}")
    assert not crossings, crossings
