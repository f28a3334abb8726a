"""After the walk: the leader reviews the proposed locations and publishes them to planners."""

from __future__ import annotations

import json
import math

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import audit, lifecycle, location_facts, locations
from ..extensions import db
from ..models import Location, Pin, utcnow
from ..permissions import leads
from ..staff import led_walk
from ..urls import parse_id
from . import bp
from .live import participant_numbers


def _location_of(walk, location_id: int) -> Location:
    location = db.get_or_404(Location, location_id)
    if not any(p.walk_id == walk.id for p in location.pins):
        abort(404)
    return location


def _chosen_location(walk, field: str) -> Location | None:
    """The location picked in a form field (404 if it is not this walk's), or None when none was picked."""
    location_id = parse_id(request.form.get(field))
    return _location_of(walk, location_id) if location_id is not None else None


def _pin_of(walk, pin_id: int) -> Pin:
    pin = db.get_or_404(Pin, pin_id)
    if pin.walk_id != walk.id:
        abort(404)
    return pin


def _back(walk, location_id: int | None = None):
    anchor = f"#loc-{location_id}" if location_id else ""
    return redirect(url_for("leader.review", walk_id=walk.id) + anchor)


@bp.get("/walks/<id:walk_id>/review")
def review(walk_id: int):
    """The proposed locations, ranked, with their pins, to rename, merge, split and publish."""
    walk = led_walk(walk_id)
    rows = []
    for location in locations.walk_locations(walk):
        # Other walks' pins count in the figures; their words only for those who lead those walks.
        counted = locations.visible_pins(location)
        pins = [p for p in counted if p.walk_id == walk.id or leads(current_user, p.walk)]
        rows.append({
            "location": location,
            "figures": location_facts.figures(locations.voices(counted)),
            "pins": sorted(pins, key=lambda p: (p.rating, p.id)),
            "history": locations.per_walk(location),
        })
    unsafe = [r for r in rows if not r["figures"].only_safe]
    safe = [r for r in rows if r["figures"].only_safe]
    geo = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": json.loads(r["location"].footprint_geojson),
             "properties": {"id": r["location"].id, "n": i + 1, "safe": r["figures"].only_safe}}
            for i, r in enumerate(unsafe + safe) if r["location"].footprint_geojson
        ],
    }
    return render_template("leader/review.html", walk=walk, unsafe=unsafe, safe=safe,
                           unplaced=locations.unplaced_pins(walk), numbers=participant_numbers(walk),
                           area=json.loads(walk.area_geojson), footprints=geo,
                           all_locations=unsafe + safe)


@bp.post("/walks/<id:walk_id>/recluster")
def recluster(walk_id: int):
    """Build the locations again from the pins (staff edits are kept)."""
    walk = led_walk(walk_id)
    report = lifecycle.recluster(walk, current_user)
    db.session.commit()
    flash(report.summary(), "success")
    return _back(walk)


@bp.post("/walks/<id:walk_id>/locations/<id:location_id>")
def edit_location(walk_id: int, location_id: int):
    """Rename a location or write its proposed action."""
    walk = led_walk(walk_id)
    location = _location_of(walk, location_id)
    if "name" in request.form:
        locations.rename(location, request.form["name"], current_user)
    if "proposed_action" in request.form:
        text = request.form["proposed_action"].strip()[:4000] or None
        if text != location.proposed_action:
            audit.record("location_action", current_user, location=location, field="proposed_action",
                         old=location.proposed_action, new=text)
            location.proposed_action = text
    db.session.commit()
    flash(_("Platsen är sparad."), "success")
    return _back(walk, location.id)


