"""The participant API under /api/v1: join anonymously, send pins, see, change and delete your own."""

from __future__ import annotations

import datetime as dt
import json
import secrets

from flask import Blueprint, current_app, jsonify, request, url_for
from flask_babel import gettext
from sqlalchemy import and_, or_, select
from sqlalchemy.exc import IntegrityError

from .. import photos, pin_input, pinstore, vocab
from ..errors import ApiError
from ..extensions import csrf, db, limiter
from ..locations import cluster_walk
from ..models import Participant, Pin, Walk, hash_token, utcnow
from ..openapi import openapi_document
from ..timefmt import iso_utc
from ..tokens import bearer_token, participant_for
from ..walks import find_walk_by_code, walk_rules

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)


def _token_key() -> str:
    """Rate-limit participants by token, not address: a whole youth centre shares one address."""
    auth = request.headers.get("Authorization", "")
    return "tok:" + hash_token(auth) if auth else "ip:" + (request.remote_addr or "")


# --- named steps --------------------------------------------------------------------------------


def walk_or_404(code: str) -> Walk:
    walk = find_walk_by_code(code)
    if walk is None:
        raise ApiError(404, "walk_not_found", gettext("Det finns ingen vandring med den koden. Kontrollera koden och försök igen."), "join_code")
    return walk


def require_open(walk: Walk) -> None:
    if walk.status == "draft":
        raise ApiError(409, "walk_not_open", gettext("Vandringen har inte börjat än. Vänta tills ledaren startar den."))
    if walk.status == "closed":
        raise ApiError(409, "walk_closed", gettext("Vandringen är avslutad och tar inte emot fler punkter. Tack för att du var med!"))


def current_participant(walk: Walk) -> Participant:
    token = bearer_token()
    if token is None:
        raise ApiError(401, "token_missing", gettext("Du behöver gå med i vandringen först."))
    participant = participant_for(token)
    if participant is None or participant.walk_id != walk.id:
        raise ApiError(401, "token_invalid", gettext("Din inloggning till vandringen gäller inte längre. Gå med igen med koden."))
    return participant


def form_fields() -> pin_input.Form:
    if request.is_json:
        data = request.get_json(silent=True)
        if not isinstance(data, dict):
            raise ApiError(400, "bad_request", gettext("Begäran kunde inte läsas. Försök igen."))
        return pin_input.Form(data)
    return pin_input.Form(request.form, request.form.getlist)


def checked(parse, *args):
    try:
        return parse(*args)
    except pin_input.InputError as err:
        raise ApiError(err.status, err.code, gettext(err.message, **err.params), err.field) from None


def uploaded_photo() -> photos.ProcessedPhoto | None:
    upload = request.files.get("photo")
    data = upload.read() if upload is not None else b""
    if not data:
        return None
    try:
        return photos.process(data)
    except photos.PhotoError as err:
        raise ApiError(err.status, err.code, gettext(err.message), "photo") from None


def own_pin(pin_id: int) -> tuple[Pin, Participant]:
    pin = db.session.get(Pin, pin_id)
    if pin is None:
        raise ApiError(404, "pin_not_found", gettext("Punkten finns inte (den kan redan vara borttagen)."))
    participant = current_participant(pin.walk)
    if pin.participant_id != participant.id:
        raise ApiError(403, "not_your_pin", gettext("Du kan bara ändra dina egna punkter."))
    require_open(pin.walk)
    return pin, participant


# --- representations ----------------------------------------------------------------------------


def walk_json(walk: Walk) -> dict:
    """What a phone needs to show the walk."""
    return {
        "code": walk.join_code,
        "title": walk.title,
        "status": walk.status,
        "starts_at": iso_utc(walk.starts_at),
        "meeting_place": walk.meeting_place,
        "light": walk.light,
        "area": json.loads(walk.area_geojson),
        "center": {"lat": walk.center_lat, "lon": walk.center_lon},
        "stops": [{"name": s["name"], "lat": s["lat"], "lon": s["lon"]} for s in walk.stops],
        "categories": [{"key": c["key"], "label": gettext(c["label"])} for c in walk.categories],
        "share_pins": walk.share_pins,
        "photo_approval": walk.photo_approval,
        "url": url_for("pages.join", join_code=walk.join_code),
    }


def pin_json(pin: Pin, own: bool) -> dict:
    """A pin as its author sees it; others' pins show only where, how it felt and why."""
    body = {
        "id": pin.id,
        "own": own,
        "lat": pin.lat,
        "lon": pin.lon,
        "rating": pin.rating,
        "rating_label": gettext(vocab.RATINGS[pin.rating]),
        "categories": list(pin.categories),
        "light": pin.light,
        "created_at": iso_utc(pin.created_at),
    }
    if own:
        photo = pin.photo
        body.update(
            client_id=pin.client_id,
            accuracy_m=pin.accuracy_m,
            comment=pin.comment,
            taken_at=iso_utc(pin.taken_at),
            updated_at=iso_utc(pin.updated_at),
            unplaced=pin.unplaced,
            stop_name=pin.stop_name,
            place_description=pin.place_description,
            hidden=pin.hidden,
            photo=None
            if photo is None
            else {
                "url": url_for("media.photo", pin_id=pin.id, size="full"),
                "thumb_url": url_for("media.photo", pin_id=pin.id, size="thumb"),
                "width": photo.width,
                "height": photo.height,
            },
        )
    return body


