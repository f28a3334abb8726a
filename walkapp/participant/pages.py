"""Participant pages: enter a code, the QR target with the phone map, the language switch."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..extensions import LANG_COOKIE
from ..walks import find_walk_by_code, normalise_code

bp = Blueprint("pages", __name__)


@bp.route("/", methods=["GET", "POST"])
def index():
    """Let a participant type the walk's code."""
    error = None
    code = ""
    if request.method == "POST":
        code = normalise_code(request.form.get("code", ""))
        walk = find_walk_by_code(code)
        if walk is not None:
            return redirect(url_for("pages.join", join_code=walk.join_code))
        error = _("Det finns ingen vandring med koden %(code)s. Kontrollera koden och försök igen.", code=code or "…")
    return render_template("participant/index.html", error=error, code=code), (404 if error else 200)


@bp.get("/j/<join_code>")
def join(join_code: str):
    """The QR target: join and pin while the walk is open; afterwards, what came of it."""
    walk = find_walk_by_code(join_code)
    if walk is None:
        abort(404)
    if walk.join_code != join_code:
        return redirect(url_for("pages.join", join_code=walk.join_code))
    return render_template("participant/walk.html", walk=walk)


@bp.get("/lang/<lang>")
def set_language(lang: str):
    """Switch the interface language and go back."""
    if lang not in ("sv", "en"):
        abort(404)
    target = request.args.get("next", "/")
    if not target.startswith("/") or target.startswith("//"):
        target = "/"
    response = redirect(target)
    response.set_cookie(LANG_COOKIE, lang, max_age=365 * 24 * 3600, samesite="Lax")
    return response
