"""The public feedback page (återkoppling): what the youths found and what is being done about it.

render_feedback(walk) is what the QR link shows once a walk's feedback is published; planners
preview it here and publish it with a button. Only moderated content appears: hidden pins are left
out, comments only once approved one by one (redacted ones show as redacted), photos only when
approved (permissions.public_photo), and nothing that tells who anyone is.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user

from .. import lifecycle
from ..extensions import db
from ..models import Pin, Walk
from ..permissions import public_photo
from ..vocab import N_
from . import access, bp, queries
from .walks import overview


# What each status means, in words a teenager reads at a glance.
STATUS_TEXT = {
    "ny": N_("Kommunen har fått veta om platsen och ska ta reda på vad som går att göra."),
    "skickad": N_("Skickat till dem som ansvarar för platsen. Nu ska de bestämma vad som ska göras."),
    "planerad": N_("Det är bestämt vad som ska göras, och arbetet är planerat."),
    "pagar": N_("Arbetet pågår just nu."),
    "atgardad": N_("Klart! Platsen är åtgärdad."),
    "atgardas_ej": N_("Det här kommer inte att åtgärdas."),
}
STEP_NAMES = {"ny": N_("Mottaget"), "skickad": N_("Skickat"), "planerad": N_("Planerat"), "pagar": N_("Pågår"),
              "atgardad": N_("Klart")}


@dataclass
class PublicPlace:
    """A location as the feedback page shows it."""

    number: int
    card: queries.Card
    walk_id: int

    @property
    def location(self):
        """The location shown."""
        return self.card.location

    @property
    def words(self) -> list[str]:
        """The youths' words from this walk that a leader or planner approved for the public."""
        return [p.comment for p in self.card.approved_words]

    @property
    def photos(self) -> list[Pin]:
        """Photos approved for the public, the best first."""
        return [p for p in self.card.photos if public_photo(p, p.photo)]

    @property
    def compare(self) -> tuple[dict, dict] | None:
        """This walk's figures and the walk before it at the same place, when there was one."""
        rows = self.card.history
        here = next((i for i, row in enumerate(rows) if row["walk"].id == self.walk_id), None)
        return (rows[here - 1], rows[here]) if here else None

    @property
    def due(self) -> str | None:
        """The due date as a month and year: precise enough for a promise."""
        due = self.card.location.due_date
        return format_date(due, "MMMM yyyy") if due else None


def render_feedback(walk: Walk, *, preview: bool = False) -> str:
    """The feedback page for a closed walk, as HTML: the places found and what happens with each."""
    cards = queries.walk_cards(walk)
    places = [PublicPlace(i, c, walk.id) for i, c in enumerate(cards, start=1)]
    facts = queries.walk_facts(walk)
    return render_template("planner/feedback.html", walk=walk, unsafe=[p for p in places if not p.card.safe],
                           safe=[p for p in places if p.card.safe], facts=facts,
                           map=overview(walk, cards) if cards else None, preview=preview,
                           labels=queries.category_labels([walk]), contact=current_app.config.get("CONTACT_EMAIL"),
                           status_text={k: _(v) for k, v in STATUS_TEXT.items()},
                           step_names={k: _(v) for k, v in STEP_NAMES.items()})


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
