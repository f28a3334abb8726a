"""The participant API under /api/v1: join anonymously, send pins, see, change and delete your own."""

from __future__ import annotations

import datetime as dt
import json
import secrets

from flask import Blueprint, current_app, jsonify, request, url_for
from flask_babel import gettext
from sqlalchemy import and_, or_, select
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import RequestEntityTooLarge

from .. import lifecycle, photos, pin_input, pinstore, quota, vocab
from ..errors import ApiError, checked
from ..db import begin_writing, statements_alone, will_write
from ..extensions import csrf, db, limiter
from ..models import Participant, Pin, Walk, hash_token, utcnow
from ..openapi import openapi_document
from ..timefmt import iso_utc
from ..tokens import bearer_token, participant_for
from ..walks import find_walk_by_code, normalise_code, walk_rules
from . import sender

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)


def spend_quota(participant: Participant, walk_id: int | None = None) -> None:
    """Count this request against the participant's limit (and the walk's): by participant, not
    address, as a whole youth centre shares one address. One round trip for both (quota.py)."""
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return
    limits = [(f"participant:{participant.id}", current_app.config["PIN_LIMIT_PER_PARTICIPANT"])]
    if walk_id is not None:
        limits.append((f"walk:{walk_id}", current_app.config["PIN_LIMIT_PER_WALK"]))
    try:
        current_app.extensions["walkapp_quota"].hit(limits)
    except quota.Exceeded as e:
        raise ApiError(429, "rate_limited", gettext("Du skickar väldigt många punkter på kort tid. Vänta en stund, så skickas resten."),
                       None, {"Retry-After": str(e.retry_after)}) from None


def _code_missed(response) -> bool:
    """Only look-ups of codes that don't exist count: that is what guessing a code costs."""
    return response.status_code == 404


def _limit(name: str):
    return lambda: current_app.config[name]


# --- named steps --------------------------------------------------------------------------------


def walk_or_404(code: str, *, retired: bool = False) -> Walk:
    """The walk with this code; with retired=True also by a code it had before (the caller then checks the token)."""
    walk = find_walk_by_code(code, retired=retired)
    if walk is None:
        raise ApiError(404, "walk_not_found", gettext("Det finns ingen vandring med den koden. Kontrollera koden och försök igen."), "join_code")
    return walk


def require_open(walk: Walk) -> None:
    if walk.status == "draft":
        raise ApiError(409, "walk_not_open", gettext("Vandringen har inte börjat än. Vänta tills ledaren startar den."))
    if walk.status == "closed":
        raise ApiError(409, "walk_closed", gettext("Vandringen är avslutad och tar inte emot fler punkter. Tack för att du var med!"))


def no_token() -> ApiError:
    return ApiError(401, "token_missing", gettext("Du behöver gå med i vandringen först."))


def bad_token() -> ApiError:
    return ApiError(401, "token_invalid", gettext("Din inloggning till vandringen gäller inte längre. Gå med igen med koden."))


def required_token() -> str:
    """The request's token; 401 when it has none."""
    token = bearer_token()
    if token is None:
        raise no_token()
    return token


def authenticated(with_walk: bool = False) -> Participant:
    """The participant holding the request's token: checked before anything is looked up, so a
    request without a valid token learns nothing about walks or pins. with_walk loads its walk too."""
    participant = participant_for(required_token(), with_walk=with_walk)
    if participant is None:
        raise bad_token()
    return participant


def current_participant(walk: Walk, participant: Participant | None = None) -> Participant:
    participant = participant or authenticated()
    if participant.walk_id != walk.id:
        raise bad_token()
    return participant


def require_not_blocked(participant: Participant) -> None:
    if participant.blocked_at is not None:
        raise ApiError(403, "participant_blocked", gettext("Ledaren har stoppat dina punkter i den här vandringen. Prata med ledaren om du undrar varför."))


def form_fields() -> pin_input.Form:
    if request.is_json:
        data = request.get_json(silent=True)
        if not isinstance(data, dict):
            raise ApiError(400, "bad_request", gettext("Begäran kunde inte läsas. Försök igen."))
        if "photo" in data:
            raise ApiError(400, "photo_needs_multipart", gettext("Ett foto skickas som fil (multipart/form-data), inte i JSON."), "photo")
        return pin_input.Form(data)
    return pin_input.Form(request.form, request.form.getlist)


