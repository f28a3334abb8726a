"""Pages for every audience: the accessibility statement, and help for a young person who is not safe."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, current_app, render_template
from flask_babel import format_date

bp = Blueprint("about", __name__)

# The day the statement was last reviewed against the pages (update it with the text).
STATEMENT_REVIEWED = dt.date(2026, 11, 30)


@bp.get("/tillganglighet")
def accessibility():
    """The accessibility statement (tillgänglighetsredogörelse, lag 2018:1937) and how to report a problem."""
    return render_template("about/accessibility.html", contact=current_app.config.get("CONTACT_EMAIL"),
                           reviewed=format_date(STATEMENT_REVIEWED, "long"))


@bp.get("/hjalp")
def help():
    """Where to turn when you are not safe: 112 and BRIS, linked from every phone page."""
    return render_template("about/help.html")


@bp.get("/integritet")
def privacy():
    """What happens to what a young person sends, in their words (linked from the join page)."""
    from .retention import periods

    kept = periods(current_app.config)
    return render_template("about/privacy.html", contact=current_app.config.get("CONTACT_EMAIL"), kept=kept)