@bp.post("/walks/<id:walk_id>/locations/<id:location_id>/merge")
def merge_location(walk_id: int, location_id: int):
    """Merge another location into this one."""
    walk = led_walk(walk_id)
    into = _location_of(walk, location_id)
    other = _chosen_location(walk, "other")
    if other is None:
        flash(_("Välj vilken plats som ska slås ihop med den här."), "error")
        return _back(walk, into.id)
    if not all(leads(current_user, p.walk) for p in other.pins):
        # Its pins from another leader's walk would move too: only someone leading both may do that.
        flash(_("Platsen har punkter från en vandring som du inte leder och kan inte slås ihop här."), "error")
        return _back(walk, into.id)
    try:
        locations.merge(into, other, current_user)
    except locations.MergeRefused as refused:
        names = {"status": _("status"), "responsible_id": _("ansvarig"), "due_date": _("datum för klart senast")}
        flash(_("Platserna har olika beslut (%(what)s) och slås inte ihop, eftersom ett av besluten skulle försvinna. "
                "Be planeraren ändra det ena först.", what=", ".join(names[c] for c in refused.conflicts)), "error")
        return _back(walk, into.id)
    db.session.commit()
    flash(_("Platserna är sammanslagna. Planerarnas beslut finns kvar på platsen."), "success")
    return _back(walk, into.id)


@bp.post("/walks/<id:walk_id>/locations/<id:location_id>/split")
def split_location(walk_id: int, location_id: int):
    """Move the ticked pins to a new location of their own."""
    walk = led_walk(walk_id)
    location = _location_of(walk, location_id)
    chosen = [parse_id(raw) for raw in request.form.getlist("pins")]
    new = locations.split(location, [pin_id for pin_id in chosen if pin_id is not None], current_user, walk)
    if new is None:
        flash(_("Bocka i några (men inte alla) punkter för att dela platsen."), "error")
        return _back(walk, location.id)
    db.session.commit()
    flash(_("Platsen är delad."), "success")
    return _back(walk, new.id)


@bp.post("/walks/<id:walk_id>/pins/<id:pin_id>/move")
def move_pin(walk_id: int, pin_id: int):
    """Put a pin in another location."""
    walk = led_walk(walk_id)
    pin = _pin_of(walk, pin_id)
    target = _chosen_location(walk, "location")
    if target is None:
        flash(_("Välj vilken plats punkten ska flyttas till."), "error")
        return _back(walk, pin.location_id)
    locations.move_pin(pin, target, current_user)
    db.session.commit()
    flash(_("Punkten är flyttad."), "success")
    return _back(walk, target.id)


@bp.post("/walks/<id:walk_id>/pins/<id:pin_id>/place")
def place_pin(walk_id: int, pin_id: int):
    """Give a pin described in words its place on the map, then rebuild the locations."""
    walk = led_walk(walk_id)
    pin = _pin_of(walk, pin_id)
    lat = request.form.get("lat", type=float)
    lon = request.form.get("lon", type=float)
    if (lat is None or lon is None or not (math.isfinite(lat) and math.isfinite(lon))
            or not (-90 <= lat <= 90 and -180 <= lon <= 180) or not locations.distance_from_area_ok(walk, lat, lon)):
        flash(_("Klicka på kartan innanför vandringens område för att placera punkten."), "error")
        return _back(walk)
    locations.place_pin(pin, lat, lon, current_user)
    db.session.flush()
    if walk.status == "closed":
        lifecycle.recluster(walk, current_user)
    db.session.commit()
    flash(_("Punkten är placerad."), "success")
    return _back(walk, pin.location_id)


@bp.post("/walks/<id:walk_id>/publish")
def publish(walk_id: int):
    """Hand the walk's locations to the planners (or take them back)."""
    walk = led_walk(walk_id)
    publish = request.form.get("publish") == "1"
    try:
        if publish:
            lifecycle.publish(walk, current_user)
        else:
            lifecycle.withdraw(walk, current_user)
    except lifecycle.LifecycleRefused as refused:
        db.session.rollback()
        flash(_(refused.message, **refused.params), "error")
        return _back(walk)
    db.session.commit()
    flash(_("Platserna är publicerade för planerarna.") if publish else _("Publiceringen är återkallad."), "success")
    return _back(walk)