def fingerprint(photo: bytes) -> str:
    """What the phone sent, as a hash: a retry under the same client_id must send the same."""
    if request.is_json:
        fields = json.dumps(request.get_json(silent=True), sort_keys=True, ensure_ascii=False)
    else:
        fields = json.dumps(sorted((key or "", value) for key, value in request.form.items(multi=True)), ensure_ascii=False)
    return pin_input.fingerprint(fields, photo)




def upload_bytes() -> bytes:
    """The photo file's bytes, or b"" when none was sent."""
    upload = request.files.get("photo")
    return upload.read() if upload is not None else b""


def processed(data: bytes) -> photos.ProcessedPhoto | None:
    """The upload checked and processed (outside any database transaction), or None."""
    if not data:
        return None
    try:
        return photos.process(data, wait=current_app.config["PHOTO_WAIT_SECONDS"])
    except photos.Busy as err:
        raise ApiError(err.status, err.code, gettext(err.message), "photo", {"Retry-After": "10"}) from None
    except photos.PhotoError as err:
        raise ApiError(err.status, err.code, gettext(err.message), "photo") from None


def own_pin(pin_id: int) -> tuple[Pin, Participant]:
    participant = authenticated()
    pin = db.session.get(Pin, pin_id)
    if pin is None:
        raise ApiError(404, "pin_not_found", gettext("Punkten finns inte (den kan redan vara borttagen)."))
    if pin.participant_id != participant.id:
        raise ApiError(403, "not_your_pin", gettext("Du kan bara ändra dina egna punkter."))
    require_not_blocked(participant)
    require_open(pin.walk)
    return pin, participant


# --- representations ----------------------------------------------------------------------------


def walk_json(walk: Walk) -> dict:
    """What a phone needs to show the walk; before it opens, only what its poster shows."""
    body = {
        "code": walk.join_code,
        "title": walk.title,
        "status": walk.status,
        "starts_at": iso_utc(walk.starts_at),
        "meeting_place": walk.meeting_place,
        "url": url_for("pages.join", join_code=walk.join_code),
    }
    if walk.status == "draft":
        return body
    body.update({
        "light": walk.light,
        "area": json.loads(walk.area_geojson),
        "center": {"lat": walk.center_lat, "lon": walk.center_lon},
        "stops": [{"name": s["name"], "lat": s["lat"], "lon": s["lon"]} for s in walk.stops],
        "categories": [{"key": c["key"], "label": gettext(c["label"])} for c in walk.categories],
        "share_pins": walk.share_pins,
        # A follow-up walk: its stops are the places of the earlier walk, to check on the spot.
        "follow_up": walk.follow_up_of_id is not None,
        "photo_approval": walk.photo_approval,
        "joins_closed": walk.joins_closed,
    })
    return body


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
            clock_unreliable=bool(pin.clock_unreliable),
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
@limiter.limit(_limit("CODE_MISSES_PER_ADDRESS"), deduct_when=_code_missed)
def get_walk(join_code: str):
    """Show a walk's public details, so a phone can show its name before joining.

    By a code the walk had before, only to a phone that joined with it (it learns the new code).
    """
    walk = find_walk_by_code(join_code)
    if walk is None:
        walk = walk_or_404(join_code, retired=bearer_token() is not None)
        participant = participant_for(bearer_token())
        if participant is None or participant.walk_id != walk.id:
            walk_or_404("")
    return jsonify(walk_json(walk))


@bp.post("/walks/<join_code>/participants")
@limiter.limit(_limit("CODE_MISSES_PER_ADDRESS"), deduct_when=_code_missed)
@limiter.limit(_limit("JOIN_LIMIT_PER_ADDRESS"))
def join(join_code: str):
    """Join a walk anonymously: the phone gets a random token, the server keeps only its hash."""
    walk = walk_or_404(join_code)
    require_open(walk)
    if walk.joins_closed:
        raise ApiError(409, "joins_closed", gettext("Ledaren har stängt för nya deltagare. Fråga ledaren om du vill vara med."))
    token = secrets.token_urlsafe(32)
    db.session.add(Participant(walk=walk, token_hash=hash_token(token)))
    db.session.commit()
    if not prefers_minimal():
        return jsonify({"token": token, "walk": walk_json(walk)}), 201
    # The phone's page already holds the walk: the token is all it needs (a kilobyte less on joining).
    return jsonify({"token": token}), 201, {"Preference-Applied": "return=minimal"}


