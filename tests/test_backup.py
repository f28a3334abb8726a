"""`flask backup` and `flask restore`: a walk with photos, moderation and planners' decisions is backed
up while the app runs and restored into a fresh instance (new database, new photo store) that shows the
same pins, the same photos through the access-checked route, and the same decisions.

SQLite with the upload folder runs everywhere; PostgreSQL (pg_dump) with an S3 bucket needs the test
server (WALKAPP_TEST_DATABASE_URL) and is marked `postgres`.
"""

from __future__ import annotations

import contextlib
import json
import shutil

import pytest
from flask_migrate import upgrade
from sqlalchemy import select

from tests import photo_samples
from tests.conftest import log_in, skip_unless_ci
from tests.instances import AWS_ENV, StandInS3, fresh_database
from walkapp import backup, create_app
from walkapp.extensions import db
from walkapp.models import AuditEvent, Location, Photo, Pin, User, Walk


@pytest.fixture(scope="module")
def s3():
    """An S3 server for the module; each instance gets a bucket of its own."""
    server = StandInS3().start()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request, monkeypatch):
    """SQLite and the upload folder, or PostgreSQL and an S3 bucket."""
    if request.param == "postgres":
        if shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
            skip_unless_ci("PostgreSQL's client programs (pg_dump, pg_restore) are not installed")
        for name, value in AWS_ENV.items():
            monkeypatch.setenv(name, value)
    return request.param


@pytest.fixture
def new_instance(backend, tmp_path, request):
    """new_instance("name") → the settings of an instance with an empty, migrated database of its own."""
    stack = contextlib.ExitStack()

    def make(name: str, migrate: bool = True) -> dict:
        config = {"TESTING": True, "SECRET_KEY": "test-secret", "WTF_CSRF_ENABLED": False,
                  "RATELIMIT_ENABLED": False, "TILE_URL": "/test-tiles/{z}/{x}/{y}.png",
                  "DEMO_LOGINS_PATH": str(tmp_path / f"{name}-logins.txt"),
                  "UPLOAD_DIR": str(tmp_path / f"{name}-uploads")}
        if backend == "sqlite":
            config["DATABASE_URL"] = "sqlite:///" + str(tmp_path / f"{name}.sqlite")
        else:
            s3 = request.getfixturevalue("s3")
            config["DATABASE_URL"] = stack.enter_context(fresh_database("walkapp_backup"))
            config.update(PHOTO_STORAGE=f"s3://{s3.new_bucket()}/photos", S3_ENDPOINT_URL=s3.url)
        if migrate:
            instance = create_app(config)
            with instance.app_context():
                upgrade()
                db.engine.dispose()
        return config

    with stack:
        yield make


@pytest.fixture
def app_config(new_instance):
    """The instance the conftest's `app`, `client` and factories work on."""
    return new_instance("source")


def _decided_walk(app, client, make_walk, make_user, join, make_pin) -> int:
    """Through the app's own routes: pins with photos from two phones, one pin hidden by the leader,
    the walk closed and published, a planner's decision on a place; returns the walk's id."""
    leader = make_user("leader")
    log_in(client, leader)
    code = make_walk(leader=leader)
    first, second = join(code), join(code)
    photo = photo_samples.camera_jpeg(width=1200, height=900)
    pins = [make_pin(code, first, photo=photo, comment="Mörk tunnel"),
            make_pin(code, second, photo=photo_samples.camera_jpeg(width=900, height=1200, orientation=1),
                     comment="Tunneln igen"),
            make_pin(code, second, lat="57.1080", comment="Buskar vid parken", rating="1")]
    assert [p.status_code for p in pins] == [201, 201, 201]
    hidden = pins[2].get_json()["id"]
    assert client.post(f"/leader/pins/{hidden}/hide", data={"reason": "Namnger en person"}).status_code == 302
    with app.app_context():
        walk_id = db.session.scalar(select(Walk.id).where(Walk.join_code == code))
    assert client.post(f"/leader/walks/{walk_id}/status", data={"status": "closed"}).status_code == 302
    assert client.post(f"/leader/walks/{walk_id}/publish", data={"publish": "1"}).status_code == 302
    planner = app.test_client()
    log_in(planner, make_user("planner"))
    with app.app_context():
        place = db.session.scalar(select(Pin.location_id).where(Pin.id == pins[0].get_json()["id"]))
    assert planner.post(f"/planner/locations/{place}", data={
        "status": "atgardas_ej", "status_reason": "Marken är Trafikverkets",
        "proposed_action": "Ny belysning i tunneln"}).status_code == 302
    return walk_id


def _state(app) -> dict:
    """Everything a user could tell apart: pins, photos, places and their decisions, the audit log."""
    def rows(model, *skip):
        columns = [c.name for c in model.__table__.columns if c.name not in skip]
        return [{c: getattr(row, c) for c in columns}
                for row in db.session.scalars(select(model).order_by(model.id))]

    with app.app_context():
        return {"pins": rows(Pin), "photos": rows(Photo), "locations": rows(Location), "walks": rows(Walk),
                "audit": rows(AuditEvent), "users": rows(User)}


def _photos_seen_by(app, user_id: int, pin_ids: list[int]) -> dict[int, bytes]:
    """The full-size photos a staff member gets through /photos/…, by pin."""
    client = app.test_client()
    with app.app_context():
        log_in(client, db.session.get(User, user_id))
    seen = {}
    for pin_id in pin_ids:
        with client.get(f"/photos/{pin_id}/full.jpg") as resp:
            assert resp.status_code == 200, pin_id
            seen[pin_id] = resp.data
    return seen


