"""The party's page at its personal link: its places with the youths' approved words and photos, and a
form per place to answer. No login: the token in the address is checked against the stored hash."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from .. import party_links, vocab
from ..extensions import db, limiter
from ..location_text import place_name
from ..models import PartyLink

bp = Blueprint("party", __name__, url_prefix="/svar")

SESSION_KEY = party_links.SESSION_KEY

limiter.limit(lambda: current_app.config["PARTY_LIMIT_PER_ADDRESS"])(bp)


def _missed(response) -> bool:
    return response.status_code in (404, 410)


def _misses_limit() -> str:
    return current_app.config["CODE_MISSES_PER_ADDRESS"]


@bp.after_request
def _private(response):
    """The page carries a personal link: never cached, never indexed."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def _working_link(token: str) -> PartyLink | tuple:
    """The link, or the page that says why it does not work (404 unknown, 410 ended)."""
    link = party_links.find(token)
    if link is None:
        return render_template("party/ended.html", why="unknown", contact=current_app.config["CONTACT_EMAIL"]), 404
    why = party_links.ended(link)
    if why is not None:
        if session.get(SESSION_KEY) == link.id:
            session.pop(SESSION_KEY)
        return render_template("party/ended.html", why=why, link=link, contact=current_app.config["CONTACT_EMAIL"]), 410
    return link


@bp.get("/<token>")
@limiter.limit(_misses_limit, deduct_when=_missed)
def page(token: str):
    """The party's places with what the youths said, and a form to answer for each."""
    link = _working_link(token)
    if not isinstance(link, PartyLink):
        return link
    session[SESSION_KEY] = link.id
    # After an answer the page opens at that place, so its thanks are said there, not at the top.
    return _render(link, token, answered=request.args.get("svar", type=int))


def _render(link: PartyLink, token: str, errors: dict | None = None, form=None, location_id: int | None = None,
            status: int = 200, answered: int | None = None):
    items = party_links.item_views(link)
    if answered not in {item.location.id for item in items}:
        answered = None
    return render_template("party/items.html", link=link, token=token, items=items,
                           answers={key: vocab.LOCATION_STATUS[key] for key in vocab.PARTY_ANSWERS},
                           errors=errors or {}, form=form or {}, error_for=location_id, answered=answered,
                           contact=current_app.config["CONTACT_EMAIL"]), status


@bp.post("/<token>/<id:location_id>")
@limiter.limit(_misses_limit, deduct_when=_missed)
def answer(token: str, location_id: int):
    """Save the party's answer for one place: a proposal the planners accept or correct."""
    link = _working_link(token)
    if not isinstance(link, PartyLink):
        return link
    location = next((loc for loc in party_links.items(link.party_id, link.walk) if loc.id == location_id), None)
    if location is None:
        abort(404)
    answer = party_links.read_answer(request.form)
    if answer.errors:
        db.session.rollback()
        return _render(link, token, answer.errors, request.form, location_id)
    party_links.record_answer(link, location, answer)
    db.session.commit()
    session[SESSION_KEY] = link.id
    flash(_("Tack! Svaret för %(name)s är skickat till planerarna.", name=place_name(location)), "success")
    return redirect(url_for("party.page", token=token, svar=location.id, _anchor=f"plats-{location.id}"))


