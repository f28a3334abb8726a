"""The findings map: every published location and pin, filtered, drawn server-side with folium."""

from __future__ import annotations

from flask import abort, current_app, jsonify, render_template, request, url_for
from flask_login import current_user
from .. import map_embeds, maps
from ..templating import cached_gettext
from .. import places as queries
from ..extensions import db
from ..filters import Filters
from ..models import Pin
from ..permissions import plans
from . import access, bp

# Stand-in ids turned into "{id}" address templates, so 10,000 pins cost no url_for calls.
_ID = 987654321


def id_template(endpoint: str, **values) -> str:
    """An address with "{id}" where the object's id goes."""
    return url_for(endpoint, **values).replace(str(_ID), "{id}")


@bp.get("/map")
def findings():
    """The findings map with its filters: locations, footprints, clustered pins and a heat map."""
    filters = Filters.parse(request.args)
    places, pins, walks = queries.map_records(filters)
    m = maps.findings_map(
        places, pins, tiles=map_embeds.tiles(), assets=map_embeds.assets(), text=map_embeds.map_text(),
        category_labels={k: cached_gettext(v) for k, v in queries.category_labels(walks).items()}, walk_titles={w.id: w.title for w in walks},
        photo_url=id_template("media.photo", pin_id=_ID, size="thumb"),
        location_url=id_template("planner.location", location_id=_ID),
        words_url=id_template("planner.pin_words", pin_id=_ID),
        center=current_app.config["DEFAULT_CENTER_LATLON"],
    )
    return render_template("planner/map.html", map=maps.embed(m), filters=filters, places=places, pins=pins,
                           **access.filter_choices())


@bp.get("/pins/<id:pin_id>/words")
def pin_words(pin_id: int):
    """One pin's (moderated) words, for its popup on the findings map."""
    pin = db.get_or_404(Pin, pin_id)
    if pin.hidden or not plans(current_user, pin.walk):
        abort(404)
    return jsonify({"comment": pin.comment or ""})
