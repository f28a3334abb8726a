"""The audit log: who changed what, when, from what to what, and why."""

from __future__ import annotations

from .extensions import db
from .models import AuditEvent, Location, Pin, ResponsibleParty, User, Walk


def record(action: str, user: User | None, *, walk: Walk | None = None, location: Location | None = None,
           pin: Pin | None = None, field: str | None = None, old=None, new=None, note: str | None = None,
           party: ResponsibleParty | None = None) -> AuditEvent:
    """Add one event to the session (committed with the change it describes); `party` when a responsible
    party did it through its link."""
    if pin is not None and walk is None:
        walk = pin.walk
    event = AuditEvent(
        user_id=getattr(user, "id", None),
        walk_id=walk.id if walk is not None else None,
        location_id=location.id if location is not None else None,
        pin_id=pin.id if pin is not None else None,
        action=action,
        field=field,
        old_value=None if old is None else str(old),
        new_value=None if new is None else str(new),
        note=note,
        party_id=party.id if party is not None else None,
    )
    db.session.add(event)
    return event
