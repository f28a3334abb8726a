""""Jag håller med": a participant says another's pin is their place and feeling too, instead of
making a duplicate. An agreement is its own record pointing at the pin; it travels through the
phone's outbox like a pin (client_id, sent exactly once) and can be taken back while the walk is open.

Participants only see each other's pins when the leader shares them (share_pins), so only then can
they agree; what they see of another's pin is its place, rating, categories and light, never words
or photos.
"""

from __future__ import annotations

from flask import jsonify
from flask_babel import gettext
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from .. import pin_input
from ..errors import ApiError, checked
from ..extensions import db
from ..models import Agreement, Participant, Pin, utcnow
from ..timefmt import iso_utc
from .api import (authenticated, bp, check_cap, current_participant, form_fields, require_not_blocked, require_open,
                  spend_quota, walk_or_404)


def agreement_json(agreement: Agreement) -> dict:
    return {
        "id": agreement.id,
        "client_id": agreement.client_id,
        "pin_id": agreement.pin_id,
        "rating": agreement.rating,
        "comment": agreement.comment,
        "created_at": iso_utc(agreement.created_at),
    }


def _not_found():
    return ApiError(404, "pin_not_found", gettext("Punkten finns inte (den kan redan vara borttagen)."))


def _sent_count(participant: Participant) -> int:
    """Pins and agreements count together against the cap of one participant."""
    pins = select(func.count()).select_from(Pin).where(Pin.participant_id == participant.id).scalar_subquery()
    agreed = select(func.count()).select_from(Agreement).where(Agreement.participant_id == participant.id).scalar_subquery()
    return db.session.execute(select(pins + agreed)).scalar_one()


@bp.post("/walks/<join_code>/pins/<id:pin_id>/agreements")
def agree(join_code: str, pin_id: int):
    """Agree with another participant's pin, or return the agreement already stored under client_id."""
    participant = authenticated(with_walk=True)
    walk = walk_or_404(join_code, retired=True)
    participant = current_participant(walk, participant)
    spend_quota(participant, walk.id)
    form = form_fields()
    client_id = checked(pin_input.client_id, form)
    existing = db.session.scalar(select(Agreement).where(Agreement.walk_id == walk.id, Agreement.client_id == client_id))
    if existing is not None:
        return _repeat(existing, participant, pin_id)
    require_not_blocked(participant)
    pin = db.session.get(Pin, pin_id)
    if pin is None or pin.walk_id != walk.id or pin.hidden or pin.unplaced:
        raise _not_found()
    if pin.participant_id == participant.id:
        raise ApiError(409, "own_pin", gettext("Det här är din egen punkt. Du kan ändra den i Mina punkter."))
    if not walk.share_pins:
        raise _not_found()  # the participant cannot see others' pins in this walk
    values = checked(pin_input.parse_agreement, form)
    require_open(walk)
    if db.session.scalar(select(Agreement.id).where(Agreement.pin_id == pin.id, Agreement.participant_id == participant.id)):
        raise ApiError(409, "already_agreed", gettext("Du håller redan med om den här punkten."))
    check_cap(_sent_count(participant))
    agreement = Agreement(walk_id=walk.id, pin_id=pin.id, participant_id=participant.id, client_id=client_id, **values)
    db.session.add(agreement)
    pin.updated_at = utcnow()  # the leader's live map fetches changed pins: now with one voice more
    try:
        db.session.commit()
    except IntegrityError:
        # The same agreement arrived twice at once; the other request stored it.
        db.session.rollback()
        existing = db.session.scalar(select(Agreement).where(Agreement.walk_id == walk.id, Agreement.client_id == client_id))
        if existing is None:
            raise ApiError(409, "already_agreed", gettext("Du håller redan med om den här punkten.")) from None
        return _repeat(existing, db.session.get(Participant, participant.id), pin_id)
    return jsonify(agreement_json(agreement)), 201


def _repeat(agreement: Agreement, participant: Participant, pin_id: int):
    """The answer to a retry: the stored agreement, if the same participant sent it for the same pin."""
    if agreement.participant_id != participant.id or agreement.pin_id != pin_id:
        raise ApiError(409, "client_id_conflict", gettext("Punktens id används redan. Uppdatera sidan och försök igen."), "client_id")
    return jsonify(agreement_json(agreement)), 200


@bp.delete("/agreements/<id:agreement_id>")
def take_back(agreement_id: int):
    """Take your agreement back while the walk is open."""
    participant = authenticated()
    agreement = db.session.get(Agreement, agreement_id)
    if agreement is None:
        raise ApiError(404, "agreement_not_found", gettext("Det finns inget att ta tillbaka (det kan redan vara borttaget)."))
    if agreement.participant_id != participant.id:
        raise ApiError(403, "not_your_agreement", gettext("Du kan bara ta tillbaka det du själv har skickat."))
    require_not_blocked(participant)
    require_open(agreement.pin.walk)
    spend_quota(participant)
    agreement.pin.updated_at = utcnow()  # the live map's count follows
    db.session.delete(agreement)
    db.session.commit()
    return "", 204


def pin_agreements(pins: list[Pin], participant: Participant) -> dict[int, tuple[int, Agreement | None]]:
    """Per pin: how many agreements a leader has not hidden, and this participant's own."""
    out = {}
    for pin in pins:
        shown = [a for a in pin.agreements if not a.hidden]
        mine = next((a for a in pin.agreements if a.participant_id == participant.id), None)
        out[pin.id] = (len(shown), mine)
    return out