def test_a_restored_instance_has_the_same_pins_photos_and_decisions(app, client, runner, make_walk, make_user,
                                                                     join, make_pin, new_instance, tmp_path):
    walk_id = _decided_walk(app, client, make_walk, make_user, join, make_pin)
    before = _state(app)
    assert any(p["hidden"] for p in before["pins"]) and len(before["photos"]) == 2
    assert {loc["status"] for loc in before["locations"]} >= {"atgardas_ej"}
    assert {"pin_hide", "walk_closed", "walk_published", "location_status"} <= {a["action"] for a in before["audit"]}
    with app.app_context():
        leader_id = db.session.get(Walk, walk_id).created_by_id
    photo_pins = [p["pin_id"] for p in before["photos"]]
    photos_before = _photos_seen_by(app, leader_id, photo_pins)

    dest = tmp_path / "backup-1"
    result = runner.invoke(args=["backup", str(dest)])
    assert result.exit_code == 0, result.output
    manifest = json.loads((dest / "manifest.json").read_text())
    assert manifest["counts"]["pins"] == 3 and manifest["counts"]["photos"] == 2
    assert len([name for name in manifest["files"] if name.startswith("photos/")]) == 4  # full + thumb each

    fresh = create_app(new_instance("restored"))
    result = fresh.test_cli_runner().invoke(args=["restore", str(dest)])
    assert result.exit_code == 0, result.output
    assert "Restored" in result.output
    with fresh.app_context():
        upgrade()  # as the procedure says: nothing to do when the versions match
        db.engine.dispose()

    assert _state(fresh) == before
    assert _photos_seen_by(fresh, leader_id, photo_pins) == photos_before
    # The restored store is the new one, not the old: nothing shared but the backup folder.
    old, new = app.extensions["walkapp_photo_store"], fresh.extensions["walkapp_photo_store"]
    assert sorted(new.names()) == sorted(old.names()) and len(list(new.names())) == 4
    with fresh.app_context():
        db.engine.dispose()


def test_restore_refuses_an_instance_that_holds_data(app, runner, make_user, tmp_path):
    make_user("leader")
    dest = tmp_path / "backup"
    assert runner.invoke(args=["backup", str(dest)]).exit_code == 0
    result = runner.invoke(args=["restore", str(dest)])
    assert result.exit_code != 0 and "already holds data" in result.output


def test_backup_wants_a_new_folder(app, runner, tmp_path):
    dest = tmp_path / "used"
    dest.mkdir()
    (dest / "something").write_text("x")
    result = runner.invoke(args=["backup", str(dest)])
    assert result.exit_code != 0 and "not empty" in result.output


@pytest.mark.parametrize("damage", ["photo", "database", "manifest", "thumbnail"])
def test_a_damaged_backup_is_refused_and_changes_nothing(app, client, runner, make_walk, join, make_pin,
                                                         new_instance, tmp_path, damage):
    code = make_walk()
    assert make_pin(code, join(code), photo=photo_samples.camera_jpeg(width=800, height=600)).status_code == 201
    dest = tmp_path / "backup"
    assert runner.invoke(args=["backup", str(dest)]).exit_code == 0
    if damage == "photo":
        victim = next((dest / "photos").rglob("*.thumb.jpg"))
        victim.write_bytes(victim.read_bytes()[:-10])
    elif damage == "database":
        victim = next(dest.glob("database.*"))
        with open(victim, "ab") as f:
            f.write(b"\0")
    elif damage == "thumbnail":  # gone, and the manifest altered to match
        victim = next((dest / "photos").rglob("*.thumb.jpg"))
        victim.unlink()
        manifest = json.loads((dest / "manifest.json").read_text())
        del manifest["files"][victim.relative_to(dest).as_posix()]
        (dest / "manifest.json").write_text(json.dumps(manifest))
    else:
        (dest / "manifest.json").unlink()
    fresh = create_app(new_instance("restored"))
    result = fresh.test_cli_runner().invoke(args=["restore", str(dest)])
    assert result.exit_code != 0
    assert {"photo": "damaged", "database": "damaged", "manifest": "did not finish",
            "thumbnail": "with its thumbnail"}[damage] in result.output
    with fresh.app_context():
        assert db.session.scalar(select(Pin.id)) is None
        assert list(fresh.extensions["walkapp_photo_store"].names()) == []
        db.session.remove()
        db.engine.dispose()


def test_restore_into_a_database_without_tables(app, client, runner, make_walk, join, make_pin, new_instance,
                                                tmp_path):
    code = make_walk()
    pin = make_pin(code, join(code), comment="Cykeltunneln").get_json()
    dest = tmp_path / "backup"
    assert runner.invoke(args=["backup", str(dest)]).exit_code == 0
    fresh = create_app(new_instance("restored", migrate=False))  # createdb, or a SQLite file not there yet
    result = fresh.test_cli_runner().invoke(args=["restore", str(dest)])
    assert result.exit_code == 0, result.output
    with fresh.app_context():
        upgrade()
        assert db.session.get(Pin, pin["id"]).comment == "Cykeltunneln"
        db.session.remove()
        db.engine.dispose()


def test_the_manifest_names_the_photos_by_their_store_names(tmp_path):
    manifest = backup.Manifest(database="sqlite", revision="r", created_at="now", counts={"pins": 1},
                               files={"database.sqlite": "0" * 64, "photos/ab/" + "a" * 64 + ".jpg": "1" * 64})
    assert manifest.photo_names() == ["ab/" + "a" * 64 + ".jpg"]
    assert "1 pins" in manifest.summary() and "1 photo files" in manifest.summary()
