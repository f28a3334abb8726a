"""The action list (åtgärdslista) and a location's page: follow-up fields, history, before/after."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import audit_text, comments, party_links, place_index
from ..extensions import db
from ..models import Pin
from ..permissions import plans
from ..urls import local_path, parse_id
from . import access, bp, followup
from .. import places as queries
from ..filters import Filters


@bp.get("/")
def index():
    """The locations of published walks, highest priority first, with the youths' words and photos."""
    filters = Filters.parse(request.args)
    sort = request.args.get("sort") if request.args.get("sort") in place_index.SORTS else "priority"
    page = parse_id(request.args.get("page")) or 1
    cards, total, page = place_index.action_page(filters, sort, page)
    pages = max(1, -(-total // place_index.PAGE_SIZE))
    return render_template("planner/actions.html", cards=cards, total=total, sort=sort, page=page,
                           pages=pages, page_size=place_index.PAGE_SIZE, filters=filters, parties=access.parties(), **access.filter_choices())


@bp.get("/locations/<id:location_id>")
def location(location_id: int):
    """One location: everything the youths said, the follow-up form and the history of changes."""
    location = access.planned_location(location_id)
    return _location_page(location, followup.Update())


def _location_page(location, update: followup.Update, form=None, status: int = 200):
    def visible(pin):
        return plans(current_user, pin.walk)

    card = queries.card(location, visible)
    return render_template(
        "planner/location.html", card=card, location=location, update=update, form=form or {},
        parties=access.parties(), events=audit_text.describe(queries.history(location)), walks=queries.location_walks(location, visible),
        pending=party_links.pending(location),
        back=local_path(request.args.get("next") or request.form.get("next")),
    ), status


@bp.post("/locations/<id:location_id>")
def update_location(location_id: int):
    """Save the follow-up fields that were sent; refuse all of them if one breaks a rule."""
    location = access.planned_location(location_id)
    parties = access.parties()
    update = followup.read_update(location, request.form, parties)
    if not update.ok:
        db.session.rollback()
        flash(_("Inget sparades. Rätta det som är markerat och försök igen."), "error")
        # Shown again with the messages (200, like every form in the app), nothing saved.
        return _location_page(location, update, request.form)
    changed = followup.apply_update(location, update, current_user, parties)
    db.session.commit()
    flash(_("Platsen är uppdaterad.") if changed else _("Inget var ändrat."), "success")
    return redirect(local_path(request.form.get("next")) or url_for("planner.location", location_id=location.id))


@bp.post("/pins/<id:pin_id>/words/<any(approve, unapprove):action>")
def approve_words(pin_id: int, action: str):
    """Let one of the youths' comments go public (feedback page, protocol), or take that back."""
    pin = db.get_or_404(Pin, pin_id)
    if pin.hidden or pin.location_id is None or not plans(current_user, pin.walk):
        return redirect(url_for("planner.index"))
    comments.set_approved(pin, action == "approve", current_user)
    db.session.commit()
    flash(_("Orden är godkända för allmänheten.") if action == "approve" else _("Godkännandet av orden är borttaget."), "success")
    return redirect(local_path(request.form.get("next")) or url_for("planner.location", location_id=pin.location_id))
