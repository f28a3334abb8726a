"""Fixtures: a fresh app and database per test, a client, a CLI runner, and small factories.

The database is SQLite in a temporary folder, or PostgreSQL when WALKAPP_TEST_DATABASE_URL is set
(the same tests run against both). In CI (CI=1) a test that would be skipped fails instead.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import uuid

import pytest
from flask.testing import FlaskClient
from sqlalchemy import text
from werkzeug.datastructures import FileStorage
from werkzeug.security import generate_password_hash
from werkzeug.test import encode_multipart

from walkapp import create_app, geo
from walkapp.extensions import db
from walkapp.models import User, Walk, utcnow
from walkapp.walks import new_join_code, set_area

VARBERG = (57.1057, 12.2502)
PG_URL = os.environ.get("WALKAPP_TEST_DATABASE_URL")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
PASSWORD = "korrekt-häst-batteri"


def skip_unless_ci(reason: str):
    """Skip with a reason on a developer machine; fail in CI, where nothing may be skipped."""
    if IN_CI:
        pytest.fail("not allowed to skip in CI: " + reason)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def password_hash():
    """One real password hash for every test user (hashing is deliberately slow)."""
    return generate_password_hash(PASSWORD)


@pytest.fixture(scope="session")
def _pg_schema():
    """Build the schema in the PostgreSQL test database once per session."""
    if not PG_URL:
        yield None
        return
    app = create_app({"TESTING": True, "SECRET_KEY": "t", "DATABASE_URL": PG_URL})
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        db.create_all()
        db.engine.dispose()
    yield PG_URL


def _clean_environment(monkeypatch):
    for name in list(os.environ):
        if name.startswith("WALKAPP_") and name != "WALKAPP_TEST_DATABASE_URL":
            monkeypatch.delenv(name)


@pytest.fixture
def app_config(tmp_path, _pg_schema):
    """The test configuration; tests may change it before asking for `app`."""
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "DATABASE_URL": _pg_schema or "sqlite:///" + str(tmp_path / "test.sqlite"),
        "UPLOAD_DIR": str(tmp_path / "uploads"),
        # Not the checkout's instance/assets (built by `make run`): tests that want a build make their own.
        "ASSETS_DIR": str(tmp_path / "assets"),
        "DEMO_LOGINS_PATH": str(tmp_path / "demo-logins.txt"),
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "TILE_URL": "/test-tiles/{z}/{x}/{y}.png",
    }


class BufferedClient(FlaskClient):
    """A test client that reads every response to its end and closes it, as a WSGI server does: a
    streamed download (CSV, GeoJSON) otherwise keeps its request, and a database connection, open."""

    def open(self, *args, **kwargs):
        kwargs.setdefault("buffered", True)
        return super().open(*args, **kwargs)


@pytest.fixture
def app(app_config, monkeypatch):
    """A fresh app with an empty database."""
    _clean_environment(monkeypatch)
    app = create_app(app_config)
    app.test_client_class = BufferedClient
    with app.app_context():
        if app_config["DATABASE_URL"].startswith("sqlite"):
            db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        if db.engine.dialect.name == "postgresql":
            tables = ", ".join(t.name for t in db.metadata.sorted_tables)
            with db.engine.begin() as conn:
                conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_user(app, password_hash):
    """Create a staff user: make_user('leader') → User (detached id usable)."""

    def make(role: str = "leader", email: str | None = None, active: bool = True) -> User:
        with app.app_context():
            user = User(email=email or f"{role}-{uuid.uuid4().hex[:8]}@example.org", display_name=role.title(),
                        role=role, password_hash=password_hash, active=active)
            db.session.add(user)
            db.session.commit()
            db.session.refresh(user)
            db.session.expunge(user)
            return user

    return make


def log_in(client, user: User) -> None:
    """Give the test client the session a completed login (password and, if any, code) would give."""
    import time

    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
        session["login_at"] = session["seen_at"] = int(time.time())


@pytest.fixture
def login_as(client, make_user):
    """Log the test client in as a new user of that role; returns the user."""

    def login(role: str = "leader", user: User | None = None) -> User:
        user = user or make_user(role)
        log_in(client, user)
        return user

    return login


@pytest.fixture
def make_walk(app):
    """Create a walk around Varberg: make_walk(status='open', share_pins=True, …) → its join code."""

    def make(status: str = "open", radius_m: float = 600, stops=None, leader: User | None = None, **fields) -> str:
        with app.app_context():
            if status != "draft":
                fields.setdefault("opened_at", utcnow() - dt.timedelta(hours=3))
            walk = Walk(title=fields.pop("title", "Testvandring"), join_code=new_join_code(), status=status,
                        stops=stops if stops is not None else [{"name": "Stopp 1", "lat": VARBERG[0] + 0.001, "lon": VARBERG[1]}],
                        created_by_id=leader.id if leader else None, **fields)
            set_area(walk, geo.circle_area(*VARBERG, radius_m))
            if leader is not None:
                walk.staff.append(db.session.get(User, leader.id))
            db.session.add(walk)
            db.session.commit()
            return walk.join_code

    return make


@pytest.fixture
def join(client):
    """Join a walk through the API; returns the token."""

    def do(code: str) -> str:
        resp = client.post(f"/api/v1/walks/{code}/participants")
        assert resp.status_code == 201, resp.get_json()
        return resp.get_json()["token"]

    return do


# One phone time for the whole session, so a retry of the same pin sends the same fields.
TAKEN_AT = (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)).isoformat(timespec="seconds")


def pin_form(**overrides) -> dict:
    """A valid pin as a phone sends it (multipart fields); override or drop (None) any field."""
    form = {
        "client_id": str(uuid.uuid4()),
        "lat": str(VARBERG[0]),
        "lon": str(VARBERG[1]),
        "accuracy_m": "8",
        "rating": "2",
        "categories": ["belysning", "skymd_sikt"],
        "comment": "Mörkt och buskigt",
        "light": "skymning",
        "taken_at": TAKEN_AT,
    }
    form.update(overrides)
    return {k: v for k, v in form.items() if v is not None}


@pytest.fixture
def make_pin(client):
    """POST a pin; returns the response. photo=bytes attaches a file."""

    def post(code: str, token: str, photo: bytes | None = None, filename: str = "IMG_0001.jpg", **fields):
        data = pin_form(**fields)
        if photo is not None:
            data["photo"] = FileStorage(io.BytesIO(photo), filename, content_type="image/jpeg")
        # Encoded in memory: the test client's own encoder spools big bodies to a temporary file
        # that it never closes when the server refuses the request early.
        boundary, body = encode_multipart(data)
        return client.post(f"/api/v1/walks/{code}/pins", data=body, headers={"Authorization": f"Bearer {token}"},
                           content_type=f"multipart/form-data; boundary={boundary}")

    return post


def pytest_sessionfinish(session, exitstatus):
    """In CI any skipped test fails the run, whatever skipped it."""
    if not IN_CI:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped:
        reporter.write_line(f"CI: {len(skipped)} test(s) were skipped; nothing may be skipped in CI.", red=True)
        session.exitstatus = 1
