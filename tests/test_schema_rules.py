"""The rules live in the database too: a program that bypasses Python still cannot break them."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from walkapp.extensions import db


def _insert_pin(ids, **overrides):
    row = {"walk_id": ids[0], "participant_id": ids[1], "user_id": None, "client_id": "abcdefgh-1",
           "lat": 57.1, "lon": 12.25, "rating": 2, "categories": "[]", "unplaced": False, "hidden": False,
           "location_locked": False, "created_at": "2026-11-26 18:00:00", "updated_at": "2026-11-26 18:00:00"}
    row.update(overrides)
    cols = ", ".join(row)
    db.session.execute(text(f"INSERT INTO pins ({cols}) VALUES ({', '.join(':' + c for c in row)})"), row)
    db.session.commit()


@pytest.fixture
def ids(app, make_walk, join):
    code = make_walk()
    join(code)
    with app.app_context():
        walk_id = db.session.execute(text("SELECT id FROM walks")).scalar()
        participant_id = db.session.execute(text("SELECT id FROM participants")).scalar()
    return walk_id, participant_id


@pytest.mark.parametrize(
    "overrides",
    [
        {"rating": 0},
        {"rating": 5},
        {"lat": 95.0},
        {"light": "natt"},
        {"participant_id": None},
        {"walk_id": 999999},
        {"accuracy_m": -1.0},
    ],
    ids=["rating 0", "rating 5", "lat 95", "unknown light", "no author", "no such walk", "negative accuracy"],
)
def test_database_refuses_broken_pins(app, ids, overrides):
    with app.app_context():
        with pytest.raises(IntegrityError):
            _insert_pin(ids, **overrides)
        db.session.rollback()


def test_client_id_is_unique_per_walk(app, ids):
    with app.app_context():
        _insert_pin(ids)
        with pytest.raises(IntegrityError):
            _insert_pin(ids)
        db.session.rollback()


@pytest.mark.parametrize(
    ("sql", "params"),
    [
        ("UPDATE walks SET status = 'paused'", {}),
        ("UPDATE walks SET join_code = 'ABC'", {}),
        ("INSERT INTO users (email, display_name, password_hash, role, active, created_at) "
         "VALUES ('x@example.org', 'x', 'h', 'king', true, '2026-01-01')", {}),
    ],
    ids=["walk status", "join code length", "user role"],
)
def test_database_refuses_unknown_states(app, ids, sql, params):
    with app.app_context():
        with pytest.raises(IntegrityError):
            db.session.execute(text(sql), params)
            db.session.commit()
        db.session.rollback()
