"""Moderation: hide and unhide pins, remove and approve photos, redact comments — always with a
reason, the original kept for admins, every action in the audit log."""

from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from .. import audit, comments, concerns, faces, locations, photos, pinstore
from ..extensions import db
from ..models import Agreement, Participant, Pin, utcnow
from ..staff import led_walk
from . import bp
from .live import participant_numbers, staff_pin_json

REDACTED = "[borttaget]"


def _pin(pin_id: int) -> Pin:
    pin = db.get_or_404(Pin, pin_id)
    led_walk(pin.walk_id)
    return pin


def _reason() -> str | None:
    reason = (request.form.get("reason") or "").strip()[:500]
    return reason or None


def _done(pin: Pin, message: str):
    """Answer a moderation action: JSON for the dashboard, a redirect back for the list page."""
    db.session.commit()
    if request.accept_mimetypes.best == "application/json":
        numbers = participant_numbers(pin.walk)
        return jsonify(staff_pin_json(pin, numbers, current_user.role == "admin"))
    flash(message, "success")
    return redirect(url_for("leader.pins", walk_id=pin.walk_id) + f"#pin-{pin.id}")


def _refuse(pin: Pin, message: str):
    if request.accept_mimetypes.best == "application/json":
        return jsonify({"error": "reason_required", "message": message, "field": "reason"}), 400
    flash(message, "error")
    return redirect(url_for("leader.pins", walk_id=pin.walk_id) + f"#pin-{pin.id}")


@bp.get("/walks/<id:walk_id>/pins")
def pins(walk_id: int):
    """Every pin of the walk with its moderation actions, newest first."""
    walk = led_walk(walk_id)
    pins = db.session.scalars(select(Pin).where(Pin.walk_id == walk.id).order_by(Pin.created_at.desc(), Pin.id.desc())).all()
    marked = [p for p in pins if p.concern_at is not None]
    return render_template("leader/pins.html", walk=walk, pins=pins, numbers=participant_numbers(walk),
                           marked=marked, markers=concerns.markers(marked))


@bp.post("/pins/<id:pin_id>/<any(hide, unhide):action>")
def hide(pin_id: int, action: str):
    """Hide a pin from everyone but staff, or show it again."""
    pin = _pin(pin_id)
    reason = _reason()
    if reason is None:
        return _refuse(pin, _("Skriv varför – det sparas i loggen."))
    hidden = action == "hide"
    if not hidden and pin.concern_at is not None:
        return _refuse(pin, _("Punkten är markerad med oro och kan inte visas. Ta bort markeringen först."))
    if pin.hidden != hidden:
        audit.record("pin_" + action, current_user, pin=pin, field="hidden", old=pin.hidden, new=hidden, note=reason)
        pin.hidden = hidden
        pin.hidden_reason = reason if hidden else None
        if pin.location is not None:
            # The place's figures, priority and footprint count only visible pins.
            db.session.flush()
            locations.refresh(pin.location)
    return _done(pin, _("Punkten är dold.") if hidden else _("Punkten visas igen."))


@bp.post("/pins/<id:pin_id>/<any(concern, unconcern):action>")
def concern(pin_id: int, action: str):
    """Mark a pin "oro – behöver åtgärd" (hidden, listed apart, never published), or take the mark away."""
    pin = _pin(pin_id)
    reason = _reason()
    if reason is None:
        return _refuse(pin, _("Skriv varför – det sparas i loggen."))
    if action == "concern":
        concerns.mark(pin, current_user, reason)
        return _done(pin, _("Punkten är markerad med oro och dold. Följ rutinen för orosanmälan."))
    concerns.clear(pin, current_user, reason)
    return _done(pin, _("Markeringen är borttagen. Punkten är fortfarande dold."))


@bp.post("/pins/<id:pin_id>/photo/<any(remove, restore, approve, unapprove):action>")
def photo(pin_id: int, action: str):
    """Remove a photo (kept for admins), restore it, or approve it for planners and the public page."""
    pin = _pin(pin_id)
    if pin.photo is None:
        abort(404)
    reason = _reason()
    if reason is None and action in ("remove", "restore"):
        return _refuse(pin, _("Skriv varför – det sparas i loggen."))
    photo = pin.photo
    if action in ("remove", "restore"):
        audit.record("photo_" + action, current_user, pin=pin, field="photo.hidden", old=photo.hidden,
                     new=action == "remove", note=reason)
        photo.hidden = action == "remove"
        photo.hidden_reason = reason if photo.hidden else None
        message = _("Fotot är borttaget.") if photo.hidden else _("Fotot visas igen.")
    else:
        audit.record("photo_" + action, current_user, pin=pin, field="photo.approved", old=photo.approved,
                     new=action == "approve", note=reason)
        photo.approved = action == "approve"
        message = _("Fotot är godkänt.") if photo.approved else _("Godkännandet är borttaget.")
    return _done(pin, message)


@bp.get("/pins/<id:pin_id>/photo")
def photo_page(pin_id: int):
    """The photo at full size with what was blurred outlined, to blur by hand what the detector missed."""
    pin = _pin(pin_id)
    if pin.photo is None:
        abort(404)
    return render_template("leader/photo.html", pin=pin, walk=pin.walk, photo=pin.photo,
                           max_areas=faces.MAX_AREAS, min_side=faces.MIN_SIDE)


