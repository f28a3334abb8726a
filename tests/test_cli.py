"""The command line: staff accounts and the demo."""

from __future__ import annotations

from shapely.geometry import Point
from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from walkapp.extensions import db
from walkapp.models import Photo, Pin, User, Walk


def test_users_create_reads_password_from_stdin(app, runner):
    result = runner.invoke(args=["users", "create", "Lina@Example.org", "--role", "leader", "--password-stdin"],
                           input="ett långt lösenord\n")
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(select(User))
        assert (user.email, user.role) == ("Lina@Example.org", "leader")
        assert check_password_hash(user.password_hash, "ett långt lösenord")


def test_users_create_prompts_for_password(app, runner):
    result = runner.invoke(args=["users", "create", "per@example.org", "--role", "planner"],
                           input="hemligt-lösen\nhemligt-lösen\n")
    assert result.exit_code == 0, result.output
    assert "hemligt" not in result.output


def test_users_create_refuses_duplicates_short_passwords_and_bad_roles(app, runner):
    ok = ["users", "create", "a@example.org", "--role", "admin", "--password-stdin"]
    assert runner.invoke(args=ok, input="0123456789\n").exit_code == 0
    assert runner.invoke(args=ok, input="0123456789\n").exit_code != 0
    short = runner.invoke(args=["users", "create", "b@example.org", "--role", "admin", "--password-stdin"], input="kort\n")
    assert short.exit_code != 0 and "at least" in short.output
    bad = runner.invoke(args=["users", "create", "c@example.org", "--role", "king", "--password-stdin"], input="0123456789\n")
    assert bad.exit_code != 0
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_demo_loads_once_and_prints_logins_once(app, runner):
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    assert "ledare@example.org" in first.output and "/j/MTPNKT" in first.output
    with app.app_context():
        walk = db.session.scalar(select(Walk))
        pins = db.session.scalars(select(Pin)).all()
        photos = db.session.scalar(select(func.count()).select_from(Photo))
        participants = {p.participant_id for p in pins}
        assert walk.status == "open" and walk.title == "Trygghetsvandring runt Mittpunkten"
        assert 50 <= len(pins) <= 80 and len(participants) == 12
        assert {p.rating for p in pins} == {1, 2, 3, 4}
        assert len({c for p in pins for c in p.categories}) >= 8
        assert photos == 12
        assert all(walk.area.covers(Point(p.lon, p.lat)) for p in pins)
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0 and "already loaded" in second.output
    assert "ledare@example.org" not in second.output
    password = next(line.split()[2] for line in first.output.splitlines() if "ledare@example.org" in line)
    shown = runner.invoke(args=["demo", "--show-logins"])
    assert "already loaded" in shown.output and password in shown.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Pin)) == len(pins)
        assert db.session.scalar(select(func.count()).select_from(User)) == 3


def test_demo_join_link_works_with_the_api(app, runner, client):
    runner.invoke(args=["demo"])
    resp = client.post("/api/v1/walks/MTPNKT/participants")
    assert resp.status_code == 201
