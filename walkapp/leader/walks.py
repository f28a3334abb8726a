"""Planning walks: the list, create and edit, and moving a walk through draft → open → closed."""

from __future__ import annotations

import json

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import case, func, select

from .. import audit, follow_up, lifecycle, tiles, vocab
from ..extensions import db
from ..models import Participant, Photo, Pin, User, Walk, utcnow
from ..staff import led_walk
from ..walks import give_new_code, new_join_code, set_area
from . import bp
from wtforms.fields.choices import SelectChoice

from .forms import WalkForm, local_input_value, parsed_stops

def visible_walks_query():
    """The walks the current user may run: all for admins, their own or shared for leaders."""
    query = select(Walk).order_by(Walk.starts_at.desc().nullslast(), Walk.id.desc())
    if current_user.role != "admin":
        query = query.where((Walk.created_by_id == current_user.id) | Walk.staff.any(User.id == current_user.id))
    return query


@bp.get("/")
def walks():
    """List the walks you lead, newest first, with their pin counts."""
    walks = db.session.scalars(visible_walks_query()).all()
    counts = dict(db.session.execute(
        select(Pin.walk_id, func.count()).where(Pin.walk_id.in_([w.id for w in walks])).group_by(Pin.walk_id)
    ).all())
    return render_template("leader/walks.html", walks=walks, counts=counts)


@bp.route("/walks/new", methods=["GET", "POST"])
def new_walk():
    """Plan a new walk: area, stops, categories and switches."""
    form = WalkForm()
    form.co_leaders.choices = _leader_choices()
    if request.method == "GET":
        form.center_lat.data, form.center_lon.data = _default_center()
    if form.validate_on_submit():
        walk = Walk(join_code=new_join_code(), created_by_id=current_user.id, status="draft")
        walk.staff.append(db.session.get(User, current_user.id))
        _apply(form, walk)
        db.session.add(walk)
        db.session.flush()
        audit.record("walk_created", current_user, walk=walk, new=walk.title)
        db.session.commit()
        flash(_("Vandringen är skapad. Koden är %(code)s.", code=walk.join_code), "success")
        return redirect(url_for("leader.walk", walk_id=walk.id))
    return render_template("leader/walk_form.html", form=form, walk=None, default_center=_default_center())


@bp.route("/walks/<id:walk_id>/edit", methods=["GET", "POST"])
def edit_walk(walk_id: int):
    """Change a walk's plan."""
    walk = led_walk(walk_id)
    form = WalkForm(obj=walk)
    form.co_leaders.choices = _leader_choices(walk)
    if request.method == "GET":
        _fill(form, walk)
    if form.validate_on_submit():
        in_use = _categories_in_use(walk) - {c["key"] for c in form.chosen_categories()}
        if in_use:
            form.categories.errors = [_("Kategorier som redan har punkter kan inte tas bort: %(keys)s",
                                        keys=", ".join(sorted(in_use)))]
        else:
            _apply(form, walk)
            audit.record("walk_edited", current_user, walk=walk)
            db.session.commit()
            flash(_("Ändringarna är sparade."), "success")
            return redirect(url_for("leader.walk", walk_id=walk.id))
    return render_template("leader/walk_form.html", form=form, walk=walk, default_center=_default_center())


@bp.get("/walks/<id:walk_id>")
def walk(walk_id: int):
    """A walk's overview: status, code, figures, and what to do next."""
    walk = led_walk(walk_id)
    figures = walk_figures(walk)
    offline = tiles.offline_plan(walk.area_geojson)
    offline_size = format_decimal(offline.tiles * tiles.typical_tile_bytes() / 1e6, "#,##0.#") + " MB" if offline else ""
    return render_template("leader/walk.html", walk=walk, figures=figures, transitions=lifecycle.next_states(walk),
                           offline=offline, offline_size=offline_size)


@bp.post("/walks/<id:walk_id>/follow-up")
def new_follow_up(walk_id: int):
    """Start planning a follow-up walk: the same area, this walk's places as its stops."""
    walk = led_walk(walk_id)
    if walk.status != "closed":
        flash(_("En uppföljningsvandring kan göras när vandringen är avslutad."), "error")
        return redirect(url_for("leader.walk", walk_id=walk.id))
    follow = follow_up.create(walk, current_user, _("Uppföljning: %(title)s", title=walk.title))
    db.session.commit()
    flash(_("Uppföljningsvandringen är skapad som utkast, med platserna från förra gången som stopp. Välj dag och tid."),
          "success")
    return redirect(url_for("leader.edit_walk", walk_id=follow.id))


@bp.get("/walks/<id:walk_id>/status/<any(open, closed, draft):target>")
def confirm_status(walk_id: int, target: str):
    """Before closing, reopening or going back to draft: say what will happen, and ask."""
    walk = led_walk(walk_id)
    if target not in lifecycle.next_states(walk):
        flash(_("Den ändringen går inte att göra nu."), "error")
        return redirect(url_for("leader.walk", walk_id=walk.id))
    return render_template("leader/confirm_status.html", walk=walk, target=target, figures=walk_figures(walk),
                           late_hours=current_app.config["LATE_PIN_HOURS"])


