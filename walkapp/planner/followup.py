"""Following up a location: read a planner's changes, refuse what breaks the rules, record the rest.

Every change lands in the audit log with who, when, the old and the new value, which is what the
location's history shows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from flask_babel import gettext as _

from .. import audit, vocab
from ..models import Location, ResponsibleParty, User
from ..timefmt import plausible
from ..urls import parse_id

TEXT_MAX = 4000


@dataclass
class Update:
    """The changes read from a form (field → new value), or why they cannot be made."""

    changes: dict[str, object] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Whether the changes may be made."""
        return not self.errors


def _text(value: str | None) -> str | None:
    value = (value or "").strip()[:TEXT_MAX]
    return value or None


def read_update(location: Location, form: Mapping[str, str], parties: Mapping[int, ResponsibleParty]) -> Update:
    """The changes a form asks for; only the fields present in the form are considered."""
    update = Update()
    wanted: dict[str, object] = {}
    if "status" in form:
        status = form["status"]
        if status not in vocab.LOCATION_STATUSES:
            update.errors["status"] = _("Välj en status i listan.")
        else:
            wanted["status"] = status
    if "status_reason" in form:
        wanted["status_reason"] = _text(form["status_reason"])
    if "responsible_id" in form:
        raw = (form["responsible_id"] or "").strip()
        if not raw:
            wanted["responsible_id"] = None
        elif (number := parse_id(raw)) in parties and (parties[number].active or number == location.responsible_id):
            wanted["responsible_id"] = number
        else:
            update.errors["responsible_id"] = _("Välj en ansvarig i listan.")
    if "due_date" in form:
        raw = (form["due_date"] or "").strip()
        try:
            wanted["due_date"] = dt.date.fromisoformat(raw) if raw else None
            if wanted["due_date"] and not plausible(wanted["due_date"]):
                raise ValueError(raw)
        except ValueError:
            update.errors["due_date"] = _("Skriv datumet som ÅÅÅÅ-MM-DD, till exempel 2025-06-30.")
    for name in ("proposed_action", "public_note"):
        if name in form:
            wanted[name] = _text(form[name])

    status = wanted.get("status", location.status)
    if status in vocab.STATUSES_NEEDING_REASON:
        reason = wanted.get("status_reason", location.status_reason)
        if not reason:
            update.errors["status_reason"] = _(
                "Skriv varför platsen inte ska åtgärdas. Skälet visas för ungdomarna och de ansvariga.")
    elif "status_reason" in wanted or location.status_reason:
        # A reason belongs to a status that needs one ("Åtgärdas ej"); any other status drops it.
        wanted["status_reason"] = None

    if update.errors:
        return update
    update.changes = {k: v for k, v in wanted.items() if getattr(location, k) != v}
    return update


def apply_update(location: Location, update: Update, user: User, parties: Mapping[int, ResponsibleParty]) -> list[str]:
    """Make the changes and record each one in the audit log; returns the fields changed."""
    for name, new in update.changes.items():
        old = getattr(location, name)
        audit.record("location_" + name.removesuffix("_id"), user, location=location, field=name.removesuffix("_id"),
                     old=_logged(name, old, parties), new=_logged(name, new, parties))
        setattr(location, name, new)
    return list(update.changes)


def _logged(name: str, value, parties: Mapping[int, ResponsibleParty]):
    """How a value is kept in the log: the party's name rather than an id that may be reused."""
    if value is None:
        return None
    if name == "responsible_id":
        party = parties.get(value)
        return party.name if party else value
    if isinstance(value, dt.date):
        return value.isoformat()
    return value
