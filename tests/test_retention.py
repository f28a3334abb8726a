"""Retention: old walks lose photos and words, keep their locations and figures."""

from __future__ import annotations

import datetime as dt
import os

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
    assert result.exit_code == 0 and "1 photos and 2 comments deleted from 1 walks" in result.output
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
    assert "1 photos and 1 comments deleted from 1 walks" in runner.invoke(args=["retention", "--days", "365"]).output
