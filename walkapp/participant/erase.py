""""Ta bort alla mina punkter": a participant deletes everything they sent in a walk while it is
open: their pins with photos and their agreements. A pin a leader or planner marked "oro – behöver
åtgärd" stays: the adults are acting on it (concerns.py), and it is never published."""

from __future__ import annotations

from flask import jsonify
from sqlalchemy import delete, select

from .. import pinstore
from ..extensions import db
from ..models import Agreement, Pin
from .api import authenticated, bp, current_participant, require_not_blocked, require_open, spend_quota, walk_or_404


@bp.delete("/walks/<join_code>/pins")
def delete_all_mine(join_code: str):
    """Delete all of your pins and agreements in this walk; says how many went and how many stay."""
    participant = authenticated(with_walk=True)
    walk = walk_or_404(join_code, retired=True)
    participant = current_participant(walk, participant)
    require_not_blocked(participant)
    require_open(walk)
    spend_quota(participant)
    pins = db.session.scalars(select(Pin).where(Pin.participant_id == participant.id)).all()
    kept = [p for p in pins if p.concern_at is not None]
    for pin in pins:
        if pin.concern_at is None:
            pinstore.remove_photo(pin)
            db.session.delete(pin)
    agreements = db.session.execute(delete(Agreement).where(Agreement.participant_id == participant.id)).rowcount
    pinstore.commit()
    return jsonify({"deleted_pins": len(pins) - len(kept), "deleted_agreements": agreements, "kept_pins": len(kept)})
