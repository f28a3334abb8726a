"""Responsible parties without an account: a party's page (its e-mail, its walks, its links), sending it
its items, revoking a link, and accepting or correcting what it answered."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import audit, party_links
from ..extensions import db
from ..models import PartyAnswer, PartyLink, ResponsibleParty, Walk
from ..permissions import plans
from . import access, bp, followup


def _party_page(party: ResponsibleParty, email_error: str | None = None, email: str | None = None, status: int = 200):
    counts = party_links.walks_with_items(party.id)
    walks = [w for w in db.session.scalars(db.select(Walk).where(Walk.id.in_(counts))
                                           .order_by(Walk.starts_at.desc(), Walk.id.desc())) if plans(current_user, w)]
    rows = [{"walk": w, "count": counts[w.id], "link": party_links.current_link(party.id, w.id)} for w in walks]
    return render_template("planner/party.html", party=party, rows=rows, ended=party_links.ended,
                           email_error=email_error, email=party.email if email is None else email), status


@bp.get("/responsible/<id:party_id>")
def party(party_id: int):
    """One party: its e-mail address, the walks where it has places, and the links it was sent."""
    return _party_page(db.get_or_404(ResponsibleParty, party_id))


@bp.post("/responsible/<id:party_id>/email")
def party_email(party_id: int):
    """Set or clear the address the party's items are mailed to."""
    party = db.get_or_404(ResponsibleParty, party_id)
    email, error = party_links.clean_email(request.form.get("email"))
    if error:
        return _party_page(party, error, request.form.get("email") or "")
    if email != party.email:
        audit.record("responsible_email", current_user, party=party, field="email", old=party.email, new=email)
        party.email = email
        db.session.commit()
    flash(_("E-postadressen är sparad."), "success")
    return redirect(url_for("planner.party", party_id=party.id))


@bp.post("/responsible/<id:party_id>/walks/<id:walk_id>/send")
def send_items(party_id: int, walk_id: int):
    """Mail the party its places of this walk with a new personal link (an earlier link stops working)."""
    party = db.get_or_404(ResponsibleParty, party_id)
    walk = access.planned_walk(walk_id)
    if not party.email:
        flash(_("Skriv in en e-postadress till %(name)s först.", name=party.name), "error")
    elif not party.active:
        flash(_("%(name)s är inaktiverad och kan inte få mejl.", name=party.name), "error")
    elif not party_links.items(party.id, walk):
        flash(_("%(name)s har inga platser i den här vandringen.", name=party.name), "error")
    else:
        party_links.send(party, walk, current_user)
        flash(_("Mejlet till %(email)s är på väg.", email=party.email), "success")
    return redirect(url_for("planner.party", party_id=party.id))


@bp.post("/links/<id:link_id>/revoke")
def revoke_link(link_id: int):
    """Stop a party's link at once; what it answered stays."""
    link = db.get_or_404(PartyLink, link_id)
    access.planned_walk(link.walk_id)
    party_links.revoke(link, current_user)
    db.session.commit()
    flash(_("Länken till %(name)s är återkallad.", name=link.party.name), "success")
    return redirect(url_for("planner.party", party_id=link.party_id))


@bp.post("/answers/<id:answer_id>/<any(accept, correct):how>")
def decide_answer(answer_id: int, how: str):
    """Make a party's answer the place's follow-up: as it is (one click), or as the planner corrected it."""
    answer = db.get_or_404(PartyAnswer, answer_id)
    location = access.planned_location(answer.location_id)
    back = url_for("planner.location", location_id=location.id)
    if answer.decision is not None:
        flash(_("Svaret är redan hanterat."), "error")
        return redirect(back)
    proposal = party_links.proposed_changes(answer)
    if how == "correct":
        proposal = {name: request.form.get(name, "") for name in ("status", "status_reason", "due_date")}
    parties = access.parties()
    update = followup.read_update(location, proposal, parties)
    if not update.ok:
        db.session.rollback()
        flash(" ".join(update.errors.values()), "error")
        return redirect(back)
    followup.apply_update(location, update, current_user, parties)
    party_links.decide(answer, current_user, location, corrected=how == "correct")
    db.session.commit()
    flash(_("Svaret från %(name)s är godkänt och platsen är uppdaterad.", name=answer.party.name), "success")
    return redirect(back)

