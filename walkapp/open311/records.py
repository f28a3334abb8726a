"""Which locations Open311 publishes, and what of them: the public side of the action list.

A location is a service request once a walk with its pins has its feedback page published
(Walk.feedback_published_at): the same act that shows it to the youths makes it public here.
Walks that are only handed to the planners stay internal. Exposed text is staff-written and meant
for the public (name, proposed action, public note, refusal reason) plus the responsible party's
name; never the youths' comments (not even moderated ones), tokens, staff names or pin data.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from .. import location_facts, vocab
from .. import locations as locs
from ..extensions import db
from ..location_text import place_name
from ..places import category_labels
from ..models import AuditEvent, Location, Pin, Walk
from ..permissions import public_photo
from . import georeport

GROUP = "Trygghetsvandring"
CLOSED = vocab.CLOSED_STATUSES


def public_walks() -> list[Walk]:
    """Walks whose feedback is published."""
    return db.session.scalars(select(Walk).where(Walk.feedback_published_at.is_not(None))).all()


def services(walks: list[Walk]) -> list[dict]:
    """One service per category: the default list, then categories published walks added."""
    labels = category_labels(walks)
    return [{"service_code": key, "service_name": label, "description": "", "metadata": False,
             "type": "realtime", "group": GROUP} for key, label in labels.items()]


def _public(pin: Pin) -> bool:
    return not pin.hidden and pin.walk.feedback_published_at is not None


def service_requests(photo_url: Callable[[int], str], status_labels: dict[str, str],
                     ids: list[int] | None = None) -> list[georeport.ServiceRequest]:
    """Every public location as a service request (or only those ids)."""
    published = (select(Pin.location_id).join(Walk)
                 .where(Walk.feedback_published_at.is_not(None), Pin.hidden.is_(False)))
    query = (select(Location).where(Location.id.in_(published), Location.merged_into_id.is_(None))
             .options(selectinload(Location.pins).joinedload(Pin.walk),
                      selectinload(Location.pins).selectinload(Pin.photo), joinedload(Location.responsible)))
    if ids is not None:
        query = query.where(Location.id.in_(ids))
    rows = db.session.scalars(query).unique().all()
    closed_at = _closing_times([loc.id for loc in rows if loc.status in CLOSED])
    labels = category_labels(public_walks())
    out = []
    for location in rows:
        pins = [p for p in locs.visible_pins(location) if _public(p)]
        if pins:
            out.append(_request(location, pins, labels, status_labels, photo_url, closed_at.get(location.id)))
    return out


def _request(location: Location, pins: list[Pin], labels: dict[str, str], status_labels: dict[str, str],
             photo_url: Callable[[int], str], closed_at) -> georeport.ServiceRequest:
    figures = location_facts.figures(locs.voices(pins))
    code = figures.dominant_category or "annat"
    # Whole seconds, as the datetimes are written: a client's bound equal to a shown time must match.
    requested = (figures.first or location.created_at).replace(microsecond=0)
    updated = max(t for t in (location.updated_at, figures.last, requested) if t is not None).replace(microsecond=0)
    if location.status in CLOSED and closed_at is not None:
        updated = max(closed_at.replace(microsecond=0), requested)
    # Only what is public: the place's name and the public note. The proposed action is internal.
    name = place_name(location)
    description = name if not location.public_note else f"{name}\n{location.public_note}"
    notes = status_labels[location.status]
    if vocab.LOCATION_STATUS[location.status].needs_reason and location.status_reason:
        notes += ": " + location.status_reason
    if location.public_note:
        notes += "\n" + location.public_note
    # The media route serves a pin's photo by pin id, publicly once approved.
    photo = next((p for p in pins if p.photo is not None and public_photo(p, p.photo)), None)
    return georeport.ServiceRequest(
        id=location.id, service_code=code, service_name=labels.get(code, code),
        status=georeport.georeport_status(location.status), description=description[:4000],
        requested=requested, updated=updated, lat=location.lat, lon=location.lon, status_notes=notes[:4000],
        agency_responsible=location.responsible.name if location.responsible else None,
        expected=georeport.end_of_day(location.due_date) if location.due_date else None,
        media_url=photo_url(photo.id) if photo else None,
    )


def _closing_times(location_ids: list[int]) -> dict:
    """When each closed location last changed status (the spec's updated_datetime once closed)."""
    if not location_ids:
        return {}
    rows = db.session.execute(
        select(AuditEvent.location_id, AuditEvent.created_at)
        .where(AuditEvent.location_id.in_(location_ids), AuditEvent.field == "status")
        .order_by(AuditEvent.created_at)
    )
    return {location_id: created for location_id, created in rows}


def changeset(walks: list[Walk]) -> str:
    """When the service list last changed: the latest feedback publication (services follow the walks' categories)."""
    times = [w.feedback_published_at for w in walks if w.feedback_published_at]
    return georeport.w3c(max(times)) if times else "2026-01-01T00:00:00+01:00"
