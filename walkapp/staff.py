"""Staff areas: one check per blueprint, so no route can forget its role."""

from __future__ import annotations

from flask import Blueprint, abort
from flask_login import current_user

from .extensions import db, login_manager
from .models import Walk
from .permissions import leads, may_enter


def staff_blueprint(name: str, import_name: str, url_prefix: str) -> Blueprint:
    """A blueprint whose every route requires a logged-in user whose role opens this area."""
    bp = Blueprint(name, import_name, url_prefix=url_prefix)

    @bp.before_request
    def check_role():
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not may_enter(current_user, name):
            abort(403)

    return bp


def led_walk(walk_id: int) -> Walk:
    """The walk, if the current user leads it: 404 when missing, 403 when someone else's."""
    walk = db.get_or_404(Walk, walk_id)
    if not leads(current_user, walk):
        abort(403)
    return walk
