"""Retention: old walks lose photos and words, keep their locations and figures."""

from __future__ import annotations

import datetime as dt
import os

import pytest

from sqlalchemy import func, select

from tests import photo_samples
from walkapp.extensions import db
from walkapp.locations import cluster_walk
from walkapp.models import Location, Photo, Pin, Walk, utcnow


def test_retention_deletes_photos_and_comments_of_old_walks_only(app, runner, make_walk, join, make_pin):
    old, recent = make_walk(title="Gammal"), make_walk(title="Ny")
    for code in (old, recent):
        token = join(code)
        make_pin(code, token, comment="Mörkt här", photo=photo_samples.png_bytes())
        make_pin(code, token, lat=None, lon=None, place_description="Vid kiosken")
    with app.app_context():
        for walk in db.session.scalars(select(Walk)):
            walk.status = "closed"
            walk.closed_at = utcnow() - dt.timedelta(days=400 if walk.title == "Gammal" else 10)
            cluster_walk(walk)
        db.session.commit()
        locations_before = db.session.scalar(select(func.count()).select_from(Location))
    result = runner.invoke(args=["retention", "--days", "365"])
    assert result.exit_code == 0 and "1 photos, 2 comments and 1 tokens deleted from 1 walks" in result.output
    with app.app_context():
        old_pins = db.session.scalars(select(Pin).join(Walk).where(Walk.title == "Gammal")).all()
        assert all(p.comment is None and p.place_description is None and p.photo is None for p in old_pins)
        assert all(p.rating == 2 for p in old_pins)
        new_pins = db.session.scalars(select(Pin).join(Walk).where(Walk.title == "Ny")).all()
        assert any(p.comment for p in new_pins) and any(p.photo for p in new_pins)
        assert db.session.scalar(select(func.count()).select_from(Photo)) == 1
        assert db.session.scalar(select(func.count()).select_from(Location)) == locations_before
    files = [f for _, _, fs in os.walk(app.config["UPLOAD_DIR"]) for f in fs]
    assert len(files) == 2  # the recent walk's photo and its thumbnail


def test_a_walk_left_open_is_purged_too(app, runner, make_walk, join, make_pin):
    code = make_walk(title="Glömd")
    make_pin(code, join(code), comment="Gammal kommentar", photo=photo_samples.png_bytes())
    with app.app_context():
        db.session.scalar(select(Walk)).created_at = utcnow() - dt.timedelta(days=400)
        db.session.commit()
    assert "1 photos, 1 comments and 1 tokens deleted from 1 walks" in runner.invoke(args=["retention", "--days", "365"]).output


# --- per kind, dry run, audit -------------------------------------------------------------------


def _old_walk_with_everything(app, make_walk, join, make_pin, client, days_ago=400):
    """A walk closed `days_ago` days ago: two phones, a pin with words and a photo, a redacted one, an agreement."""
    from walkapp.models import Agreement, Participant

    code = make_walk(title="Gammal", share_pins=True)
    token, other = join(code), join(code)
    first = make_pin(code, token, comment="Mörkt här", photo=photo_samples.png_bytes()).get_json()
    make_pin(code, token, lat=None, lon=None, place_description="Vid kiosken", comment=None)
    with app.app_context():
        walk = db.session.scalar(select(Walk).where(Walk.join_code == code))
        pin = db.session.get(Pin, first["id"])
        pin.comment_original, pin.comment = pin.comment, "Mörkt [borttaget]"
        db.session.add(Agreement(walk_id=walk.id, pin_id=pin.id, client_id="a1", comment="Håller med",
                                 participant_id=db.session.scalar(select(Participant.id).where(
                                     Participant.id != pin.participant_id, Participant.walk_id == walk.id))))
        walk.status = "closed"
        walk.closed_at = utcnow() - dt.timedelta(days=days_ago)
        db.session.commit()
        return walk.id, (token, other), pin.photo.sha256


def _state(app, walk_id):
    from walkapp.models import Agreement, AuditEvent, Participant

    with app.app_context():
        pins = db.session.scalars(select(Pin).where(Pin.walk_id == walk_id)).all()
        return {
            "photos": db.session.scalar(select(func.count()).select_from(Photo).join(Pin).where(Pin.walk_id == walk_id)),
            "words": sum(bool(p.comment or p.comment_original or p.place_description) for p in pins),
            "agreement_words": db.session.scalar(select(func.count()).select_from(Agreement).where(
                Agreement.walk_id == walk_id, Agreement.comment.is_not(None))),
            "tokens": db.session.scalar(select(func.count()).select_from(Participant).where(
                Participant.walk_id == walk_id, Participant.token_hash.not_like("gallrad:%"))),
            "pins": len(pins),
            "audit": [(e.action, e.new_value, e.note) for e in db.session.scalars(
                select(AuditEvent).where(AuditEvent.walk_id == walk_id, AuditEvent.action.like("retention%"))
                .order_by(AuditEvent.id))],
        }


