"""The list of responsible parties (departments and property owners) planners assign locations to."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from .. import audit
from ..vocab import PARTY_KINDS
from ..extensions import db
from ..models import ResponsibleParty
from . import access, bp

KINDS = PARTY_KINDS
DEFAULT_KIND = "forvaltning"


@bp.get("/responsible")
def parties():
    """The departments and property owners, active first, with a form to add one."""
    return render_template("planner/parties.html", parties=list(access.parties().values()), kinds=KINDS,
                           error=None, name="", kind=DEFAULT_KIND)


@bp.post("/responsible")
def add_party():
    """Add a department or property owner to the list."""
    name = " ".join((request.form.get("name") or "").split())[:200]
    kind = request.form.get("kind") if request.form.get("kind") in KINDS else DEFAULT_KIND
    error = None
    if not name:
        error = _("Skriv namnet på förvaltningen eller fastighetsägaren.")
    elif db.session.scalar(select(ResponsibleParty.id).where(func.lower(ResponsibleParty.name) == name.lower())):
        error = _("%(name)s finns redan i listan.", name=name)
    if error:
        return render_template("planner/parties.html", parties=list(access.parties().values()), kinds=KINDS,
                               error=error, name=name, kind=kind)
    party = ResponsibleParty(name=name, kind=kind, active=True)
    db.session.add(party)
    audit.record("responsible_added", current_user, field="responsible", new=f"{name} ({kind})")
    db.session.commit()
    flash(_("%(name)s är tillagd.", name=name), "success")
    return redirect(url_for("planner.parties"))


@bp.post("/responsible/<id:party_id>")
def toggle_party(party_id: int):
    """Deactivate a party (kept on the locations it already has) or activate it again."""
    party = db.get_or_404(ResponsibleParty, party_id)
    active = request.form.get("active") == "1"
    if party.active != active:
        audit.record("responsible_active", current_user, field="responsible", old=f"{party.name} {party.active}",
                     new=f"{party.name} {active}")
        party.active = active
        db.session.commit()
    flash(_("%(name)s är aktiv igen.", name=party.name) if active else _("%(name)s är inaktiverad.", name=party.name),
          "success")
    return redirect(url_for("planner.parties"))