def prefers_minimal() -> bool:
    """Whether the request asked for a minimal answer (`Prefer: return=minimal`, RFC 7240)."""
    preferences = request.headers.get("Prefer", "").split(",")
    return any(p.split(";")[0].strip().lower().replace(" ", "") == "return=minimal" for p in preferences)


def sent_client_id() -> str:
    """The client_id as sent, unchecked (checked later, in order), or "" when there is none to read."""
    try:
        value = form_fields().get("client_id")
    except (ApiError, RequestEntityTooLarge):
        return ""  # a body that cannot be read is answered in its turn, after the token
    return value if isinstance(value, str) else ""


def pin_context() -> sender.PinContext:
    """Who sends the pin (with their walk), a pin already stored under the sent client_id, and the
    sender's pin count; 401 without a valid token, as `authenticated`."""
    token = required_token()
    context = sender.read(db.session.connection(), hash_token(token), sent_client_id())
    if context is None:
        raise bad_token()
    return context


@bp.post("/walks/<join_code>/pins")
def create_pin(join_code: str):
    """Store a pin, or return the one already stored under the same client_id (phones retry)."""
    will_write(False)  # the checks below only read: no write lock until the pin is stored
    statements_alone(db.session())  # PostgreSQL: a pin without a photo needs no BEGIN and COMMIT
    context = pin_context()
    participant, walk = context.sender, context.sender.walk
    if walk.join_code != normalise_code(join_code):
        # Another walk's code, or this walk's code from before it was changed (phones go on with it).
        walk = walk_or_404(join_code, retired=True)
        participant = current_participant(walk, participant)
    spend_quota(participant, walk.id)
    form = form_fields()
    client_id = checked(pin_input.client_id, form)
    photo_bytes = upload_bytes()
    sent = fingerprint(photo_bytes)
    if context.existing_id is not None:
        return _repeat(db.session.get(Pin, context.existing_id), participant, sent)
    require_not_blocked(participant)
    values = checked(pin_input.parse_new_pin, form, walk_rules(walk))
    now = utcnow()
    values["taken_at"], values["clock_unreliable"] = pin_input.phone_time(values["taken_at"], walk.accepting_since, now)
    # Sent while the map is open before the walk day: from someone who could not come.
    values["before_walk"] = walk.status == "early"
    grace = dt.timedelta(hours=current_app.config["LATE_PIN_HOURS"])
    late = lifecycle.takes_late_pin(walk, values["taken_at"], values["clock_unreliable"], now, grace)
    if not late:
        require_open(walk)
    check_cap(context.own_pins)
    walk_id, participant_id, walk_light = walk.id, participant.id, walk.light
    photo = None
    if photo_bytes:
        # The photo is decoded and stored outside any transaction, so no other phone waits while
        # it is processed and no database connection idles in a transaction.
        db.session.commit()
        photo = processed(photo_bytes)
        pinstore.store_files(photo)
    # The write lock only now (SQLite cannot turn a reader into a writer once another phone has written).
    # A pin without a photo or a place to join is one INSERT, atomic alone.
    begin_writing(db.session(), alone=photo is None and not late)
    values.update(walk_id=walk_id, participant_id=participant_id, client_id=client_id, client_fingerprint=sent)
    if values["light"] is None:
        values["light"] = walk_light
    try:
        pin = pinstore.insert_pin(values, photo)
        if late:
            # The walk's places are already built: give the late pin its place too, in the same commit.
            lifecycle.place_late_pin(db.session.get(Walk, walk_id))
        pinstore.commit()
    except IntegrityError:
        # The same pin arrived twice at once; the other request stored it.
        db.session.rollback()
        if photo is not None:
            pinstore.discard_if_unreferenced(photo.sha256)
        existing = db.session.scalar(select(Pin).where(Pin.walk_id == walk_id, Pin.client_id == client_id))
        if existing is None:
            raise
        return _repeat(existing, db.session.get(Participant, participant_id), sent)
    # From what is in hand (no reload), once the write lock is given back.
    return jsonify(pin_json(pin, own=True)), 201


