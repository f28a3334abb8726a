"""The planners' side of the public feedback page: preview it, publish it, take it down
(the page itself is walkapp/feedback_page.py)."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import lifecycle
from ..extensions import db
from ..feedback_page import render_feedback
from . import access, bp


@bp.get("/walks/<id:walk_id>/feedback")
def feedback_preview(walk_id: int):
    """Preview the walk's public feedback page exactly as the youths will see it."""
    walk = access.planned_walk(walk_id)
    return render_feedback(walk, preview=True)


@bp.post("/walks/<id:walk_id>/feedback")
def publish_feedback(walk_id: int):
    """Publish the feedback page at the walk's QR link, or take it down again."""
    walk = access.planned_walk(walk_id)
    publish = request.form.get("publish") == "1"
    try:
        lifecycle.publish_feedback(walk, current_user, publish)
    except lifecycle.LifecycleRefused as refused:
        flash(_(refused.message, **refused.params), "error")
        return redirect(url_for("planner.walks"))
    db.session.commit()
    flash(_("Återkopplingen är publicerad på vandringens QR-länk.") if publish
          else _("Återkopplingen är inte längre publicerad."), "success")
    return redirect(url_for("planner.walks"))
