"""A follow-up walk (uppföljningsvandring): the same area walked again, months later, with the earlier
walk's places as its stops, so that the youths say on the spot whether it has got better. Its pins
cluster into the same places (locations.py joins an earlier walk's place where pins overlap it),
which gives each place its before/after; a place marked Åtgärdad that the youths still find unsafe is
flagged for the planners (places.Card.still_unsafe). No Flask here.
"""

from __future__ import annotations

from . import audit, locations
from .extensions import db
from .location_text import place_name
from .models import User, Walk
from .walks import new_join_code

# A walk's stops are a list to pick from on the phone: the most urgent places, at most this many.
MAX_STOPS = 25


def stops_from(walk: Walk) -> list[dict]:
    """The walk's places, most urgent first, as numbered stops."""
    places = locations.walk_locations(walk)[:MAX_STOPS]
    return [{"name": f"{i}. {place_name(place)}"[:200], "lat": round(place.lat, 6), "lon": round(place.lon, 6)}
            for i, place in enumerate(places, start=1)]


def create(walk: Walk, user: User, title: str) -> Walk:
    """A new draft walk over the same area, its stops the earlier walk's places; logged."""
    follow = Walk(
        title=title[:200], join_code=new_join_code(), status="draft", follow_up_of_id=walk.id,
        area_geojson=walk.area_geojson, center_lat=walk.center_lat, center_lon=walk.center_lon,
        meeting_place=walk.meeting_place, light=walk.light, stops=stops_from(walk),
        categories=[dict(c) for c in walk.categories], share_pins=walk.share_pins, photo_approval=walk.photo_approval,
        cluster_eps_m=walk.cluster_eps_m, cluster_min_samples=walk.cluster_min_samples, created_by_id=user.id,
    )
    follow.staff.append(user)
    db.session.add(follow)
    db.session.flush()
    audit.record("walk_created", user, walk=follow, new=follow.title, note=walk.title)
    return follow
