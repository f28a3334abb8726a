"""The public feedback page (återkoppling): what the youths found and what is being done about it.

render_feedback(walk) is what the QR link shows once a walk's feedback is published, and what
planners preview before they publish it. Only moderated content appears: hidden pins are left out,
comments only once approved one by one (redacted ones show as redacted), photos only when approved
(permissions.public_photo), and nothing that tells who anyone is.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, render_template
from flask_babel import format_date
from flask_babel import gettext as _

from . import place_index
from . import places as queries
from . import vocab
from .map_embeds import overview
from .models import Pin, Walk
from .permissions import public_photo


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
    cards = place_index.walk_cards(walk)
    places = [PublicPlace(i, c, walk.id) for i, c in enumerate(cards, start=1)]
    facts = queries.walk_facts(walk)
    return render_template("planner/feedback.html", walk=walk, unsafe=[p for p in places if not p.card.safe],
                           safe=[p for p in places if p.card.safe], facts=facts,
                           map=overview(walk, cards) if cards else None, preview=preview,
                           labels=queries.category_labels([walk]), contact=current_app.config.get("CONTACT_EMAIL"),
                           status_text={s.key: _(s.public_text) for s in vocab.LOCATION_STATUS_SCALE},
                           step_names={s.key: _(s.step) for s in vocab.LOCATION_STATUS_SCALE if s.step})
