"""Reading a pin from what a phone sent: one named check per field, each with a Swedish message.

No Flask here: the API turns an InputError into its error shape.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass

from . import geo, vocab
from .text import sent_length
from .vocab import N_

# Slack for "outside the area": phones report their accuracy; never more than this.
MAX_AREA_SLACK_M = 200.0
MAX_ACCURACY_M = 100_000.0
CLIENT_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


class InputError(Exception):
    """A bad field: a code for programs, a Swedish message (translatable) for people."""

    def __init__(self, code: str, message: str, field: str | None, status: int = 400, **params):
        super().__init__(message % params if params else message)
        self.code = code
        self.message = message
        self.params = params
        self.field = field
        self.status = status


@dataclass(frozen=True)
class WalkRules:
    """What a walk accepts: its area, categories, stops and centre."""

    area: object  # shapely geometry in lon/lat
    category_keys: frozenset[str]
    stops: tuple[dict, ...]
    center: tuple[float, float]


class Form:
    """Field access over a multipart form or a JSON object, the same way for both."""

    def __init__(self, data: Mapping, getlist=None):
        self.data = data
        self._getlist = getlist

    def has(self, name: str) -> bool:
        return name in self.data

    def get(self, name: str):
        value = self.data.get(name)
        return value.strip() if isinstance(value, str) else value

    def sent_length(self, name: str) -> int:
        """How long a text field was as the phone sent it (before cleaning and trimming)."""
        value = self.data.get(name)
        return sent_length(value) if isinstance(value, str) else 0

    def getlist(self, name: str) -> list:
        if self._getlist is not None:
            return self._getlist(name)
        value = self.data.get(name)
        if value is None:
            return []
        return value if isinstance(value, list) else [value]


def client_id(form: Form) -> str:
    """The phone's idempotency key for the pin."""
    value = form.get("client_id")
    if not value:
        raise InputError("missing_field", N_("Punkten saknar id (client_id). Uppdatera sidan och försök igen."), "client_id")
    if not isinstance(value, str) or not CLIENT_ID.match(value):
        raise InputError("invalid_client_id", N_("Punktens id (client_id) är ogiltigt. Uppdatera sidan och försök igen."), "client_id")
    return value


def _is_number(raw) -> bool:
    """A JSON number (a boolean is not one) or text, as a form sends every field."""
    return isinstance(raw, (int, float, str)) and not isinstance(raw, bool)


def _text(form: Form, name: str, message: str) -> str | None:
    """A text field: a string or nothing; a number, list or object is refused with `message`."""
    raw = form.get(name)
    if raw is None:
        return None
    if not isinstance(raw, str):
        raise InputError("invalid_text", message, name)
    return raw


def _number(form: Form, name: str, required: bool) -> float | None:
    raw = form.get(name)
    if raw is None or raw == "":
        if required:
            raise InputError("missing_field", N_("Platsen saknas. Tryck på ”Markera här” eller på kartan."), name)
        return None
    try:
        if not _is_number(raw):
            raise TypeError(type(raw).__name__)
        value = float(raw)
    except (TypeError, ValueError, OverflowError):
        raise InputError("invalid_number", N_("Platsen kunde inte läsas. Tryck på ”Markera här” igen."), name) from None
    if not math.isfinite(value):
        raise InputError("invalid_number", N_("Platsen kunde inte läsas. Tryck på ”Markera här” igen."), name)
    return value


def position(form: Form, rules: WalkRules, required: bool) -> dict:
    """lat, lon and accuracy, or a named stop, or a description in words (placed at the walk centre)."""
    accuracy = _number(form, "accuracy_m", False)
    if accuracy is not None and not (0 <= accuracy <= MAX_ACCURACY_M):
        raise InputError("invalid_number", N_("GPS-noggrannheten kunde inte läsas."), "accuracy_m")
    stop_name = _text(form, "stop", N_("Stoppet kunde inte läsas. Välj ett i listan."))
    description = _text(form, "place_description", N_("Beskrivningen av platsen kunde inte läsas."))
    if stop_name:
        for stop in rules.stops:
            if stop.get("name") == stop_name:
                return {"lat": float(stop["lat"]), "lon": float(stop["lon"]), "accuracy_m": None,
                        "stop_name": stop_name, "unplaced": False, "place_description": None}
        raise InputError("unknown_stop", N_("Det stoppet finns inte i den här vandringen. Välj ett i listan."), "stop")
    if description and not (form.get("lat") or form.get("lon")):
        if max(len(description), form.sent_length("place_description")) > vocab.COMMENT_MAX:
            raise InputError("text_too_long", N_("Beskrivningen är för lång (högst %(max)d tecken)."), "place_description", max=vocab.COMMENT_MAX)
        lat, lon = rules.center
        return {"lat": lat, "lon": lon, "accuracy_m": None, "stop_name": None,
                "unplaced": True, "place_description": description}
    lat = _number(form, "lat", required)
    lon = _number(form, "lon", required)
    if lat is None and lon is None:
        return {}
    if lat is None or lon is None:
        missing = "lat" if lat is None else "lon"
        raise InputError("missing_field", N_("Platsen saknas. Tryck på ”Markera här” eller på kartan."), missing)
    if not (-90 <= lat <= 90):
        raise InputError("invalid_number", N_("Platsen kunde inte läsas. Tryck på ”Markera här” igen."), "lat")
    if not (-180 <= lon <= 180):
        raise InputError("invalid_number", N_("Platsen kunde inte läsas. Tryck på ”Markera här” igen."), "lon")
    slack = min(accuracy or 0.0, MAX_AREA_SLACK_M)
    if geo.distance_to_area_m(rules.area, lat, lon) > slack:
        raise InputError("outside_area", N_("Platsen ligger utanför vandringens område. Flytta punkten innanför den streckade linjen."), "lat")
    return {"lat": lat, "lon": lon, "accuracy_m": accuracy, "stop_name": None,
            "unplaced": False, "place_description": None}


