"""Photos, served only to those who may see them; the files themselves are never public."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, request
from flask_login import current_user

from . import pinstore
from .extensions import db
from .models import Pin
from .permissions import may_see_photo
from .tokens import bearer_token, participant_for

bp = Blueprint("media", __name__)


@bp.get("/photos/<id:pin_id>/<any(full, thumb):size>.jpg")
def photo(pin_id: int, size: str):
    """Send a pin's processed photo to its author, the walk's staff, or the public once approved."""
    pin = db.session.get(Pin, pin_id)
    if pin is None or pin.photo is None:
        abort(404)
    if not may_see_photo(current_user, getattr(participant_for(bearer_token()), "id", None), pin):
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