# --- routes -------------------------------------------------------------------------------------


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI 3.1 description of this API."""
    return jsonify(openapi_document())


@bp.get("/walks/<join_code>")
def get_walk(join_code: str):
    """Show a walk's public details, so a phone can show its name before joining."""
    return jsonify(walk_json(walk_or_404(join_code)))


@bp.post("/walks/<join_code>/participants")
@limiter.limit("120/minute")
def join(join_code: str):
    """Join a walk anonymously: the phone gets a random token, the server keeps only its hash."""
    walk = walk_or_404(join_code)
    require_open(walk)
    token = secrets.token_urlsafe(32)
    db.session.add(Participant(walk=walk, token_hash=hash_token(token)))
    db.session.commit()
    return jsonify({"token": token, "walk": walk_json(walk)}), 201


@bp.post("/walks/<join_code>/pins")
@limiter.limit("120/minute", key_func=_token_key)
def create_pin(join_code: str):
    """Store a pin, or return the one already stored under the same client_id (phones retry)."""
    walk = walk_or_404(join_code)
    participant = current_participant(walk)
    form = form_fields()
    client_id = checked(pin_input.client_id, form)
    existing = _pin_by_client_id(walk, client_id)
    if existing is not None:
        return _repeat(existing, participant)
    values = checked(pin_input.parse_new_pin, form, walk_rules(walk))
    late = arrived_late(walk, values["taken_at"])
    if not late:
        require_open(walk)
    processed = uploaded_photo()
    pin = Pin(walk=walk, participant=participant, client_id=client_id, **values)
    if values["light"] is None:
        pin.light = walk.light
    db.session.add(pin)
    try:
        db.session.flush()
        if processed is not None:
            pinstore.attach_photo(pin, processed)
        if late:
            # The walk's places are already built: give the late pin its place too, in the same commit.
            cluster_walk(walk)
        pinstore.commit()
    except IntegrityError:
        # The same pin arrived twice at once; the other request stored it.
        db.session.rollback()
        if processed is not None:
            pinstore.discard_if_unreferenced(processed.sha256)
        existing = _pin_by_client_id(walk, client_id)
        if existing is None:
            raise
        return _repeat(existing, participant)
    return jsonify(pin_json(pin, own=True)), 201


def arrived_late(walk: Walk, taken_at) -> bool:
    """A pin made during the walk that reaches the server after closing (a phone without signal).

    It is taken if the phone made it before the walk closed and it arrives within LATE_PIN_HOURS, and
    only while the leader has not yet published the places: published places are reviewed ones.
    """
    if walk.status != "closed" or walk.closed_at is None or taken_at is None or walk.published_at is not None:
        return False
    grace = dt.timedelta(hours=current_app.config["LATE_PIN_HOURS"])
    return taken_at <= walk.closed_at and utcnow() - walk.closed_at <= grace


def _pin_by_client_id(walk: Walk, client_id: str) -> Pin | None:
    return db.session.scalar(select(Pin).where(Pin.walk_id == walk.id, Pin.client_id == client_id))


def _repeat(pin: Pin, participant: Participant):
    if pin.participant_id != participant.id:
        raise ApiError(409, "client_id_conflict", gettext("Punktens id används redan. Uppdatera sidan och försök igen."), "client_id")
    return jsonify(pin_json(pin, own=True)), 200


@bp.get("/walks/<join_code>/pins")
def list_pins(join_code: str):
    """Your own pins, and other participants' visible pins when the walk shares them."""
    walk = walk_or_404(join_code)
    participant = current_participant(walk)
    query = select(Pin).where(Pin.walk_id == walk.id)
    if walk.share_pins:
        # Others' pins only where they were placed on the map and not hidden by the leader.
        others = and_(Pin.hidden.is_(False), Pin.unplaced.is_(False))
        query = query.where(or_(Pin.participant_id == participant.id, others))
    else:
        query = query.where(Pin.participant_id == participant.id)
    pins = db.session.scalars(query.order_by(Pin.created_at, Pin.id)).all()
    return jsonify({"pins": [pin_json(p, own=p.participant_id == participant.id) for p in pins]})


@bp.patch("/pins/<int:pin_id>")
@limiter.limit("120/minute", key_func=_token_key)
def update_pin(pin_id: int):
    """Change your own pin while the walk is open: any of its fields, its photo too."""
    pin, _participant = own_pin(pin_id)
    if pin.hidden or pin.comment_original is not None:
        # The leader has hidden it or removed words from it: changing it could undo that.
        raise ApiError(409, "pin_moderated", gettext("Ledaren har redan granskat den här punkten, så den går inte att ändra. Du kan ta bort den och göra en ny."))
    form = form_fields()
    values = checked(pin_input.parse_pin_update, form, walk_rules(pin.walk))
    processed = uploaded_photo()
    for name, value in values.items():
        setattr(pin, name, value)
    if processed is not None:
        pinstore.attach_photo(pin, processed)
    elif form.get("remove_photo") in ("1", "true", True):
        pinstore.remove_photo(pin)
    pinstore.commit()
    return jsonify(pin_json(pin, own=True))


@bp.delete("/pins/<int:pin_id>")
@limiter.limit("120/minute", key_func=_token_key)
def delete_pin(pin_id: int):
    """Delete your own pin while the walk is open, with its photo."""
    pin, _participant = own_pin(pin_id)
    pinstore.remove_photo(pin)
    db.session.delete(pin)
    pinstore.commit()
    return "", 204