def check_cap(count: int) -> None:
    cap = current_app.config["MAX_PINS_PER_PARTICIPANT"]
    if count >= cap:
        raise ApiError(409, "pin_cap_reached", gettext("Du har satt ut %(max)d punkter, det är max i en vandring. Prata med ledaren om du har fler.", max=cap))


def _repeat(pin: Pin, participant: Participant, sent: str):
    """The answer to a retry: the stored pin, if it is the same participant sending the same pin."""
    if pin.participant_id != participant.id:
        raise ApiError(409, "client_id_conflict", gettext("Punktens id används redan. Uppdatera sidan och försök igen."), "client_id")
    if pin.client_fingerprint is not None and pin.client_fingerprint != sent:
        raise ApiError(409, "client_id_reused", gettext("Punktens id användes redan för en annan punkt. Uppdatera sidan och försök igen."), "client_id")
    return jsonify(pin_json(pin, own=True)), 200


@bp.get("/walks/<join_code>/pins")
def list_pins(join_code: str):
    """Your own pins, and other participants' visible pins when the walk shares them."""
    authenticated()
    walk = walk_or_404(join_code, retired=True)
    participant = current_participant(walk)
    query = select(Pin).where(Pin.walk_id == walk.id)
    if walk.share_pins:
        # Others' pins only where they were placed on the map and not hidden by the leader.
        others = and_(Pin.hidden.is_(False), Pin.unplaced.is_(False))
        query = query.where(or_(Pin.participant_id == participant.id, others))
    else:
        query = query.where(Pin.participant_id == participant.id)
    pins = db.session.scalars(query.order_by(Pin.created_at, Pin.id)).all()
    from . import agreements  # its routes build on this module's

    agreed = agreements.pin_agreements(pins, participant)
    out = []
    for p in pins:
        body = pin_json(p, own=p.participant_id == participant.id)
        count, mine = agreed[p.id]
        body.update(agreements=count, agreed=agreements.agreement_json(mine) if mine else None)
        out.append(body)
    return jsonify({"pins": out})


@bp.patch("/pins/<id:pin_id>")
def update_pin(pin_id: int):
    """Change your own pin while the walk is open: any of its fields, its photo too."""
    pin, participant = own_pin(pin_id)
    spend_quota(participant)
    if pin.hidden or pin.comment_original is not None:
        # The leader has hidden it or removed words from it: changing it could undo that.
        raise ApiError(409, "pin_moderated", gettext("Ledaren har redan granskat den här punkten, så den går inte att ändra. Du kan ta bort den och göra en ny."))
    form = form_fields()
    values = checked(pin_input.parse_pin_update, form, walk_rules(pin.walk))
    remove = form.get("remove_photo") in ("1", "true", True)
    photo_bytes = upload_bytes()
    if not values and not photo_bytes and not remove:
        raise ApiError(400, "nothing_to_change", gettext("Det fanns inget att ändra i punkten."))
    photo = processed(photo_bytes)
    if photo is not None:
        pinstore.store_files(photo)
    if "comment" in values and values["comment"] != pin.comment:
        pin.comment_approved = False  # new words are read again before they go public
    for name, value in values.items():
        setattr(pin, name, value)
    if photo is not None:
        pinstore.attach_photo(pin, photo, stored=True)
    elif remove:
        pinstore.remove_photo(pin)
    pinstore.commit()
    return jsonify(pin_json(pin, own=True))


@bp.delete("/pins/<id:pin_id>")
def delete_pin(pin_id: int):
    """Delete your own pin while the walk is open, with its photo."""
    pin, participant = own_pin(pin_id)
    spend_quota(participant)
    pinstore.remove_photo(pin)
    db.session.delete(pin)
    pinstore.commit()
    return "", 204