def _areas_refused(reason: str, photo) -> str:
    """What to tell the leader when the rectangles cannot be blurred (faces.BadAreas)."""
    if reason == "number":
        return _("Skriv hela tal i pixlar för vänsterkant, överkant, bredd och höjd.")
    if reason == "small":
        return _("Ett område måste vara minst %(min)d × %(min)d pixlar.", min=faces.MIN_SIDE)
    if reason == "outside":
        return _("Området måste ligga helt inne i fotot, som är %(width)d × %(height)d pixlar.",
                 width=photo.width, height=photo.height)
    if reason == "many":
        return _("Högst %(num)d områden åt gången och %(most)d på ett foto. Ta bort fotot om det behövs fler.",
                 num=faces.MAX_AREAS, most=faces.MAX_BLURRED)
    return _("Dra en rektangel över det som ska suddas, eller skriv in var den ligger, och spara sedan.")


@bp.post("/pins/<id:pin_id>/photo/blur")
def blur_photo(pin_id: int):
    """Blur the rectangles the leader marked on the photo; the less blurred files are deleted."""
    pin = _pin(pin_id)
    photo = pin.photo
    if photo is None:
        abort(404)
    back = redirect(url_for("leader.photo_page", pin_id=pin.id))
    form = request.form
    try:
        boxes = faces.areas_from(zip(form.getlist("x"), form.getlist("y"), form.getlist("w"), form.getlist("h")),
                                 (photo.width, photo.height), len(photo.blurred or ()))
    except faces.BadAreas as refused:
        flash(_areas_refused(refused.reason, photo), "error")
        return back
    data = pinstore.store().open(photo.sha256, "full")
    try:
        if data is None:
            raise photos.CorruptImage("the stored file is missing")
        processed = photos.blur_areas(data, tuple(boxes), wait=10)
    except photos.Busy:
        flash(_("Servern arbetar med många foton just nu. Försök igen om en stund."), "error")
        return back
    except (photos.PhotoError, ValueError):
        flash(_("Fotot gick inte att öppna, så inget är ändrat. Ta bort fotot om det inte går att sudda."), "error")
        return back
    pinstore.replace_blurred(pin, processed)
    audit.record("photo_blurred", current_user, pin=pin, field="photo.blurred")
    try:
        pinstore.commit()
    except Exception:
        db.session.rollback()
        pinstore.discard_if_unreferenced(processed.sha256)
        raise
    flash(ngettext("Området är suddat.", "%(num)d områden är suddade.", len(boxes)), "success")
    return back


@bp.post("/pins/<id:pin_id>/redact")
def redact(pin_id: int):
    """Replace part of a comment with [borttaget]; the original stays visible to admins only."""
    pin = _pin(pin_id)
    reason = _reason()
    part = request.form.get("text", "")
    if reason is None:
        return _refuse(pin, _("Skriv varför – det sparas i loggen."))
    if not part.strip() or not pin.comment or part not in pin.comment:
        return _refuse(pin, _("Skriv exakt den del av kommentaren som ska tas bort."))
    before = pin.comment
    if pin.comment_original is None:
        pin.comment_original = before
    pin.comment = before.replace(part, REDACTED)
    comments.set_approved(pin, False, current_user)  # the new words are read again before they go public
    # The log says that something was redacted, not what: the removed words may be personal data.
    audit.record("comment_redacted", current_user, pin=pin, field="comment", note=reason)
    return _done(pin, _("Kommentaren är redigerad."))


@bp.post("/pins/<id:pin_id>/words/<any(approve, unapprove):action>")
def words(pin_id: int, action: str):
    """Let a comment go public (feedback page, protocol), or take that back."""
    pin = _pin(pin_id)
    comments.set_approved(pin, action == "approve", current_user)
    return _done(pin, _("Orden är godkända för allmänheten.") if action == "approve" else _("Godkännandet av orden är borttaget."))


@bp.post("/pins/<id:pin_id>/author/<any(block, unblock):action>")
def block_author(pin_id: int, action: str):
    """Stop the participant who made this pin (a leaked code, abuse): their token sends nothing more
    and all their pins are hidden. Unblocking lets the token send again; hidden pins stay hidden."""
    pin = _pin(pin_id)
    if pin.participant_id is None:
        abort(404)
    reason = _reason()
    if reason is None:
        return _refuse(pin, _("Skriv varför – det sparas i loggen."))
    participant = db.session.get(Participant, pin.participant_id)
    block = action == "block"
    if (participant.blocked_at is not None) != block:
        audit.record("participant_" + action + "ed", current_user, walk=pin.walk, pin=pin, field="blocked",
                     old=participant.blocked_at is not None, new=block, note=reason)
        participant.blocked_at = utcnow() if block else None
    if block:
        touched = set()
        for other in db.session.scalars(select(Pin).where(Pin.participant_id == participant.id, Pin.hidden.is_(False))):
            audit.record("pin_hide", current_user, pin=other, field="hidden", old=False, new=True, note=reason)
            other.hidden, other.hidden_reason = True, reason
            if other.location is not None:
                touched.add(other.location)
        # Their agreements with others' pins stop counting too.
        for agreement in db.session.scalars(select(Agreement).where(Agreement.participant_id == participant.id,
                                                                     Agreement.hidden.is_(False))):
            agreement.hidden = True
            if agreement.pin.location is not None:
                touched.add(agreement.pin.location)
        db.session.flush()
        for location in touched:
            locations.refresh(location)
    return _done(pin, _("Deltagaren är stoppad och alla deras punkter är dolda.") if block
                 else _("Deltagaren kan skicka punkter igen."))