@bp.post("/walks/<id:walk_id>/status")
def change_status(walk_id: int):
    """Open, close or reopen a walk. Closing builds its locations."""
    walk = led_walk(walk_id)
    try:
        report = lifecycle.change_status(walk, request.form.get("status", ""), current_user)
    except lifecycle.LifecycleRefused as refused:
        db.session.rollback()
        flash(_(refused.message, **refused.params), "error")
        return redirect(url_for("leader.walk", walk_id=walk.id))
    if report is not None:
        flash(_("Vandringen är avslutad. %(summary)s", summary=report.summary()), "success")
    db.session.commit()
    return redirect(url_for("leader.walk", walk_id=walk.id))


@bp.post("/walks/<id:walk_id>/joins")
def set_joins(walk_id: int):
    """Stop new participants from joining (those already in go on), or let them join again."""
    walk = led_walk(walk_id)
    closed = request.form.get("closed") == "1"
    if walk.joins_closed != closed:
        audit.record("walk_joins_closed" if closed else "walk_joins_opened", current_user, walk=walk,
                     field="joins_closed", old=walk.joins_closed, new=closed)
        walk.joins_closed = closed
        db.session.commit()
    flash(_("Ingen ny kan gå med nu. De som redan är med fortsätter som vanligt.") if closed
          else _("Nya deltagare kan gå med igen."), "success")
    return redirect(url_for("leader.walk", walk_id=walk.id))


@bp.post("/walks/<id:walk_id>/code")
def new_code(walk_id: int):
    """Give the walk a new code (the poster and QR follow); phones that already joined keep working."""
    walk = led_walk(walk_id)
    old = give_new_code(walk)
    audit.record("walk_recoded", current_user, walk=walk, field="join_code", old=old, new=walk.join_code)
    db.session.commit()
    flash(_("Vandringen har en ny kod: %(code)s. Den gamla koden går inte att gå med med längre. Skriv ut den nya QR-affischen.",
            code=walk.join_code), "success")
    return redirect(url_for("leader.walk", walk_id=walk.id))


def walk_figures(walk: Walk) -> dict:
    """Counters for a walk: participants, pins, photos, hidden and unplaced pins, pins from before the walk day."""
    pins, photos, hidden, unplaced, before_walk = db.session.execute(
        select(func.count(Pin.id), func.count(Photo.id), func.count(case((Pin.hidden, 1))), func.count(case((Pin.unplaced, 1))),
               func.count(case((Pin.before_walk, 1))))
        .select_from(Pin).outerjoin(Photo).where(Pin.walk_id == walk.id)
    ).one()
    participants = db.session.scalar(select(func.count()).select_from(Participant).where(Participant.walk_id == walk.id))
    return {"participants": participants, "pins": pins, "photos": photos, "hidden": hidden, "unplaced": unplaced,
            "before_walk": before_walk}


def _default_center() -> tuple[float, float]:
    return current_app.config["DEFAULT_CENTER_LATLON"]


def _categories_in_use(walk: Walk) -> set[str]:
    used: set[str] = set()
    for cats in db.session.scalars(select(Pin.categories).where(Pin.walk_id == walk.id)):
        used.update(cats or ())
    return used


def _leader_choices(walk: Walk | None = None) -> list[SelectChoice]:
    """Other active leaders who can be added to run the walk."""
    creator = walk.created_by_id if walk else current_user.id
    users = db.session.scalars(select(User).where(User.role == "leader", User.active.is_(True), User.id != creator)
                               .order_by(User.display_name)).all()
    return [SelectChoice(u.id, f"{u.display_name} ({u.email})") for u in users]


def _apply(form: WalkForm, walk: Walk) -> None:
    walk.title = form.title.data.strip()
    walk.starts_at = form.starts_at_utc()
    walk.meeting_place = (form.meeting_place.data or "").strip() or None
    walk.closing_meeting_at = form.closing_meeting_utc()
    walk.closing_meeting_place = (form.closing_meeting_place.data or "").strip() or None
    walk.light = form.light.data or None
    set_area(walk, form.area())
    walk.stops = parsed_stops(form.stops_json.data)
    walk.categories = form.chosen_categories()
    walk.share_pins = form.share_pins.data
    walk.photo_approval = form.photo_approval.data
    walk.cluster_eps_m = form.cluster_eps_m.data or current_app.config["CLUSTER_EPS_M"]
    walk.cluster_min_samples = form.cluster_min_samples.data or current_app.config["CLUSTER_MIN_SAMPLES"]
    chosen = sorted(set(form.co_leaders.data or ()))
    # The creator always stays; other leaders are exactly the ones ticked (admins are not listed).
    with db.session.no_autoflush:
        added = [db.session.get(User, uid) for uid in chosen]
        walk.staff = [u for u in walk.staff if u.id == walk.created_by_id or u.role != "leader"] + added


def _fill(form: WalkForm, walk: Walk) -> None:
    form.starts_at.data = local_input_value(walk.starts_at)
    form.closing_meeting_at.data = local_input_value(walk.closing_meeting_at)
    form.area_mode.data = "polygon"
    form.area_geojson.data = walk.area_geojson
    form.center_lat.data, form.center_lon.data = walk.center_lat, walk.center_lon
    form.stops_json.data = json.dumps(walk.stops, ensure_ascii=False)
    form.categories.data = [c["key"] for c in walk.categories if c["key"] in vocab.CATEGORIES]
    form.co_leaders.data = [u.id for u in walk.staff if u.id != walk.created_by_id and u.role == "leader"]
    form.extra_categories.data = "\n".join(c["label"] for c in walk.categories if c["key"] not in vocab.CATEGORIES)
