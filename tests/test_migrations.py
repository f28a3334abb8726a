"""`flask db upgrade` builds from nothing exactly the schema the models describe."""

from __future__ import annotations

import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, text

from walkapp import create_app
from walkapp.extensions import db
from tests.conftest import PG_URL, skip_unless_ci


def _upgrade_and_compare(url: str) -> list:
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": url})
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), db.metadata)
        downgrade(revision="base")
        with db.engine.connect() as conn:
            left = set(db.inspect(conn).get_table_names()) - {"alembic_version"}
        db.engine.dispose()
    assert not left, f"downgrade left tables: {left}"
    return diff


def test_upgrade_on_sqlite_matches_models(tmp_path):
    assert _upgrade_and_compare("sqlite:///" + str(tmp_path / "m.sqlite")) == []


@pytest.mark.postgres
def test_upgrade_on_postgresql_matches_models():
    if not PG_URL:
        skip_unless_ci("WALKAPP_TEST_DATABASE_URL is not set")
    name = "walkapp_migrations_" + uuid.uuid4().hex[:8]
    admin = create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    try:
        url = PG_URL.rsplit("/", 1)[0] + "/" + name
        assert _upgrade_and_compare(url) == []
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE {name} WITH (FORCE)"))
        admin.dispose()


def _convert_swedish_rows(url: str) -> tuple[list, list]:
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": url})
    with app.app_context():
        upgrade(revision="e5f7a9b1c3d4")
        with db.engine.begin() as conn:
            for i, (name, edited, reasons) in enumerate([
                ("Trafik – 120 m norr om Stopp 1", False, "7 av 12 deltagare, mest Mycket otryggt, i mörker"),
                ("Tryggt: Belysning – plats 2", False, "3 av 5 deltagare, bara trygga svar"),
                ("Tunneln vid skolan", True, "1 av 3 deltagare, mest Ganska otryggt"),
                ("Något annat", False, "okänd text"),
            ], start=1):
                conn.execute(text("INSERT INTO locations (id, name, name_edited, lat, lon, status, priority, "
                                  "priority_reasons, created_at, updated_at) VALUES (:id, :name, :edited, 57.1, 12.2, "
                                  "'ny', 10, :reasons, '2026-01-01 00:00:00', '2026-01-01 00:00:00')"),
                             {"id": i, "name": name, "edited": edited, "reasons": reasons})
            conn.execute(text("INSERT INTO audit_events (created_at, action, note) VALUES ('2026-01-01 00:00:00', "
                              "'walk_clustered', '5 punkter blev 2 platser (nya: 2). En punkt saknar plats på kartan "
                              "och behöver placeras.')"))
        upgrade()
        with db.engine.connect() as conn:
            places = conn.execute(text("SELECT name_facts, priority_facts FROM locations ORDER BY id")).all()
            notes = conn.execute(text("SELECT note FROM audit_events")).scalars().all()
        downgrade(revision="e5f7a9b1c3d4")
        with db.engine.connect() as conn:
            notes += conn.execute(text("SELECT note FROM audit_events")).scalars().all()
        downgrade(revision="base")
        db.engine.dispose()
    return places, notes


def _facts(value):
    import json
    return json.loads(value) if isinstance(value, str) else value


def test_upgrade_converts_swedish_reasons_names_and_summaries(tmp_path):
    """Rows written as Swedish text get their facts; what cannot be read keeps its text (facts NULL)."""
    import json
    places, notes = _convert_swedish_rows("sqlite:///" + str(tmp_path / "c.sqlite"))
    names = [_facts(n) for n, _p in places]
    reasons = [_facts(p) for _n, p in places]
    assert names[0] == {"category": "trafik", "label": "Trafik", "safe": False, "number": 1, "where": "near",
                        "stop": "Stopp 1", "distance_m": 120, "direction": "n"}
    assert names[1] == {"category": "belysning", "label": "Belysning", "safe": True, "number": 2, "where": "number"}
    assert names[2] is None and names[3] is None  # staff's own name; a name that cannot be read
    assert reasons[:3] == [{"people": 7, "walkers": 12, "rating": 1, "light": "morker"},
                           {"people": 3, "walkers": 5, "only_safe": True},
                           {"people": 1, "walkers": 3, "rating": 2, "light": None}]
    assert reasons[3] is None
    assert json.loads(notes[0]) == {"pins": 5, "locations": 2, "new": 2, "joined_earlier": 0, "unplaced": 1}
    assert notes[1] == "5 punkter blev 2 platser (nya: 2). En punkt saknar plats på kartan och behöver placeras."


@pytest.mark.postgres
def test_upgrade_converts_swedish_rows_on_postgresql():
    if not PG_URL:
        skip_unless_ci("WALKAPP_TEST_DATABASE_URL is not set")
    name = "walkapp_migrations_" + uuid.uuid4().hex[:8]
    admin = create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    try:
        places, notes = _convert_swedish_rows(PG_URL.rsplit("/", 1)[0] + "/" + name)
        assert _facts(places[0][1]) == {"people": 7, "walkers": 12, "rating": 1, "light": "morker"}
        assert _facts(places[0][0])["direction"] == "n" and places[3] == (None, None)
        assert notes[1].startswith("5 punkter blev 2 platser")
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE {name} WITH (FORCE)"))
        admin.dispose()