def _stored(app, sha):
    return app.extensions["walkapp_photo_store"].exists(sha)


def test_dry_run_lists_per_walk_and_changes_nothing(app, runner, client, make_walk, join, make_pin):
    walk_id, tokens, sha = _old_walk_with_everything(app, make_walk, join, make_pin, client)
    before = _state(app, walk_id)
    result = runner.invoke(args=["retention", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert f"Walk {walk_id} (Gammal): 1 photos, 3 comments, 2 tokens would be deleted." in result.output
    assert "Dry run: 1 photos, 3 comments and 2 tokens would be deleted from 1 walks." in result.output
    assert _state(app, walk_id) == before and before["audit"] == [] and _stored(app, sha)
    assert client.get(f"/api/v1/walks/{make_walk_code(app, walk_id)}/pins",
                      headers={"Authorization": f"Bearer {tokens[0]}"}).status_code == 200


def make_walk_code(app, walk_id):
    with app.app_context():
        return db.session.get(Walk, walk_id).join_code


@pytest.mark.parametrize("kind", ["photos", "comments", "tokens"])
def test_a_real_run_deletes_exactly_the_kinds_past_their_period(app, runner, client, make_walk, join, make_pin, kind):
    walk_id, tokens, sha = _old_walk_with_everything(app, make_walk, join, make_pin, client, days_ago=100)
    app.config.update({"RETENTION_DAYS": 365, "RETENTION_TOKENS_DAYS": 365, f"RETENTION_{kind.upper()}_DAYS": 30})
    result = runner.invoke(args=["retention"])
    assert result.exit_code == 0, result.output
    after = _state(app, walk_id)
    expected = {"photos": 1, "comments": 3, "tokens": 2}[kind]
    assert after["audit"] == [(f"retention_{kind}", str(expected), "30 dagar")]
    assert after["pins"] == 2
    assert (after["photos"] == 0) == (kind == "photos") and _stored(app, sha) == (kind != "photos")
    assert (after["words"] == after["agreement_words"] == 0) == (kind == "comments")
    assert (after["tokens"] == 0) == (kind == "tokens")
    # The phone's session ends with its token; otherwise it still works.
    status = client.get(f"/api/v1/walks/{make_walk_code(app, walk_id)}/pins",
                        headers={"Authorization": f"Bearer {tokens[0]}"}).status_code
    assert (status == 401) == (kind == "tokens")
    # Run again: nothing left of that kind, no new audit entry.
    runner.invoke(args=["retention"])
    assert _state(app, walk_id)["audit"] == after["audit"]


def test_zero_keeps_a_kind_and_days_overrides_every_kind(app, runner, client, make_walk, join, make_pin):
    walk_id, _, sha = _old_walk_with_everything(app, make_walk, join, make_pin, client, days_ago=100)
    app.config.update(RETENTION_DAYS=0, RETENTION_TOKENS_DAYS=0)
    assert "0 photos, 0 comments and 0 tokens deleted from 0 walks" in runner.invoke(args=["retention"]).output
    result = runner.invoke(args=["retention", "--days", "50"])
    assert "photos 50 days, comments 50 days, tokens 50 days" in result.output
    assert "1 photos, 3 comments and 2 tokens deleted from 1 walks" in result.output
    assert {a for a, _, note in _state(app, walk_id)["audit"]} == {"retention_photos", "retention_comments", "retention_tokens"}


@pytest.mark.parametrize(("settings", "days", "expected"), [
    ({"RETENTION_DAYS": 365, "RETENTION_TOKENS_DAYS": 90}, None, {"photos": 365, "comments": 365, "tokens": 90}),
    ({"RETENTION_DAYS": 365, "RETENTION_PHOTOS_DAYS": 30, "RETENTION_COMMENTS_DAYS": 0, "RETENTION_TOKENS_DAYS": 7},
     None, {"photos": 30, "comments": None, "tokens": 7}),
    ({"RETENTION_DAYS": 0, "RETENTION_TOKENS_DAYS": 0}, None, {"photos": None, "comments": None, "tokens": None}),
    ({"RETENTION_DAYS": 365, "RETENTION_TOKENS_DAYS": 90}, 10, {"photos": 10, "comments": 10, "tokens": 10}),
    ({"RETENTION_DAYS": 365}, 0, {"photos": None, "comments": None, "tokens": None}),
])
def test_periods_from_the_settings(settings, days, expected):
    from walkapp.retention import periods

    assert periods(settings, days) == expected


def test_the_audit_log_says_what_retention_deleted(app):
    from walkapp import audit_text
    from walkapp.models import AuditEvent

    with app.test_request_context():
        entries = audit_text.describe([AuditEvent(action="retention_photos", new_value="3", note="365 dagar"),
                                       AuditEvent(action="retention_tokens", new_value="1", note="90 dagar")])
        assert [(e.what, e.note, e.new) for e in entries] == [
            ("Gallrade 3 foton", "Efter 365 dagar", ""), ("Kopplade bort en deltagares telefon", "Efter 90 dagar", "")]
