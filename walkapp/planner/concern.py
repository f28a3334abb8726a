"""Oro – behöver åtgärd, for planners: mark one of the youths' comments on a location page, and the
list of marked pins of the published walks (concerns.py holds the rule)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import concerns
from .. import places as queries
from ..extensions import db
from ..models import Pin
from ..permissions import plans
from ..urls import local_path
from . import bp


@bp.get("/oro")
def concern_list():
    """Pins marked "oro – behöver åtgärd" in the walks the planners follow, newest first."""
    walks = queries.published_walks()
    marked = concerns.marked([w.id for w in walks])
    return render_template("planner/concerns.html", marked=marked, markers=concerns.markers(marked))


@bp.post("/pins/<id:pin_id>/concern")
def mark_concern(pin_id: int):
    """Mark a pin of a published walk; it is hidden at once and listed on the Oro page."""
    pin = db.get_or_404(Pin, pin_id)
    back = local_path(request.form.get("next")) or url_for("planner.index")
    if pin.location_id is None or not plans(current_user, pin.walk):
        return redirect(url_for("planner.index"))
    reason = (request.form.get("reason") or "").strip()[:500]
    if not reason:
        flash(_("Skriv varför – det sparas i loggen."), "error")
        return redirect(back)
    concerns.mark(pin, current_user, reason)
    db.session.commit()
    flash(_("Punkten är markerad med oro och dold. Följ rutinen för orosanmälan."), "success")
    return redirect(back)
