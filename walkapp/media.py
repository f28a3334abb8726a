"""Photos, served only to those who may see them; the files themselves are never public."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, request, session
from flask_login import current_user

from . import party_links, pinstore
from .extensions import db
from .models import PartyLink, Pin
from .permissions import may_see_photo
from .tokens import bearer_token, participant_for

bp = Blueprint("media", __name__)


@bp.get("/photos/<id:pin_id>/<any(full, thumb):size>.jpg")
def photo(pin_id: int, size: str):
    """Send a pin's processed photo to its author, the walk's staff, the public once approved, or a
    responsible party whose working link (opened in this browser) covers the place, once approved."""
    pin = db.session.get(Pin, pin_id)
    if pin is None or pin.photo is None:
        abort(404)
    if not (may_see_photo(current_user, getattr(participant_for(bearer_token()), "id", None), pin)
            or _party_may_see(pin)):
        # Same answer as a missing photo: do not reveal that one exists.
        abort(404)
    data = pinstore.store().open(pin.photo.sha256, size)
    if data is None:
        abort(404)
    response = current_app.response_class(data, mimetype="image/jpeg")
    response.set_etag(pin.photo.sha256 + size)
    response.headers["Cache-Control"] = "private, max-age=3600"
    response.make_conditional(request)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _party_may_see(pin: Pin) -> bool:
    """Whether the party link this browser opened shows this photo (approved, one of its places)."""
    link_id = session.get(party_links.SESSION_KEY)
    if not isinstance(link_id, int):
        return False
    return party_links.grants_photo(db.session.get(PartyLink, link_id), pin)