def rating(form: Form, required: bool) -> int | None:
    """The 4-step rating."""
    raw = form.get("rating")
    if raw is None or raw == "":
        if required:
            raise InputError("missing_field", N_("Välj hur platsen känns."), "rating")
        return None
    try:
        value = int(raw) if _is_number(raw) and not isinstance(raw, float) else 0
    except ValueError:
        value = 0
    if isinstance(raw, float) and raw.is_integer():
        value = int(raw)
    if value not in vocab.RATINGS:
        raise InputError("invalid_rating", N_("Välj hur platsen känns: ett av de fyra alternativen."), "rating")
    return value


def categories(form: Form, rules: WalkRules) -> list[str]:
    """The chosen categories, each one of the walk's, in the order given, without repeats."""
    chosen: list[str] = []
    for raw in form.getlist("categories"):
        if raw is None:
            continue
        if not isinstance(raw, str):
            raise InputError("unknown_category", N_("En kategori finns inte i den här vandringen. Välj bland de som visas."), "categories")
        key = raw.strip()
        if not key:
            continue
        if key not in rules.category_keys:
            raise InputError("unknown_category", N_("En kategori finns inte i den här vandringen. Välj bland de som visas."), "categories")
        if key not in chosen:
            chosen.append(key)
    return chosen


def comment(form: Form) -> str | None:
    """The optional comment, at most 2,000 characters."""
    raw = form.get("comment")
    if raw is None:
        return None
    if not isinstance(raw, str):
        raise InputError("invalid_text", N_("Kommentaren kunde inte läsas."), "comment")
    text = raw.replace("\r\n", "\n").replace("\x00", "")
    if max(len(text), form.sent_length("comment")) > vocab.COMMENT_MAX:
        raise InputError("comment_too_long", N_("Kommentaren är för lång: högst %(max)d tecken."), "comment", max=vocab.COMMENT_MAX)
    return text or None


def light(form: Form) -> str | None:
    """dagsljus, skymning or mörker."""
    raw = form.get("light")
    if raw is None or raw == "":
        return None
    if not isinstance(raw, str) or raw not in vocab.LIGHT:
        raise InputError("invalid_light", N_("Välj ljus: dagsljus, skymning eller mörker."), "light")
    return raw


def taken_at(form: Form) -> dt.datetime | None:
    """When the phone made the pin (ISO 8601), as naive UTC; a time no clock can show is refused."""
    raw = form.get("taken_at")
    if raw is None or raw == "":
        return None
    try:
        value = utc_time(raw)
    except ValueError:
        raise InputError("invalid_time", N_("Tiden för punkten kunde inte läsas."), "taken_at") from None
    return value


def utc_time(raw) -> dt.datetime:
    """An ISO 8601 time as naive UTC; ValueError for anything else, a time outside the calendar included.

    "0001-01-01T00:00+01:00" is a valid string whose UTC time falls before year 1 (OverflowError).
    """
    if not isinstance(raw, str):
        raise ValueError("not a string")
    try:
        value = dt.datetime.fromisoformat(raw)
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
    except OverflowError:
        raise ValueError("outside the calendar") from None
    return value


# How far a phone's clock may be from ours and still be believed (phones set theirs from the network).
CLOCK_SLACK = dt.timedelta(minutes=15)


def phone_time(taken: dt.datetime | None, opened_at: dt.datetime | None,
               now: dt.datetime) -> tuple[dt.datetime | None, bool]:
    """The time to keep for a pin, and whether the phone's clock was wrong.

    A pin cannot be made before its walk opened nor after it arrived. A phone that says otherwise
    has a wrong clock (a dead battery resets it to 1970 or 2000): the pin is kept, with our own
    receive time in its place and a flag, so a phone with a wrong clock never loses its pins.
    """
    if taken is None:
        return None, False
    earliest = (opened_at or now) - CLOCK_SLACK
    if earliest <= taken <= now + CLOCK_SLACK:
        return min(taken, now), False
    return now, True


def fingerprint(fields: str, photo: bytes) -> str:
    """A hash of what a phone sent (its fields as canonical text, and the photo's bytes)."""
    digest = hashlib.sha256(fields.encode())
    digest.update(b"\0photo\0")
    digest.update(hashlib.sha256(photo).digest())
    return digest.hexdigest()


def parse_new_pin(form: Form, rules: WalkRules) -> dict:
    """Every field of a new pin, checked, in the order a person fills them in."""
    values = position(form, rules, required=True)
    values["rating"] = rating(form, required=True)
    values["categories"] = categories(form, rules)
    values["comment"] = comment(form)
    values["light"] = light(form)
    values["taken_at"] = taken_at(form)
    return values


def parse_agreement(form: Form) -> dict:
    """An agreement ("Jag håller med"): optionally its own rating and words."""
    return {"rating": rating(form, required=False), "comment": comment(form)}


def parse_pin_update(form: Form, rules: WalkRules) -> dict:
    """Only the fields that were sent, checked like a new pin's."""
    values = position(form, rules, required=False)
    if form.has("rating"):
        values["rating"] = rating(form, required=True)
    if form.has("categories"):
        values["categories"] = categories(form, rules)
    if form.has("comment"):
        values["comment"] = comment(form)
    if form.has("light"):
        values["light"] = light(form)
    return values
